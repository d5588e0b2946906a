#pragma once
// Helpers for the relay suites: a relay on loopback with any free ports, a
// netgear viewer (a Receiver that dials it), and a raw viewer (a plain SUB
// with a viewer topic) for what a real Receiver would never do: stall, lie.

#include <gtest/gtest.h>

#include <zmq.hpp>

#include "integration/stream_support.hpp"
#include "netgear/relay.hpp"
#include "transport/context.hpp"
#include "wire/viewer_topic.hpp"

namespace netgear::test {

/// A relay whose input binds 127.0.0.1 (any free port) with `pattern`, and
/// whose viewer face binds 127.0.0.1 (any free port).
inline RelayConfig relay_config(Pattern pattern, Options input_options = {}, Options viewer_options = {}) {
  RelayConfig c;
  c.input = receiver_settings(Protocol::tcp, pattern);
  c.input.options = std::move(input_options);
  c.viewers.address = "127.0.0.1";
  c.viewers.port = PortSpec("0");
  c.viewers.options = std::move(viewer_options);
  return c;
}

/// "tcp://127.0.0.1:PORT" -> "PORT".
inline std::string port_of(const std::string& endpoint) { return endpoint.substr(endpoint.rfind(':') + 1); }

/// Settings of a netgear viewer dialing `endpoint` (PUB/SUB, receiver_dials).
inline Settings viewer_settings(const std::string& endpoint, Options options = {}) {
  Settings s;
  s.address = "127.0.0.1";
  s.port = PortSpec(port_of(endpoint));
  s.pattern = Pattern::pub_sub;
  s.options = std::move(options);
  s.options.set("receiver_dials", true);
  return s;
}

/// Waits until the relay serves `count` viewers.
inline bool has_viewers(const Relay& relay, std::size_t count) {
  return eventually([&] { return relay.stats().viewers.size() == count; });
}

/// A plain SUB that subscribes as a netgear viewer would and reads the
/// relay's messages itself (or never, to stall).
class RawViewer {
 public:
  explicit RawViewer(const std::string& endpoint, int rcvhwm = 1000, std::string codecs = "")
      : socket_(*ctx_, zmq::socket_type::sub) {
    topic_ = std::string(wire::viewer_topic_prefix) + wire::new_viewer_id() + codecs;
    socket_.set(zmq::sockopt::rcvhwm, rcvhwm);
    socket_.set(zmq::sockopt::rcvbuf, 64 * 1024);  // a stalled viewer's kernel buffer stays small
    socket_.set(zmq::sockopt::linger, 0);
    socket_.set(zmq::sockopt::subscribe, topic_);
    socket_.connect(endpoint);
  }

  [[nodiscard]] const std::string& topic() const { return topic_; }
  [[nodiscard]] std::string id() const { return topic_.substr(wire::viewer_topic_prefix.size(), 16); }

  /// The next message without its envelope, or empty after `timeout`.
  /// Fails the test if the envelope is not this viewer's topic.
  std::vector<zmq::message_t> next(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::vector<zmq::message_t> parts;
    socket_.set(zmq::sockopt::rcvtimeo, static_cast<int>(timeout.count()));
    for (bool more = true; more;) {
      zmq::message_t part;
      if (!socket_.recv(part)) return {};
      more = part.more();
      parts.push_back(std::move(part));
    }
    EXPECT_EQ(parts.front().to_string(), topic_);
    parts.erase(parts.begin());
    return parts;
  }

  zmq::socket_t& socket() { return socket_; }

 private:
  std::shared_ptr<zmq::context_t> ctx_ = transport::shared_context();  // outlives the socket
  zmq::socket_t socket_;
  std::string topic_;
};

}  // namespace netgear::test
