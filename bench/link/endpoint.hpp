#pragma once
// "tcp://198.18.0.2:40123" -> {"198.18.0.2", "40123"} (port may be "*").
#include <stdexcept>
#include <string>
#include <utility>

namespace netgear::bench::link {

inline std::pair<std::string, std::string> split_endpoint(const std::string& endpoint) {
  const auto scheme = endpoint.find("tcp://");
  const auto colon = endpoint.rfind(':');
  if (scheme != 0 || colon == std::string::npos || colon < 6 || colon + 1 == endpoint.size())
    throw std::invalid_argument("endpoint '" + endpoint + "' is not tcp://ADDRESS:PORT");
  return {endpoint.substr(6, colon - 6), endpoint.substr(colon + 1)};
}

}  // namespace netgear::bench::link
