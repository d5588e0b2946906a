#pragma once
// OpenCV image codecs as vidgear 0.1.x uses them for `compression_format`:
// cv::imencode on the sender, cv::imdecode on the receiver. Pure functions
// over buffers; safe to call from any thread.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "codec/jpeg.hpp"  // CodecError

namespace netgear::codec {

/// Encodes `image` as the file format `extension` names (one of
/// wire::kImageExtensions, case-insensitive) with cv::imencode's `params` (pairs of
/// cv::IMWRITE_* key and value, e.g. {cv::IMWRITE_JPEG_QUALITY, 90}).
/// `out` receives the file's bytes; its capacity is reused.
/// Throws CodecError for another extension, a depth the format cannot hold
/// (JPEG and BMP: CV_8U; PNG: CV_8U or CV_16U), a channel count other than 1,
/// 3 or 4, or anything else OpenCV refuses.
void encode_image(const cv::Mat& image, std::string_view extension, const std::vector<int>& params,
                  std::vector<unsigned char>& out);

/// Decodes an encoded image with cv::imdecode and `flag` (cv::IMREAD_*; vidgear's
/// receiver default is 0 = IMREAD_GRAYSCALE). Only JPEG, PNG and BMP data (the
/// formats vidgear 0.1.x sends) reach imdecode, and only once their header is
/// read: an image that would decode to more than `max_bytes` (at full
/// resolution, with `flag`'s channels and depth; -1: no limit) is refused
/// before anything is allocated for it. Throws CodecError for another format,
/// an image over the limit, or bytes that are not a decodable image.
cv::Mat decode_image(std::span<const unsigned char> encoded, int flag, std::int64_t max_bytes = -1);

}  // namespace netgear::codec
