#pragma once
// JPEG frames as vidgear >= 0.2 sends them (simplejpeg, i.e. TurboJPEG): quality
// 90, 4:2:2 chroma, fast DCT, the pixel layout named by a simplejpeg
// colorspace string. Pure functions over buffers — no sockets, no threads.
//
// Thread-safety: every thread that calls these gets its own TurboJPEG
// compressor and decompressor, created on its first call and kept until the
// thread ends, so concurrent calls from different threads never share state
// and a frame never pays for creating a handle.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "netgear/error.hpp"

namespace netgear::codec {

/// A frame could not be compressed or decompressed: wrong depth, channel count
/// or colorspace for the codec, or data that is not a valid image. what() says
/// which (for corrupt data, the codec's own message).
class CodecError : public FrameError {
 public:
  using FrameError::FrameError;
};

/// What a JPEG's header declares, read without decoding a pixel.
struct JpegHeader {
  int width = 0;
  int height = 0;
  int components = 0;  ///< 1 (grey), 3 (colour) or 4 (CMYK, YCCK)
};

/// Reads the header of `jpeg` with TurboJPEG (the parser decoding uses).
/// Throws CodecError with TurboJPEG's message when there is no readable header.
JpegHeader read_jpeg_header(std::span<const unsigned char> jpeg);

/// Refuses an image whose header declares more than `max_bytes` decoded
/// (width x height x bytes_per_pixel), before anything is allocated for it:
/// a few bytes from a peer may declare gigabytes. -1: no limit. Throws
/// CodecError naming `format`, the declared size and the limit.
void check_decoded_size(std::int64_t width, std::int64_t height, int bytes_per_pixel, std::int64_t max_bytes,
                        std::string_view format);

/// simplejpeg's encode parameters, with vidgear's defaults.
struct JpegParams {
  int quality = 90;             ///< 1..100
  std::string colorspace = "BGR";  ///< pixel layout of the input, see colorspace_channels()
  bool fastdct = true;          ///< TurboJPEG's fast (less accurate) forward DCT
  bool fastupsample = false;    ///< travels in the header; only decoding uses it
};

/// Channels a pixel of the simplejpeg colorspace (one of
/// wire::kJpegColorspaces, case-insensitive) has: GRAY 1, RGB and BGR 3, the
/// others 4. Throws CodecError listing the accepted names for anything else.
int colorspace_channels(std::string_view colorspace);

/// Compresses a 2-D CV_8U image whose channel count matches
/// params.colorspace (GRAY without chroma subsampling, the others 4:2:2).
/// Rows may be padded (a region of interest): the Mat's step is the pitch.
/// `out` receives exactly the JPEG bytes; its capacity is reused, so a caller
/// that keeps one vector per stream does not reallocate frame after frame.
/// Throws CodecError naming the depth, channels or colorspace that do not fit,
/// a quality outside 1..100, or TurboJPEG's message if it fails.
void encode_jpeg(const cv::Mat& image, const JpegParams& params, std::vector<unsigned char>& out);

/// Decompresses `jpeg` into a new H x W x C CV_8U Mat in the layout
/// `colorspace` names (GRAY: single channel H x W). fastdct / fastupsample pick
/// TurboJPEG's faster inverse DCT and chroma upsampling.
/// Throws CodecError for an unknown colorspace and for corrupt or truncated
/// data, with TurboJPEG's message; its warnings count as errors, so a damaged
/// frame is never returned as if it were whole. Also throws CodecError, before
/// allocating the image, when the header declares more than `max_bytes`
/// decoded (see check_decoded_size; -1: no limit).
cv::Mat decode_jpeg(std::span<const unsigned char> jpeg, const std::string& colorspace, bool fastdct,
                    bool fastupsample, std::int64_t max_bytes = -1);

}  // namespace netgear::codec
