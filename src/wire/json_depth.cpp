#include "wire/json_depth.hpp"

#include <vector>

namespace netgear::wire {

bool json_text_depth_within(std::string_view text, std::size_t limit) noexcept {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (in_string) {
      if (ch == '\\')
        ++i;  // the escaped character cannot end the string
      else if (ch == '"')
        in_string = false;
      continue;
    }
    switch (ch) {
      case '"': in_string = true; break;
      case '[':
      case '{':
        if (++depth > limit) return false;
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default: break;
    }
  }
  return true;
}

bool json_depth_within(const nlohmann::json& value, std::size_t limit) {
  // One level at a time: the containers at depth d, then their children.
  std::vector<const nlohmann::json*> level, next;
  if (value.is_structured()) level.push_back(&value);
  for (std::size_t depth = 1; !level.empty(); ++depth) {
    if (depth > limit) return false;
    next.clear();
    for (const auto* container : level)
      for (const auto& child : *container)
        if (child.is_structured()) next.push_back(&child);
    level.swap(next);
  }
  return true;
}

}  // namespace netgear::wire
