#pragma once
// Sending helpers for the integration suites: a connected sender/receiver pair
// and a send that copes with PUB/SUB (wait for the subscription, retry a frame
// the lagging receiver could not take yet).

#include <gtest/gtest.h>

#include "netgear/receiver.hpp"
#include "netgear/sender.hpp"
#include "support/test_support.hpp"

namespace netgear::test {

/// Sends `frame`; on PUB/SUB retries while the receiver's pipe is full, so
/// the frame is not lost. Fails the test if it cannot be sent in 10 s.
inline SendResult send_reliably(Sender& sender, const Frame& frame, const nlohmann::json& message = nullptr) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    auto result = sender.send(frame, message);
    if (result.status != SendStatus::dropped) return result;
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "the receiver never took the frame";
      return result;
    }
  }
}

/// A receiver bound on `protocol` and a sender connected to it; for PUB/SUB
/// the sender has seen the subscription, so no frame goes to nobody.
struct Link {
  Receiver receiver;
  Sender sender;

  Link(Protocol protocol, Pattern pattern, Options receiver_options = {}, Options sender_options = {})
      : receiver(with_options(receiver_settings(protocol, pattern), std::move(receiver_options))),
        sender(with_options(sender_settings_for(receiver.endpoints().front(), pattern), std::move(sender_options))) {
    if (pattern == Pattern::pub_sub) {
      EXPECT_TRUE(sender.wait_for_receiver(std::chrono::seconds(10)));
    }
  }

  static Settings with_options(Settings s, Options o) {
    s.options = std::move(o);
    return s;
  }
};

}  // namespace netgear::test
