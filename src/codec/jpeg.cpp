#include "codec/jpeg.hpp"

#include <turbojpeg.h>

#include <array>
#include <climits>
#include <cstring>

#include "wire/compression_names.hpp"
#include "wire/peer_text.hpp"

namespace netgear::codec {
namespace {

struct Layout {
  std::string_view name;  // as wire::kJpegColorspaces spells it
  TJPF format;
  int channels;
};

// The TurboJPEG pixel format of each simplejpeg colorspace, by position in
// wire::kJpegColorspaces (each name is TurboJPEG's own: TJPF_<name>).
constexpr std::array<TJPF, wire::kJpegColorspaces.size()> kFormats{
    TJPF_RGB,  TJPF_BGR,  TJPF_RGBX, TJPF_BGRX, TJPF_XBGR, TJPF_XRGB,
    TJPF_GRAY, TJPF_RGBA, TJPF_BGRA, TJPF_ABGR, TJPF_ARGB, TJPF_CMYK};

Layout layout_of(std::string_view colorspace) {
  const auto i = wire::find_name(wire::kJpegColorspaces, colorspace);
  if (!i)
    throw CodecError("unknown JPEG colorspace '" + wire::peer_text(colorspace) +
                     "' (accepted: " + wire::name_list(wire::kJpegColorspaces, ", ") + ")");
  return {wire::kJpegColorspaces[*i], kFormats[*i], tjPixelSize[kFormats[*i]]};
}

// One TurboJPEG handle, created on first use and destroyed with its owner. A
// handle is not thread-safe but is cheap to reuse and costly to create (it sets
// up libjpeg's whole state), hence one per thread, kept for the thread's life.
class Handle {
 public:
  Handle(tjhandle (*init)(), const char* what) noexcept : init_(init), what_(what) {}
  ~Handle() { discard(); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  tjhandle get() {
    if (handle_ == nullptr) handle_ = init_();
    // A failed init has no handle to ask, so its message is the global one.
    if (handle_ == nullptr)
      throw CodecError(std::string("cannot create a TurboJPEG ") + what_ + ": " + tjGetErrorStr2(nullptr));
    return handle_;
  }

  // Throws TurboJPEG's message for the call that just failed, and drops the
  // handle: TurboJPEG 2.1 does not reset libjpeg's state when reading a header
  // fails (tjDecompressHeader3 returns without jpeg_abort_decompress), so the
  // next, valid frame on the same handle would fail too. A fresh handle costs
  // little, and only after an error.
  [[noreturn]] void fail(const std::string& context) {
    const bool warning = tjGetErrorCode(handle_) == TJERR_WARNING;
    std::string message = context + (warning ? " (corrupt data): " : ": ") + tjGetErrorStr2(handle_);
    discard();
    throw CodecError(message);
  }

 private:
  void discard() noexcept {
    if (handle_ != nullptr) tjDestroy(handle_);
    handle_ = nullptr;
  }

  tjhandle (*init_)();
  const char* what_;
  tjhandle handle_ = nullptr;
};

Handle& compressor() {
  thread_local Handle handle(tjInitCompress, "compressor");
  return handle;
}

Handle& decompressor() {
  thread_local Handle handle(tjInitDecompress, "decompressor");
  return handle;
}

std::string depth_name(int depth) {
  static constexpr std::array<const char*, 8> names{"CV_8U", "CV_8S", "CV_16U", "CV_16S",
                                                     "CV_32S", "CV_32F", "CV_64F", "CV_16F"};
  return depth >= 0 && depth < static_cast<int>(names.size()) ? names[static_cast<std::size_t>(depth)]
                                                             : "depth " + std::to_string(depth);
}

}  // namespace

int colorspace_channels(std::string_view colorspace) { return layout_of(colorspace).channels; }

JpegHeader read_jpeg_header(std::span<const unsigned char> jpeg) {
  if (jpeg.empty()) throw CodecError("JPEG decode failed: no data");
  Handle& handle = decompressor();
  JpegHeader header;
  int subsampling = 0, jpeg_colorspace = 0;
  if (tjDecompressHeader3(handle.get(), jpeg.data(), jpeg.size(), &header.width, &header.height, &subsampling,
                          &jpeg_colorspace) != 0)
    handle.fail("JPEG decode failed");
  const bool four = jpeg_colorspace == TJCS_CMYK || jpeg_colorspace == TJCS_YCCK;
  header.components = jpeg_colorspace == TJCS_GRAY ? 1 : four ? 4 : 3;
  return header;
}

void check_decoded_size(std::int64_t width, std::int64_t height, int bytes_per_pixel, std::int64_t max_bytes,
                        std::string_view format) {
  if (max_bytes < 0) return;
  // width and height are below 2^32, so their product fits; the bytes may not.
  const auto pixels = static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height);
  if (pixels <= static_cast<std::uint64_t>(max_bytes) / static_cast<std::uint64_t>(bytes_per_pixel)) return;
  throw CodecError(std::string(format) + " decode refused: the header declares " + std::to_string(width) + " x " +
                   std::to_string(height) + " pixels of " + std::to_string(bytes_per_pixel) +
                   " byte(s), more than the limit of " + std::to_string(max_bytes) + " bytes (max_decoded_size)");
}

void encode_jpeg(const cv::Mat& image, const JpegParams& params, std::vector<unsigned char>& out) {
  const Layout layout = layout_of(params.colorspace);
  if (image.empty()) throw CodecError("cannot JPEG-encode an empty image");
  if (image.dims != 2) throw CodecError("cannot JPEG-encode a " + std::to_string(image.dims) + "-dimensional Mat");
  if (image.depth() != CV_8U || image.channels() != layout.channels)
    throw CodecError("JPEG colorspace " + std::string(layout.name) + " needs CV_8U with " +
                     std::to_string(layout.channels) + " channel(s), got " + depth_name(image.depth()) +
                     " with " + std::to_string(image.channels()) + " channel(s)");
  if (params.quality < 1 || params.quality > 100)
    throw CodecError("JPEG quality must be 1..100, got " + std::to_string(params.quality));
  if (image.step[0] > static_cast<std::size_t>(INT_MAX)) throw CodecError("image rows too long to JPEG-encode");

  // vidgear asks simplejpeg for 4:2:2; a GRAY image has no chroma to subsample.
  const int subsampling = layout.format == TJPF_GRAY ? TJSAMP_GRAY : TJSAMP_422;
  const unsigned long worst = tjBufSize(image.cols, image.rows, subsampling);
  if (worst == static_cast<unsigned long>(-1)) throw CodecError(std::string("JPEG encode: ") + tjGetErrorStr2(nullptr));

  // TurboJPEG writes into a worst-case-sized buffer of our own (NOREALLOC), never
  // allocating per frame. It is a per-thread scratch rather than `out` itself:
  // growing `out` to the worst case each frame would zero-fill megabytes that
  // are then cut back to the compressed size, where copying that size is cheap.
  thread_local std::vector<unsigned char> scratch;
  if (scratch.size() < worst) scratch.resize(worst);
  unsigned char* dest = scratch.data();
  unsigned long size = worst;
  int flags = TJFLAG_NOREALLOC;
  if (params.fastdct) flags |= TJFLAG_FASTDCT;
  Handle& handle = compressor();
  if (tjCompress2(handle.get(), image.data, image.cols, static_cast<int>(image.step[0]), image.rows, layout.format, &dest,
                  &size, subsampling, params.quality, flags) != 0)
    handle.fail("JPEG encode failed");
  out.resize(size);
  std::memcpy(out.data(), dest, size);
}

cv::Mat decode_jpeg(std::span<const unsigned char> jpeg, const std::string& colorspace, bool fastdct,
                    bool fastupsample, std::int64_t max_bytes) {
  const Layout layout = layout_of(colorspace);
  const JpegHeader header = read_jpeg_header(jpeg);
  const int width = header.width, height = header.height;
  check_decoded_size(width, height, layout.channels, max_bytes, "JPEG");

  // The header is the peer's word: a few bytes may claim 65535 x 65535, which
  // should fail as a bad frame, not as an allocator exception.
  cv::Mat image;
  try {
    image.create(height, width, CV_8UC(layout.channels));
  } catch (const std::exception&) {
    throw CodecError("JPEG decode failed: cannot allocate " + std::to_string(width) + "x" + std::to_string(height) +
                     "x" + std::to_string(layout.channels));
  }

  // Without STOPONWARNING TurboJPEG finishes a damaged image (grey blocks for
  // the missing part) and only then reports a warning; stopping at the first
  // warning skips that work, and the failure is the same either way.
  // LIMITSCANS refuses progressive images built to take forever to decode.
  int flags = TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS;
  if (fastdct) flags |= TJFLAG_FASTDCT;
  if (fastupsample) flags |= TJFLAG_FASTUPSAMPLE;
  Handle& handle = decompressor();
  if (tjDecompress2(handle.get(), jpeg.data(), jpeg.size(), image.data, width, static_cast<int>(image.step[0]), height,
                    layout.format, flags) != 0)
    handle.fail("JPEG decode failed");
  return image;
}

}  // namespace netgear::codec
