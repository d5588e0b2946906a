#pragma once
// The `netgear` spdlog logger when an object was made with logging=true, a
// silent one otherwise (vidgear's `logging` parameter).

#include <memory>

#include <spdlog/spdlog.h>

namespace netgear::detail {

std::shared_ptr<spdlog::logger> make_logger(bool enabled);

}  // namespace netgear::detail
