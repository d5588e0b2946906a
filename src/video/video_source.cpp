// VideoSource: a reader thread moves frames from a FrameSource into a
// BoundedQueue; read() pops them. The thread and the VideoSource share one
// state object through a shared_ptr, so stop() can stay bounded in time: if
// the source is stuck in a driver call (a camera, a stalled stream), stop()
// leaves the thread to finish that call and release the source on its own.
#include "netgear/video_source.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "queue/bounded_queue.hpp"
#include "video/frame_source.hpp"

namespace netgear {
namespace {

using Clock = std::chrono::steady_clock;

// How long stop() waits for the reader thread before leaving it behind.
constexpr auto kStopWait = std::chrono::seconds(2);
// Seconds: a tiny rate (1e-12 fps) must not overflow the clock's arithmetic.
constexpr double kLongestPeriod = 1e6;

struct Shared {
  Shared(std::size_t capacity, OverflowPolicy policy) : queue(capacity, policy) {}

  queue::BoundedQueue<cv::Mat> queue;
  std::unique_ptr<video::FrameSource> source;  // the reader thread's once started
  std::mutex mutex;                            // guards stopping, done
  std::condition_variable wake;                // stop() -> pacer; reader -> stop()
  bool stopping = false;
  bool done = false;
  std::atomic<bool> source_ended{false};
  std::atomic<std::uint64_t> produced{0};
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<int> width{0};
  std::atomic<int> height{0};
};

// Frame deadlines at a fixed rate: start + n * period (no drift), waiting on a
// condition variable so stop() cuts a wait short. A reader held up for more
// than a period (a full queue, a slow decode) restarts the schedule instead of
// bursting to catch up.
class Pacer {
 public:
  explicit Pacer(double fps)
      : period_(fps > 0 ? std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(std::min(1.0 / fps, kLongestPeriod)))
                        : Clock::duration::zero()) {}

  /// Waits until the next frame is due; false if stop() came first.
  bool wait(Shared& s) {
    std::unique_lock lock(s.mutex);
    if (period_ == Clock::duration::zero()) return !s.stopping;
    const auto now = Clock::now();
    if (!started_) {
      next_ = now;
      started_ = true;
    } else {
      next_ += period_;
      if (now - next_ > period_) next_ = now;
    }
    return !s.wake.wait_until(lock, next_, [&] { return s.stopping; });
  }

 private:
  Clock::duration period_;
  Clock::time_point next_;
  bool started_ = false;
};

void run_reader(const std::shared_ptr<Shared>& s, double rate, bool loop) noexcept {
  Pacer pacer(rate);
  try {
    while (pacer.wait(*s)) {
      cv::Mat frame;
      if (!s->source->next(frame)) {
        if (!loop || !s->source->rewind() || !s->source->next(frame)) break;
      }
      ++s->produced;
      s->width = frame.cols;
      s->height = frame.rows;
      if (!s->queue.push(std::move(frame))) break;  // closed by stop()
    }
  } catch (...) {
    // A source failing mid-stream (out of memory, a throwing backend) ends the stream.
  }
  s->source.reset();  // release the file/camera as soon as it is no longer read
  s->source_ended = true;
  s->queue.finish();
  {
    std::lock_guard lock(s->mutex);
    s->done = true;
  }
  s->wake.notify_all();
}

void validate(const std::string& spec, const VideoSourceOptions& o) {
  auto bad = [&](const std::string& what) {
    return SourceError("bad VideoSource option for '" + spec + "': " + what);
  };
  if (o.queue_size < 1) throw bad("queue_size must be >= 1");
  if (o.max_fps && (!std::isfinite(*o.max_fps) || *o.max_fps <= 0)) throw bad("max_fps must be > 0");
  if (!std::isfinite(o.test_fps) || o.test_fps < 0) throw bad("test_fps must be >= 0 (0 = unpaced)");
}

// The slower of two rates, where 0 means unpaced.
double slower(double a, double b) {
  if (a == 0) return b;
  if (b == 0) return a;
  return std::min(a, b);
}

// The reader's frame rate (0 = unpaced): max_fps caps the source's own pace —
// test_fps for the test pattern, the file's rate for a `realtime` file.
double reader_rate(SourceKind kind, const VideoSourceOptions& o, double source_fps) {
  const double cap = o.max_fps.value_or(0.0);
  if (kind == SourceKind::test_pattern) return slower(cap, o.test_fps);
  if (kind == SourceKind::file && o.realtime) return slower(cap, source_fps);
  return cap;
}

OverflowPolicy default_policy(SourceKind kind) {
  return kind == SourceKind::camera || kind == SourceKind::url ? OverflowPolicy::latest_only : OverflowPolicy::block;
}

}  // namespace

