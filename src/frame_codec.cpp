#include "frame_codec.hpp"

#include <span>

#include "codec/image.hpp"
#include "wire/compression_names.hpp"
#include "wire/payload.hpp"

namespace netgear::detail {
namespace {

// A typed option may name its format or colorspace in any case (as the
// key/value form may); the header carries the list's spelling, which
// receivers (vidgear's, and wire::decode_compression) match exactly.
std::string canonical(std::span<const std::string_view> names, const std::string& name) {
  const auto i = wire::find_name(names, name);
  return i ? std::string(names[*i]) : name;  // an unknown name fails in the codec, naming it
}

}  // namespace

Encoding encoding_for(const Options& o) {
  Encoding e;
  e.copy = o.copy;
  if (o.jpeg_compression) {
    e.kind = Encoding::Kind::jpeg;
    e.jpeg.quality = o.jpeg_compression_quality;
    e.jpeg.colorspace = canonical(wire::kJpegColorspaces, o.jpeg_compression_colorspace);
    e.jpeg.fastdct = o.jpeg_compression_fastdct;
    e.jpeg.fastupsample = o.jpeg_compression_fastupsample;
  } else if (!o.compression_format.empty()) {
    e.kind = Encoding::Kind::image;
    e.extension = canonical(wire::kImageExtensions, o.compression_format);
    e.params = o.compression_param;
  }
  return e;
}

Decoding decoding_for(const Options& o) {
  Decoding d;
  d.fastdct = o.jpeg_compression_fastdct;
  d.fastupsample = o.jpeg_compression_fastupsample;
  if (o.compression_decode_flag) d.image_flag = *o.compression_decode_flag;
  d.max_decoded_bytes = o.max_decoded_size;
  return d;
}

namespace {

// Compressed payloads are small next to the frame: one copy into the message.
zmq::message_t encoded_message(const std::vector<unsigned char>& bytes, PayloadInfo& info) {
  info.dtype = "uint8";
  info.shape = wire::Shape{bytes.size()};
  return zmq::message_t(bytes.data(), bytes.size());
}

std::vector<unsigned char>& scratch() {
  thread_local std::vector<unsigned char> buffer;  // reused: no reallocation per frame
  return buffer;
}

}  // namespace

cv::Mat image_view(const Frame& frame) {
  const auto& shape = frame.shape();
  if (shape.size() != 2 && shape.size() != 3)
    throw codec::CodecError("netgear: only an H x W or H x W x C frame can be compressed, not a " +
                            std::to_string(shape.size()) + "-D array");
  const int channels = shape.size() == 3 ? static_cast<int>(shape[2]) : 1;
  if (channels < 1 || channels > CV_CN_MAX) throw codec::CodecError("netgear: cannot compress a frame with " +
                                                                    std::to_string(channels) + " channels");
  const Frame contiguous = frame.contiguous();
  const int sizes[] = {static_cast<int>(shape[0]), static_cast<int>(shape[1])};
  return contiguous.mat().reshape(channels, 2, sizes);
}

zmq::message_t encode_payload(const Frame& frame, const Encoding& e, PayloadInfo& info,
                              std::shared_ptr<transport::ReleaseTracker> tracker) {
  switch (e.kind) {
    case Encoding::Kind::raw: {
      wire::FrameHeader described;  // no heap: the dtype name fits in the string, the shape is inline
      wire::describe_raw(frame, described);
      info = {{}, std::move(described.dtype), described.shape};
      if (frame.mat().isContinuous()) return transport::frame_message(frame, e.copy, std::move(tracker));
      return transport::frame_message(frame.contiguous(), e.copy, std::move(tracker));
    }
    case Encoding::Kind::jpeg: {
      codec::encode_jpeg(image_view(frame), e.jpeg, scratch());
      info.compression.kind = wire::Compression::Kind::jpeg;
      info.compression.dct = e.jpeg.fastdct;
      info.compression.ups = e.jpeg.fastupsample;
      info.compression.colorspace = e.jpeg.colorspace;
      if (tracker) tracker->mark_released();
      return encoded_message(scratch(), info);
    }
    case Encoding::Kind::image: {
      codec::encode_image(image_view(frame), e.extension, e.params, scratch());
      info.compression.kind = wire::Compression::Kind::extension;
      info.compression.extension = e.extension;
      if (tracker) tracker->mark_released();
      return encoded_message(scratch(), info);
    }
  }
  return {};
}

Frame decode_payload(const PayloadInfo& info, zmq::message_t&& payload, const Decoding& d) {
  const auto& c = info.compression;
  if (c.is_raw()) {
    const auto dtype = wire::validate_raw(info.dtype, info.shape, payload.size());
    return transport::frame_over_message(std::move(payload), info.shape->dims(), dtype);
  }
  if (c.kind == wire::Compression::Kind::video)  // stateful: decoded by its stream (receiver/video_streams)
    throw codec::CodecError("netgear: a video packet where only an image or an array can be");
  const std::span<const unsigned char> bytes(static_cast<const unsigned char*>(payload.data()), payload.size());
  if (c.kind == wire::Compression::Kind::jpeg)
    return Frame(codec::decode_jpeg(bytes, c.colorspace, d.fastdct || c.dct, d.fastupsample || c.ups,
                                    d.max_decoded_bytes));
  return Frame(codec::decode_image(bytes, d.image_flag, d.max_decoded_bytes));
}

}  // namespace netgear::detail
