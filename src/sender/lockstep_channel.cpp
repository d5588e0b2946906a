#include "sender/lockstep_channel.hpp"

#include "netgear/error.hpp"
#include "wire/peer_text.hpp"
#include "wire/reply.hpp"
#include "wire/utf8.hpp"

namespace netgear::detail {

using transport::WaitResult;

SendResult LockstepChannel::transmit(Outgoing& out) {
  const auto deadline = Clock::now() + options_.request_timeout;
  const bool dontwait = (options_.flag & ZMQ_DONTWAIT) != 0;
  if (!dontwait) {
    switch (wait(ZMQ_POLLOUT, deadline)) {
      case WaitResult::woken: return outcome(SendStatus::interrupted);
      case WaitResult::timed_out: return on_reply_timeout();
      case WaitResult::ready:
      case WaitResult::side_ready: break;  // no side socket here
    }
  }
  if (!hand_over(out)) return outcome(SendStatus::would_block);  // flag=1 only: otherwise it waited for room
  if (!await_release(out, deadline)) return outcome(SendStatus::interrupted);
  switch (wait(ZMQ_POLLIN, deadline)) {
    case WaitResult::woken: return outcome(SendStatus::interrupted);
    case WaitResult::timed_out: return on_reply_timeout();
    case WaitResult::ready:
    case WaitResult::side_ready: break;
  }
  auto result = read_reply();
  out.answer = std::move(answer_);
  answer_.reset();
  return result;
}

// A reply: text, JSON data (bidirectional, multi-client) or an array in a
// second part (vidgear >= 0.3 bidirectional).
SendResult LockstepChannel::read_reply() {
  // No vidgear reply has more than 2 parts: of another, only its first counts.
  if (transport::recv_all(socket_.get(), parts_, 2) > 2) parts_.resize(1);
  ++setup_.counters.replies;
  timeouts_in_row_ = 0;
  socket_.handshake_succeeded();
  SendResult result = outcome(SendStatus::delivered);
  if (parts_.empty()) return result;
  auto reply = wire::decode_reply(parts_.front().to_string_view());
  answer_ = std::move(reply.video);
  result.reply = std::move(reply.data);
  result.reply_port = std::move(reply.port);
  if (reply.array && parts_.size() == 2) {
    PayloadInfo info{reply.array->compression, reply.array->dtype, reply.array->shape};
    try {
      result.reply_frame = decode_payload(info, std::move(parts_[1]), setup_.decoding);
    } catch (const std::exception& e) {  // wire::WireError, codec::CodecError
      setup_.log.warn("sender: the returned frame is unreadable: {}", e.what());
    }
  }
  if (setup_.log.should_log(spdlog::level::debug))
    setup_.log.debug("sender: reply {}", wire::peer_text(result.reply.dump(-1, ' ', false,
                                                                          nlohmann::json::error_handler_t::replace)));
  return result;
}

SendResult LockstepChannel::on_reply_timeout() {
  ++setup_.counters.timeouts;
  ++timeouts_in_row_;
  const int budget = options_.max_retries;
  const std::string trouble = socket_.handshake_trouble();
  if (budget >= 0 && timeouts_in_row_ >= std::max(1, budget))  // vidgear: the n-th miss raises
    throw PeerLostError("netgear: no reply from the receiver at " + endpoints().front() + " within " +
                        std::to_string(options_.request_timeout.count()) + " ms, " +
                        std::to_string(timeouts_in_row_) + " times in a row; giving up (max_retries=" +
                        std::to_string(budget) + ")" + trouble);
  // Multi-client REQ keeps its socket: REQ_RELAXED lets it go on to the next
  // receiver in the round-robin and REQ_CORRELATE drops the laggard's late
  // reply, so one slow or gone receiver costs its own frames, not everyone's
  // (a fresh socket would start the round-robin at it again).
  const bool keep = options_.multiclient_mode && setup_.settings.pattern == Pattern::req_rep;
  setup_.log.warn("sender: no reply within {} ms; {} ({} timeouts in a row){}", options_.request_timeout.count(),
                  keep ? "moving on to the next receiver" : "resetting the socket", timeouts_in_row_, trouble);
  if (!keep) socket_.reset();
  return outcome(SendStatus::timed_out);
}

// One termination message; REQ/REP also reads its acknowledgement.
// Multi-client REQ round-robins, so it sends one per receiver.
void LockstepChannel::terminate(Clock::time_point deadline, bool force) {
  if (force) {
    if (!offer_termination()) setup_.log.warn("sender: force_terminate: the termination message could not be queued");
    return;
  }
  const std::size_t copies = options_.multiclient_mode ? endpoints().size() : 1;
  for (std::size_t i = 0; i < copies; ++i) {
    if (transport::wait_for(socket_.get(), ZMQ_POLLOUT, nullptr, deadline) != WaitResult::ready ||
        !offer_termination()) {
      setup_.log.warn("sender: could not send the termination message");
      return;
    }
    if (setup_.settings.pattern != Pattern::req_rep) continue;
    // vidgear reads the receiver's acknowledgement for request_timeout / 5.
    const auto ack_deadline = std::min(deadline, Clock::now() + options_.request_timeout / 5);
    if (transport::wait_for(socket_.get(), ZMQ_POLLIN, nullptr, ack_deadline) == WaitResult::ready &&
        transport::recv_all(socket_.get(), parts_, 1) > 0)
      termination_ack_ = wire::utf8_text(parts_.front().to_string_view());
  }
}

}  // namespace netgear::detail
