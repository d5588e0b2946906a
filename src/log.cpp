#include "log.hpp"

#include <mutex>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace netgear::detail {

std::shared_ptr<spdlog::logger> make_logger(bool enabled) {
  if (!enabled) {
    static const auto silent = [] {
      auto logger = std::make_shared<spdlog::logger>("netgear-silent");  // no sinks
      logger->set_level(spdlog::level::off);
      return logger;
    }();
    return silent;
  }
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  if (auto existing = spdlog::get("netgear")) return existing;
  auto logger = spdlog::stderr_color_mt("netgear");
  logger->set_level(spdlog::level::debug);
  return logger;
}

}  // namespace netgear::detail
