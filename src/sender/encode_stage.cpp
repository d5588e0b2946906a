#include "sender/encode_stage.hpp"

#include "netgear/error.hpp"

namespace netgear::detail {

EncodeStage::EncodeStage(Encoding encoding, int threads, Deliver deliver)
    : encoding_(std::move(encoding)), deliver_(std::move(deliver)) {
  // A backlog of one frame keeps every worker busy; more would only add latency.
  if (threads > 1)
    workers_ = std::make_unique<pipeline::OrderedWorkers<Job, Done>>(
        static_cast<std::size_t>(threads), 1, [this](Job&& job) { return encode(std::move(job)); },
        [this](Done&& done) { deliver_in_order(std::move(done)); });
}

SendResult EncodeStage::submit(const Frame& frame, const nlohmann::json& message, std::int64_t sent_ns,
                               std::shared_ptr<transport::ReleaseTracker> tracker) {
  if (!workers_) {
    Encoded encoded;
    encoded.message = &message;
    encoded.sent_ns = sent_ns;
    encoded.tracker = tracker;
    encoded.payload = encode_payload(frame, encoding_, encoded.info, std::move(tracker));
    return deliver_(encoded);
  }
  {
    std::lock_guard lock(deferred_mutex_);
    if (deferred_) std::rethrow_exception(std::exchange(deferred_, nullptr));
  }
  const std::uint64_t number = ++submitted_;
  const bool taken = workers_->submit({frame, message, sent_ns, number});
  return outcome(taken ? SendStatus::queued : SendStatus::interrupted);
}

EncodeStage::Done EncodeStage::encode(Job&& job) const noexcept {
  Done done;
  try {
    done.encoded.kept = std::move(job.message);
    done.encoded.sent_ns = job.sent_ns;
    done.encoded.payload = encode_payload(job.frame, encoding_, done.encoded.info, nullptr);
  } catch (const Error& e) {
    done.error = std::make_exception_ptr(FrameError("netgear: frame " + std::to_string(job.number) +
                                                    " (a send() that returned) was not sent: " + e.what()));
  } catch (...) {
    done.error = std::current_exception();
  }
  return done;
}

void EncodeStage::deliver_in_order(Done&& done) noexcept {
  if (done.error) return defer(done.error);
  done.encoded.message = &done.encoded.kept;  // here: the Done no longer moves
  try {
    (void)deliver_(done.encoded);
  } catch (const PeerLostError&) {
    // The Sender's state says so from now on: the next send() throws it.
  } catch (...) {
    defer(std::current_exception());
  }
}

void EncodeStage::defer(std::exception_ptr error) {
  std::lock_guard lock(deferred_mutex_);
  if (!deferred_) deferred_ = std::move(error);
}

bool EncodeStage::drain(std::chrono::steady_clock::time_point deadline) { return !workers_ || workers_->drain(deadline); }

void EncodeStage::stop() {
  if (workers_) workers_->stop();
}

}  // namespace netgear::detail
