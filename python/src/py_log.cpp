#include "py_log.hpp"

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace py = pybind11;

namespace netgear::python {
namespace {

constexpr std::size_t kMaxQueued = 4096;

struct Record {
  int level;  // Python's logging level
  std::string text;
};

int python_level(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return 10;     // DEBUG
    case spdlog::level::info: return 20;      // INFO
    case spdlog::level::warn: return 30;      // WARNING
    case spdlog::level::err: return 40;       // ERROR
    case spdlog::level::critical: return 50;  // CRITICAL
    default: return 20;
  }
}

// Never blocks on anything but its own short mutex: safe from any C++ thread.
class QueueSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // Takes the queued records and the count dropped since the last take.
  std::pair<std::deque<Record>, std::size_t> take() {
    std::lock_guard lock(mutex_);
    return {std::exchange(records_, {}), std::exchange(dropped_, 0)};
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (records_.size() >= kMaxQueued) {
      ++dropped_;
      return;
    }
    records_.push_back({python_level(msg.level), std::string(msg.payload.data(), msg.payload.size())});
  }
  void flush_() override {}

 private:
  std::deque<Record> records_;  // guarded by base_sink's mutex_
  std::size_t dropped_ = 0;
};

std::shared_ptr<QueueSink>& sink() {
  static auto queue = std::make_shared<QueueSink>();
  return queue;
}

}  // namespace

void install_log_forwarding(py::module_& module) {
  if (!spdlog::get("netgear")) {
    auto logger = std::make_shared<spdlog::logger>("netgear", sink());
    logger->set_level(spdlog::level::debug);
    spdlog::register_logger(logger);
  }
  module.def("_forward_logs", [] { forward_logs(); },
             "Forwards queued library log records to logging.getLogger('netgear') now.");
}

void forward_logs() noexcept {
  auto [records, dropped] = sink()->take();
  if (records.empty() && dropped == 0) return;
  try {
    py::object logger = py::module_::import("logging").attr("getLogger")("netgear");
    for (const Record& r : records) {
      PyObject* text = PyUnicode_DecodeUTF8(r.text.data(), static_cast<Py_ssize_t>(r.text.size()), "replace");
      if (text == nullptr) throw py::error_already_set();
      logger.attr("log")(r.level, "%s", py::reinterpret_steal<py::str>(text));
    }
    if (dropped > 0) logger.attr("warning")("%d log records were dropped (more than %d queued between calls)", dropped, kMaxQueued);
  } catch (py::error_already_set& e) {
    e.discard_as_unraisable("netgear log forwarding");
  } catch (...) {
  }
}

LogScope::~LogScope() {
  if (PyGILState_Check() != 0) forward_logs();
}

}  // namespace netgear::python
