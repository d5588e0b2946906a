#pragma once
// Frames to and from payloads, as the options say: raw (zero-copy where it
// can), JPEG through TurboJPEG (vidgear >= 0.2.1), or an OpenCV codec named
// by extension (vidgear 0.1.x). Used for frames and for frames returned in
// bidirectional replies.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "codec/jpeg.hpp"
#include "netgear/frame.hpp"
#include "netgear/options.hpp"
#include "transport/frame_message.hpp"
#include "wire/header.hpp"

namespace netgear::detail {

/// How this side compresses the frames it sends.
struct Encoding {
  enum class Kind { raw, jpeg, image };
  Kind kind = Kind::raw;
  codec::JpegParams jpeg;         ///< Kind::jpeg
  std::string extension;          ///< Kind::image: one of wire::kImageExtensions
  std::vector<int> params;        ///< Kind::image: cv::imencode parameters
  bool copy = false;              ///< raw: copy the pixels instead of lending them
};

/// How this side decodes compressed frames.
struct Decoding {
  bool fastdct = true;            ///< receiver's jpeg_compression_fastdct (or-ed with the header's)
  bool fastupsample = false;      ///< receiver's jpeg_compression_fastupsample (or-ed with the header's)
  int image_flag = -1;            ///< cv::imdecode flag (compression_param); default IMREAD_UNCHANGED
  /// Most bytes a compressed frame may decode to, as its header declares it
  /// (the options' max_decoded_size): a larger one is refused before its
  /// pixels are allocated. -1: no limit.
  std::int64_t max_decoded_bytes = -1;
};

Encoding encoding_for(const Options& options);
Decoding decoding_for(const Options& options);

/// The description of an encoded payload, as header keys.
struct PayloadInfo {
  wire::Compression compression;
  std::string dtype;
  std::optional<wire::Shape> shape;
  std::string_view video_offer = {};  ///< a still image that offers this video codec (header `netgear_video`)
};

/// The frame as the image its numpy shape says ([H, W] or [H, W, C]),
/// whatever geometry the Mat was given (Frame(mat, shape, dtype) allows
/// e.g. 1 x N); contiguous. Throws CodecError for another number of dimensions.
cv::Mat image_view(const Frame& frame);

/// Encodes `frame` into a payload message and says how (compression, dtype,
/// shape: JPEG frames carry the dict *and* dtype "uint8" / shape [N], so both
/// vidgear generations decode them). Throws FrameError (codec::CodecError)
/// when the format cannot carry the frame. Raw: with copy=false the message
/// lends the Mat's own buffer to ZeroMQ (see transport::frame_message); a
/// contiguous frame is neither copied nor re-described on the heap.
zmq::message_t encode_payload(const Frame& frame, const Encoding& encoding, PayloadInfo& info,
                              std::shared_ptr<transport::ReleaseTracker> tracker = nullptr);

/// Decodes a payload described by `info`. Raw payloads are wrapped without a
/// copy (the message is taken over; see transport::frame_over_message).
/// Throws wire::WireError for a size or dtype mismatch and codec::CodecError
/// for an undecodable image or one over decoding.max_decoded_bytes.
Frame decode_payload(const PayloadInfo& info, zmq::message_t&& payload, const Decoding& decoding);

}  // namespace netgear::detail
