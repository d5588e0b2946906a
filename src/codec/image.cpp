#include "codec/image.hpp"

#include <algorithm>
#include <cctype>
#include <climits>
#include <string>

#include <opencv2/imgcodecs.hpp>

namespace netgear::codec {
namespace {

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

}  // namespace

void encode_image(const cv::Mat& image, std::string_view extension, const std::vector<int>& params,
                  std::vector<unsigned char>& out) {
  const std::string ext = lower(extension);
  const bool png = ext == ".png";
  if (!png && ext != ".jpg" && ext != ".jpeg" && ext != ".bmp")
    throw CodecError("unsupported image format '" + std::string(extension) + "' (accepted: .jpg, .jpeg, .png, .bmp)");
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

cv::Mat decode_image(std::span<const unsigned char> encoded, int flag) {
  if (encoded.empty()) throw CodecError("not a decodable image: no data");
  if (encoded.size() > static_cast<std::size_t>(INT_MAX)) throw CodecError("not a decodable image: over 2 GiB");
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
