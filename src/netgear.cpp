#include "netgear/netgear.hpp"

#include "netgear/json_limits.hpp"

namespace netgear {
namespace {

Settings make_settings(std::optional<std::string> address, PortSpec port, const std::string& protocol, int pattern,
                       bool logging, Options options) {
  Settings s;
  s.address = std::move(address);
  s.port = std::move(port);
  s.protocol = protocol_from_string(protocol);
  s.pattern = pattern_from_int(pattern);
  s.logging = logging;
  s.options = std::move(options);
  return s;
}

std::variant<Sender, Receiver> make_side(bool receive_mode, Settings settings) {
  if (receive_mode) return std::variant<Sender, Receiver>(std::in_place_type<Receiver>, std::move(settings));
  return std::variant<Sender, Receiver>(std::in_place_type<Sender>, std::move(settings));
}

}  // namespace

NetGear::NetGear(std::optional<std::string> address, PortSpec port, const std::string& protocol, int pattern,
                 bool receive_mode, bool logging, Options options)
    : side_(make_side(receive_mode,
                      make_settings(std::move(address), std::move(port), protocol, pattern, logging, std::move(options)))) {}

NetGear::NetGear(std::optional<std::string> address, PortSpec port, const std::string& protocol, int pattern,
                 bool receive_mode, bool logging, const nlohmann::json& options)
    : NetGear(std::move(address), std::move(port), protocol, pattern, receive_mode, logging,
              Options::from_json(options)) {}

SendResult NetGear::send(const Frame& frame, const nlohmann::json& message) {
  auto result = sender().send(frame, message);
  // Plain replies are an acknowledgement, not data: vidgear's send() returns None for them.
  const auto& o = sender().settings().options;
  if (!o.bidirectional_mode && !o.multiclient_mode) result.reply = nullptr;
  return result;
}

std::optional<Received> NetGear::recv(const nlohmann::json& return_data) {
  auto& r = receiver();
  if (!return_data.is_null()) {
    check_json_depth(return_data, "return_data");  // before the copy (which recurses per level)
    r.set_return_data(return_data);
  }
  return r.recv();
}

std::optional<Received> NetGear::recv(const Frame& return_frame) {
  auto& r = receiver();
  r.set_return_data(return_frame);
  return r.recv();
}

void NetGear::close(bool kill) noexcept {
  if (auto* s = std::get_if<Sender>(&side_); s && kill) return s->kill();
  std::visit([](auto& side) { side.close(); }, side_);
}

bool NetGear::receive_mode() const noexcept { return std::holds_alternative<Receiver>(side_); }

Sender& NetGear::sender() {
  if (auto* s = std::get_if<Sender>(&side_)) return *s;
  throw ModeError("netgear: send() cannot be used in receive mode (receive_mode=true); make a NetGear with "
                  "receive_mode=false to send");
}

Receiver& NetGear::receiver() {
  if (auto* r = std::get_if<Receiver>(&side_)) return *r;
  throw ModeError("netgear: recv() cannot be used in send mode (receive_mode=false); make a NetGear with "
                  "receive_mode=true to receive");
}

}  // namespace netgear