struct VideoSource::Impl {
  std::string spec;
  SourceKind kind = SourceKind::file;
  double fps = 0;
  double rate = 0;
  bool loop = false;
  std::shared_ptr<Shared> shared;

  std::mutex control;  // serialises start() and stop()
  std::thread reader;
  std::atomic<bool> started{false};
  bool stopped = false;

  // Only if stop() could not finish (it never throws): never terminate the process.
  ~Impl() {
    if (reader.joinable()) reader.detach();
  }
};

VideoSource::VideoSource(const std::string& spec, VideoSourceOptions options) : impl_(std::make_unique<Impl>()) {
  validate(spec, options);
  const auto parsed = video::parse_spec(spec);
  auto source = video::open_source(spec, parsed, options);
  impl_->spec = spec;
  impl_->kind = parsed.kind;
  impl_->fps = source->fps();
  impl_->rate = reader_rate(parsed.kind, options, impl_->fps);
  impl_->loop = options.loop;
  impl_->shared = std::make_shared<Shared>(options.queue_size, options.overflow.value_or(default_policy(parsed.kind)));
  impl_->shared->width = source->size().width;
  impl_->shared->height = source->size().height;
  impl_->shared->source = std::move(source);
}

VideoSource::~VideoSource() { stop(); }

VideoSource::VideoSource(VideoSource&&) noexcept = default;

VideoSource& VideoSource::operator=(VideoSource&& other) noexcept {
  if (this != &other) {
    stop();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

VideoSource& VideoSource::start() {
  if (!impl_) return *this;
  std::lock_guard control(impl_->control);
  if (impl_->started || impl_->stopped) return *this;
  impl_->reader = std::thread([shared = impl_->shared, rate = impl_->rate, loop = impl_->loop] {
    run_reader(shared, rate, loop);
  });
  impl_->started = true;
  return *this;
}

void VideoSource::stop() noexcept {
  if (!impl_) return;
  try {
    std::lock_guard control(impl_->control);
    auto& s = *impl_->shared;
    impl_->stopped = true;
    {
      std::lock_guard lock(s.mutex);
      s.stopping = true;
    }
    s.wake.notify_all();
    s.queue.close();  // wakes a reader blocked on a full queue and a read() on an empty one
    s.source_ended = true;
    if (!impl_->reader.joinable()) {
      s.source.reset();  // never started: the source is still ours
      return;
    }
    bool done = false;
    {
      std::unique_lock lock(s.mutex);
      done = s.wake.wait_for(lock, kStopWait, [&] { return s.done; });
    }
    // A reader stuck in the driver keeps `shared` alive and releases the source itself.
    if (done) {
      impl_->reader.join();
    } else {
      impl_->reader.detach();
    }
  } catch (...) {
    // stop() never throws (a failed lock or join leaves the thread to end alone).
  }
}

std::optional<cv::Mat> VideoSource::read() {
  if (!impl_) return std::nullopt;
  if (!impl_->started) start();
  queue::PopStatus status{};
  auto frame = impl_->shared->queue.pop(std::nullopt, status);
  if (frame) ++impl_->shared->delivered;
  return frame;
}

std::optional<cv::Mat> VideoSource::read_for(std::chrono::milliseconds wait) {
  if (!impl_) return std::nullopt;
  if (!impl_->started) start();
  queue::PopStatus status{};
  auto frame = impl_->shared->queue.pop(Clock::now() + wait, status);
  if (frame) ++impl_->shared->delivered;
  return frame;
}

bool VideoSource::ended() const noexcept {
  if (!impl_) return true;
  try {
    return impl_->shared->source_ended && impl_->shared->queue.size() == 0;
  } catch (...) {
    return true;
  }
}

SourceKind VideoSource::kind() const noexcept { return impl_ ? impl_->kind : SourceKind::file; }

const std::string& VideoSource::spec() const noexcept {
  static const std::string none;
  return impl_ ? impl_->spec : none;
}

cv::Size VideoSource::frame_size() const noexcept {
  if (!impl_) return {};
  return {impl_->shared->width.load(), impl_->shared->height.load()};
}

double VideoSource::fps() const noexcept { return impl_ ? impl_->fps : 0.0; }

VideoSourceStats VideoSource::stats() const noexcept {
  VideoSourceStats stats;
  if (!impl_) return stats;
  stats.produced = impl_->shared->produced;
  stats.delivered = impl_->shared->delivered;
  try {
    stats.dropped = impl_->shared->queue.dropped();
  } catch (...) {
  }
  return stats;
}

}  // namespace netgear
