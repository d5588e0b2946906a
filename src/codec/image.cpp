#include "codec/image.hpp"

#include <climits>
#include <cstdint>
#include <cstring>
#include <string>

#include <opencv2/imgcodecs.hpp>

#include "wire/compression_names.hpp"
#include "wire/peer_text.hpp"

namespace netgear::codec {
namespace {

// An image's size as its header declares it, and its pixel as imdecode makes
// it with IMREAD_UNCHANGED (at most: e.g. a PNG palette may or may not gain alpha).
struct Declared {
  const char* format;
  std::int64_t width;
  std::int64_t height;
  int channels;
  int sample_bytes;
};

std::uint32_t big_endian32(const unsigned char* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
std::uint32_t little_endian32(const unsigned char* p) {
  return std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0];
}
std::uint32_t little_endian16(const unsigned char* p) { return std::uint32_t{p[1]} << 8 | p[0]; }

// Reads the header the way OpenCV's decoder for these bytes will (imdecode
// picks it by signature, whatever the extension said). Throws CodecError for
// any other format: imdecode knows many more (TIFF, WebP, EXR, ...), whose
// sizes we would not see before it allocates, and vidgear never sends them.
Declared declared_size(std::span<const unsigned char> data) {
  const unsigned char* p = data.data();
  const std::size_t n = data.size();
  static constexpr unsigned char png_signature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) {
    const JpegHeader header = read_jpeg_header(data);  // libjpeg's own reading
    return {"JPEG", header.width, header.height, header.components == 1 ? 1 : 3, 1};
  }
  if (n >= sizeof png_signature && std::memcmp(p, png_signature, sizeof png_signature) == 0) {
    // IHDR comes first: length, "IHDR", width, height (big-endian), bit depth, colour type.
    if (n < 26 || std::memcmp(p + 12, "IHDR", 4) != 0)
      throw CodecError("not a decodable image: a PNG without its IHDR header");
    const int colour_type = p[25];  // 0: grey; else colour or alpha, up to 4 channels
    return {"PNG", big_endian32(p + 16), big_endian32(p + 20), colour_type == 0 ? 1 : 4, p[24] == 16 ? 2 : 1};
  }
  if (n >= 2 && p[0] == 'B' && p[1] == 'M') {
    // A 14-byte file header, then the DIB header's size and, for the Windows
    // headers (size >= 36), width and height as signed 32-bit (height < 0:
    // top-down) and bits per pixel at 28; for OS/2's 12-byte header, 16-bit ones.
    const std::uint32_t dib = n >= 18 ? little_endian32(p + 14) : 0;
    std::int64_t width = 0, height = 0;
    std::uint32_t bits = 0;
    if (dib >= 36 && n >= 30) {
      width = static_cast<std::int32_t>(little_endian32(p + 18));
      height = static_cast<std::int32_t>(little_endian32(p + 22));
      bits = little_endian16(p + 28);
    } else if (dib == 12 && n >= 26) {
      width = little_endian16(p + 18);
      height = little_endian16(p + 20);
      bits = little_endian16(p + 24);
    } else {
      throw CodecError("not a decodable image: a BMP with an unknown or cut-short header");
    }
    return {"BMP", width < 0 ? -width : width, height < 0 ? -height : height, bits == 32 ? 4 : 3, 1};
  }
  throw CodecError("not a decodable image: neither JPEG, PNG nor BMP (" + std::to_string(n) + " bytes)");
}

// Bytes per pixel of what imdecode makes of `image` with `flag`, by its rules:
// IMREAD_UNCHANGED (and GDAL) keep the image's own; otherwise 8-bit unless
// IMREAD_ANYDEPTH, 3 channels for IMREAD_COLOR or a colour image with
// IMREAD_ANYCOLOR, else 1. (IMREAD_REDUCED_* is not counted: PNG and BMP
// are decoded at full size before being reduced.)
int decoded_pixel_bytes(const Declared& image, int flag) {
  if (flag == cv::IMREAD_UNCHANGED || (flag & cv::IMREAD_LOAD_GDAL) == cv::IMREAD_LOAD_GDAL)
    return image.channels * image.sample_bytes;
  const int sample = (flag & cv::IMREAD_ANYDEPTH) != 0 ? image.sample_bytes : 1;
  const bool colour = (flag & cv::IMREAD_COLOR) != 0 || ((flag & cv::IMREAD_ANYCOLOR) != 0 && image.channels > 1);
  return (colour ? 3 : 1) * sample;
}

}  // namespace

void encode_image(const cv::Mat& image, std::string_view extension, const std::vector<int>& params,
                  std::vector<unsigned char>& out) {
  const auto known = wire::find_name(wire::kImageExtensions, extension);
  if (!known)
    throw CodecError("unsupported image format '" + wire::peer_text(extension) +
                     "' (accepted: " + wire::name_list(wire::kImageExtensions, ", ") + ")");
  const std::string ext(wire::kImageExtensions[*known]);
  const bool png = ext == ".png";
  if (image.empty()) throw CodecError("cannot encode an empty image as " + ext);
  // imencode would quietly convert some of these (a CV_16U JPEG becomes 8-bit,
  // a 2-channel image gets dropped to 1), so a frame would arrive changed; we
  // refuse instead.
  const int depth = image.depth();
  if (!(depth == CV_8U || (png && depth == CV_16U)))
    throw CodecError(ext + " cannot hold depth " + cv::typeToString(image.type()) + " (accepted: " +
                     (png ? "CV_8U, CV_16U" : "CV_8U") + ")");
  const int channels = image.channels();
  if (channels != 1 && channels != 3 && channels != 4)
    throw CodecError(ext + " cannot hold " + std::to_string(channels) + " channels (accepted: 1, 3, 4)");
  if (image.dims != 2) throw CodecError("cannot encode a " + std::to_string(image.dims) + "-dimensional Mat as " + ext);

  bool encoded = false;
  try {
    encoded = cv::imencode(ext, image, out, params);
  } catch (const cv::Exception& e) {
    throw CodecError("OpenCV cannot encode " + ext + ": " + e.what());
  }
  if (!encoded) throw CodecError("OpenCV cannot encode this image as " + ext);
}

cv::Mat decode_image(std::span<const unsigned char> encoded, int flag, std::int64_t max_bytes) {
  if (encoded.empty()) throw CodecError("not a decodable image: no data");
  if (encoded.size() > static_cast<std::size_t>(INT_MAX)) throw CodecError("not a decodable image: over 2 GiB");
  const Declared image = declared_size(encoded);
  check_decoded_size(image.width, image.height, decoded_pixel_bytes(image, flag), max_bytes, image.format);
  cv::Mat result;
  try {
    // A Mat header over the caller's bytes: imdecode reads them, never writes.
    const cv::Mat buffer(1, static_cast<int>(encoded.size()), CV_8U, const_cast<unsigned char*>(encoded.data()));
    result = cv::imdecode(buffer, flag);
  } catch (const cv::Exception& e) {
    throw CodecError(std::string("not a decodable image: ") + e.what());
  }
  if (result.empty()) throw CodecError("not a decodable image (" + std::to_string(encoded.size()) + " bytes)");
  return result;
}

}  // namespace netgear::codec
