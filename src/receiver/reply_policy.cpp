#include "receiver/reply_policy.hpp"

#include "wire/reply.hpp"

namespace netgear::detail {

ReplyPolicy::ReplyPolicy(const Settings& settings, std::string own_port, spdlog::logger& log)
    : settings_(settings),
      encoding_(encoding_for(settings.options)),
      port_(settings.options.multiclient_mode ? nlohmann::json(std::move(own_port)) : nlohmann::json(nullptr)),
      log_(log),
      plain_(wire::frame_reply(wire::make_device_id())) {}

std::optional<ReplyMessage> ReplyPolicy::to_frame(const wire::FrameHeader* h,
                                                  const std::optional<wire::VideoAnswer>& video) {
  auto reply = reply_to(h);
  if (!reply || !video) return reply;
  if (reply->head.data() == plain_.data()) built_ = wire::encode_data_reply(plain_, port_);
  wire::append_video_answer(built_, *video);
  reply->head = built_;
  return reply;
}

std::optional<ReplyMessage> ReplyPolicy::reply_to(const wire::FrameHeader* h) {
  const Options& o = settings_.options;
  if (settings_.pattern == Pattern::pub_sub) return std::nullopt;
  if (!o.bidirectional_mode && !o.multiclient_mode) return ReplyMessage{plain_, std::nullopt};
  nlohmann::json data;
  std::optional<Frame> frame;
  if (o.bidirectional_mode) {
    std::lock_guard lock(return_mutex_);
    data = return_data_;
    frame = return_frame_;
  }
  if (frame && h && reads_array_replies(*h)) return with_frame(*frame);
  if (frame) log_.warn("receiver: this sender cannot take a returned frame (vidgear 0.1.x); replying null");
  built_ = wire::encode_data_reply(frame ? nlohmann::json(nullptr) : data, port_);
  return ReplyMessage{built_, std::nullopt};
}

std::optional<ReplyMessage> ReplyPolicy::to_termination() const {
  if (settings_.pattern != Pattern::req_rep) return std::nullopt;
  return ReplyMessage{settings_.options.multiserver_mode ? wire::multiserver_termination_reply
                                                         : wire::termination_reply,
                      std::nullopt};
}

bool ReplyPolicy::reads_array_replies(const wire::FrameHeader& h) {
  return h.seq.has_value() || h.compression.kind == wire::Compression::Kind::jpeg ||
         (h.compression.is_raw() && !h.compression.raw_as_string);
}

std::optional<ReplyMessage> ReplyPolicy::with_frame(const Frame& frame) {
  PayloadInfo info;
  zmq::message_t payload;
  try {
    payload = encode_payload(frame, encoding_, info);
  } catch (const std::exception& e) {
    log_.warn("receiver: cannot return the frame: {}", e.what());
    built_ = wire::encode_data_reply(nullptr, port_);
    return ReplyMessage{built_, std::nullopt};
  }
  wire::ArrayReply r{port_, info.compression, info.dtype, info.shape};
  if (!info.compression.is_raw()) {  // vidgear 0.3 writes "" for compressed arrays
    r.dtype.clear();
    r.shape.reset();
  }
  built_ = wire::encode_array_reply(r);
  return ReplyMessage{built_, std::move(payload)};
}

void ReplyPolicy::set_return(nlohmann::json data) {
  std::lock_guard lock(return_mutex_);
  return_data_ = std::move(data);
  return_frame_.reset();
}

void ReplyPolicy::set_return(Frame frame) {
  std::lock_guard lock(return_mutex_);
  return_frame_ = std::move(frame);
  return_data_ = nullptr;
}

}  // namespace netgear::detail
