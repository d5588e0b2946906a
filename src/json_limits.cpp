#include "netgear/json_limits.hpp"

#include <string>

#include "netgear/error.hpp"
#include "wire/json_depth.hpp"

namespace netgear {

void check_json_depth(const nlohmann::json& value, std::string_view what) {
  if (!wire::json_depth_within(value, max_json_depth))
    throw OptionError(std::string(what), "nested deeper than " + std::to_string(max_json_depth) +
                                             " levels of lists and dicts (netgear's limit for JSON)");
}

}  // namespace netgear
