#include "video_codec/ffmpeg.hpp"

#include <spdlog/spdlog.h>

#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <utility>

extern "C" {
#include <libavutil/error.h>
#include <libavutil/log.h>
}

#include "video_codec/codecs.hpp"

namespace netgear::video_codec {

bool available() noexcept { return true; }

namespace ffmpeg {
namespace {

constexpr std::size_t kMaxKept = 600;  // bytes of FFmpeg's words kept for one error message

thread_local std::string* captured = nullptr;

void on_log(void* avcl, int level, const char* format, va_list args) {
  if (level > AV_LOG_WARNING) return;  // info, verbose, debug: never
  char line[512];
  int prefix = 1;
  va_list copy;
  va_copy(copy, args);
  av_log_format_line(avcl, level, format, copy, line, sizeof line, &prefix);
  va_end(copy);
  std::string_view text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (text.empty()) return;
  if (captured) {
    if (captured->size() < kMaxKept) {
      if (!captured->empty()) captured->append("; ");
      captured->append(text.substr(0, kMaxKept - captured->size()));
    }
    return;
  }
  if (level > AV_LOG_ERROR) return;
  if (auto logger = spdlog::get("netgear")) logger->warn("ffmpeg: {}", text);
}

}  // namespace

std::string error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

LogCapture::LogCapture() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_callback(on_log); });
  previous_ = std::exchange(captured, &kept_);
}

LogCapture::~LogCapture() { captured = previous_; }

}  // namespace ffmpeg
}  // namespace netgear::video_codec
