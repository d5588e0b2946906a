#include "http_viewer.hpp"

#include <fmt/format.h>

#include "netgear/error.hpp"

namespace netgear::tools {

// "8080" (loopback only) or "HOST:8080"; port 0 = any free port.
std::unique_ptr<MjpegServer> open_http_viewer(const std::string& spec, ViewerOptions options) {
  const auto colon = spec.rfind(':');
  const std::string host = colon == std::string::npos ? "127.0.0.1" : spec.substr(0, colon);
  const std::string port = colon == std::string::npos ? spec : spec.substr(colon + 1);
  int number = -1;
  try {
    std::size_t used = 0;
    number = std::stoi(port, &used);
    if (used != port.size()) number = -1;
  } catch (const std::exception&) {
  }
  if (number < 0 || number > 65535)
    throw OptionError("http", fmt::format("'{}' is not PORT or HOST:PORT (e.g. --http 8080, --http 0.0.0.0:8080)", spec));
  return std::make_unique<MjpegServer>(host == "*" ? "0.0.0.0" : host, number, std::move(options));
}

}  // namespace netgear::tools
