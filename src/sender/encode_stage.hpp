#pragma once
// Encoding, as a stage in front of the channel. With one encode thread a
// frame is encoded on the caller's thread and handed on at once, so send()
// reports what became of it. With more (encode_threads > 1) the frames are
// encoded on worker threads in parallel and handed on strictly in order;
// send() returns `queued` and a failure is thrown by the next send().
//
// The stage knows nothing of sockets or of the Sender's state: `deliver`
// does the sending (and decides whether a late frame may still go out).

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>

#include "frame_codec.hpp"
#include "netgear/sender.hpp"
#include "pipeline/ordered_workers.hpp"
#include "sender/channel.hpp"

namespace netgear::detail {

/// One encoded frame on its way to the channel.
struct Encoded {
  zmq::message_t payload;
  PayloadInfo info;
  /// The message sent with the frame: send()'s own argument when encoded
  /// inline (no copy per frame), else `kept`.
  const nlohmann::json* message = nullptr;
  nlohmann::json kept;       ///< encode workers: the message's copy, made at submit()
  std::int64_t sent_ns = 0;  ///< when send() was called (the header's stamp)
  std::shared_ptr<transport::ReleaseTracker> tracker;  ///< track=true, inline only
  std::optional<wire::VideoAnswer> answer;  ///< set by the delivery: the reply's video answer
};

class EncodeStage {
 public:
  /// Sends an encoded frame. Inline: its exceptions reach send()'s caller.
  /// On a worker: any exception is kept for the next send() to throw.
  using Deliver = std::function<SendResult(Encoded&)>;

  EncodeStage(Encoding encoding, int threads, Deliver deliver);
  ~EncodeStage() { stop(); }

  [[nodiscard]] bool parallel() const { return workers_ != nullptr; }

  /// Encodes and delivers one frame (inline), or queues it for the workers,
  /// waiting while every worker has a frame queued so a slow receiver still
  /// paces the caller; `interrupted` once stop() has begun. Throws a worker's
  /// earlier failure first, then FrameError for a frame the codec cannot
  /// carry (inline).
  SendResult submit(const Frame& frame, const nlohmann::json& message, std::int64_t sent_ns,
                    std::shared_ptr<transport::ReleaseTracker> tracker);

  /// Waits until every queued frame was delivered, or `deadline`. True when none is left.
  bool drain(std::chrono::steady_clock::time_point deadline);

  /// Discards the frames no worker started and joins the workers (bounded by
  /// the delivery in progress: wake it first). Idempotent.
  void stop();

 private:
  struct Job {
    Frame frame;
    nlohmann::json message;
    std::int64_t sent_ns = 0;
    std::uint64_t number = 0;  // its place among the submitted frames, for error messages
  };
  struct Done {
    Encoded encoded;
    std::exception_ptr error;  // the encode failed
  };

  Done encode(Job&& job) const noexcept;
  void deliver_in_order(Done&& done) noexcept;
  void defer(std::exception_ptr error);

  const Encoding encoding_;
  const Deliver deliver_;
  std::unique_ptr<pipeline::OrderedWorkers<Job, Done>> workers_;
  std::atomic<std::uint64_t> submitted_{0};
  std::mutex deferred_mutex_;
  std::exception_ptr deferred_;  // guarded by deferred_mutex_
};

}  // namespace netgear::detail
