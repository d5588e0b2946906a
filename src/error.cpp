#include "netgear/error.hpp"

namespace netgear {

OptionError::OptionError(std::string key, const std::string& problem)
    : Error("netgear: option '" + key + "': " + problem), key_(std::move(key)) {}

}  // namespace netgear
