#pragma once
// The names a frame header's `compression` may carry, each list in one place:
// the OpenCV file extensions vidgear 0.1.x sends, and the simplejpeg
// colorspaces vidgear >= 0.2 names. The header parser, the codecs and the
// option rules all read these lists, and their error texts are built from
// them, so adding a name here is the whole change. Header-only, no
// dependencies: every layer may include it.

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace netgear::wire {

/// `compression_format` values, as the header carries them (lower case).
inline constexpr std::array<std::string_view, 4> kImageExtensions{".jpg", ".jpeg", ".png", ".bmp"};

/// simplejpeg's colorspace names (upper case), each also a TurboJPEG pixel
/// format (TJPF_<name>): codec/jpeg.cpp pairs them by position.
inline constexpr std::array<std::string_view, 12> kJpegColorspaces{
    "RGB", "BGR", "RGBX", "BGRX", "XBGR", "XRGB", "GRAY", "RGBA", "BGRA", "ABGR", "ARGB", "CMYK"};

/// Whether `a` and `b` are equal ignoring the case of ASCII letters
/// (locale-independent, unlike std::tolower).
constexpr bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

/// The position in `names` of the entry equal to `name` ignoring case, or
/// nullopt. names[*result] is the canonical spelling.
constexpr std::optional<std::size_t> find_name(std::span<const std::string_view> names,
                                               std::string_view name) noexcept {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (equals_ignoring_case(names[i], name)) return i;
  return std::nullopt;
}

/// The names for an error message: "a, b, c or d" (`last` joins the final two).
inline std::string name_list(std::span<const std::string_view> names, std::string_view last = " or ") {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? last : ", ";
    text += names[i];
  }
  return text;
}

}  // namespace netgear::wire
