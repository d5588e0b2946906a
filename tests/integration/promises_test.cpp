// What the public headers promise and a peer or a careless caller could
// break: a reply that is not UTF-8 never makes send() throw a foreign
// exception, and a moved-from Sender or Receiver throws ModeError instead of
// touching freed state.
#include <gtest/gtest.h>

#include <future>

#include <zmq.hpp>

#include "netgear/error.hpp"
#include "netgear/receiver.hpp"
#include "netgear/sender.hpp"
#include "support/test_support.hpp"

namespace netgear::test {
namespace {

using namespace std::chrono_literals;

// A raw PAIR peer standing in for a receiver: takes one frame, answers `reply`.
struct RawReceiver {
  zmq::context_t ctx;
  zmq::socket_t socket{ctx, zmq::socket_type::pair};
  std::string endpoint;

  RawReceiver() {
    socket.set(zmq::sockopt::linger, 0);
    socket.bind("tcp://127.0.0.1:*");
    endpoint = socket.get(zmq::sockopt::last_endpoint);
  }

  void answer(std::string_view reply) {
    zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
    ASSERT_EQ(zmq::poll(&item, 1, std::chrono::milliseconds(10000)), 1) << "no frame came";
    std::vector<zmq::message_t> parts;
    do {
      parts.emplace_back();
      ASSERT_TRUE(socket.recv(parts.back()));
    } while (parts.back().more());
    ASSERT_EQ(parts.size(), 2u);
    socket.send(zmq::buffer(reply));
  }
};

TEST(PeerReply, NotUtf8WithLoggingOnIsDeliveredAsValidText) {
  RawReceiver peer;
  auto s = sender_settings_for(peer.endpoint, Pattern::pair);
  s.logging = true;  // the reply is logged at debug level: the dump used to throw nlohmann's type_error
  Sender sender(s);
  auto pending = std::async(std::launch::async, [&] { return sender.send(pattern_frame({4, 4}, Dtype::uint8, 0)); });
  peer.answer("ok \xff\xfe\xc3 done");
  ASSERT_EQ(pending.wait_for(10s), std::future_status::ready);
  SendResult result;
  ASSERT_NO_THROW(result = pending.get());
  EXPECT_EQ(result.status, SendStatus::delivered);
  ASSERT_TRUE(result.reply.is_string());
  EXPECT_EQ(result.reply.get<std::string>(), "ok \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD done");
  EXPECT_NO_THROW((void)result.reply.dump()) << "the caller can print what send() returned";
}

TEST(MovedFrom, ReceiverThrowsModeErrorOrDoesNothing) {
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::pair));
  Receiver kept(std::move(receiver));
  EXPECT_THROW((void)receiver.settings(), ModeError);  // NOLINT(bugprone-use-after-move): the point
  EXPECT_THROW(receiver.set_return_data(nlohmann::json(1)), ModeError);
  EXPECT_THROW(receiver.set_return_data(pattern_frame({4, 4}, Dtype::uint8, 0)), ModeError);
  EXPECT_THROW((void)receiver.recv_for(1ms), ModeError);
  EXPECT_TRUE(receiver.ended()) << "nothing will ever come out of it";
  EXPECT_TRUE(receiver.endpoints().empty());
  receiver.close();
  EXPECT_EQ(kept.settings().pattern, Pattern::pair);
}

TEST(MovedFrom, SenderThrowsModeErrorOrDoesNothing) {
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::pair));
  Sender sender(sender_settings_for(receiver.endpoints().front(), Pattern::pair));
  Sender kept(std::move(sender));
  EXPECT_THROW((void)sender.settings(), ModeError);  // NOLINT(bugprone-use-after-move): the point
  EXPECT_THROW((void)sender.send(pattern_frame({4, 4}, Dtype::uint8, 0)), ModeError);
  EXPECT_FALSE(sender.wait_for_receiver(1ms));
  EXPECT_FALSE(sender.termination_reply());
  EXPECT_TRUE(sender.endpoints().empty());
  sender.close();
  EXPECT_EQ(kept.settings().pattern, Pattern::pair);
  EXPECT_EQ(kept.send(pattern_frame({4, 4}, Dtype::uint8, 1)).status, SendStatus::delivered);
}

}  // namespace
}  // namespace netgear::test
