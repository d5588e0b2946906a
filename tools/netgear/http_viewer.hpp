#pragma once
// The browser viewer of `netgear recv --http` and `netgear relay --http`:
// its flag read into an MjpegServer (tools/viewer/).

#include <memory>
#include <string>

#include "viewer/mjpeg_server.hpp"

namespace netgear::tools {

/// "8080" (loopback only) or "HOST:8080" ("*": every interface); port 0 =
/// any free port. Throws OptionError("http") for anything else.
std::unique_ptr<MjpegServer> open_http_viewer(const std::string& spec, ViewerOptions options);

}  // namespace netgear::tools
