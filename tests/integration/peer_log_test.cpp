// What a peer sends ends up in the receiver's log lines only escaped and cut
// short, and a peer that sends garbage on purpose cannot flood the log: the
// warnings are rate-limited while stats().bad keeps the total.
#include <gtest/gtest.h>

#include <zmq.hpp>

#include <sstream>

#include <spdlog/spdlog.h>

#include "integration/garbage.hpp"
#include "netgear/receiver.hpp"
#include "support/test_support.hpp"
#include "transport/context.hpp"

namespace netgear::test {
namespace {

// A receiver (REQ/REP, logging on) whose `netgear` log lines are also kept in `log`.
struct LoggedReceiver {
  std::shared_ptr<LogCapture> log = capture_netgear_log();  // before the receiver logs (the message alone)
  Receiver receiver;
  zmq::context_t ctx;
  zmq::socket_t peer{ctx, zmq::socket_type::req};

  LoggedReceiver() : receiver(with_logging(receiver_settings(Protocol::tcp, Pattern::req_rep))) {
    peer.set(zmq::sockopt::linger, 0);
    peer.connect(receiver.endpoints().front());
  }

  static Settings with_logging(Settings s) {
    s.logging = true;
    return s;
  }

  // Sends one message and waits for the receiver's reply.
  void exchange(const std::vector<std::string>& parts) {
    for (std::size_t i = 0; i < parts.size(); ++i)
      peer.send(zmq::buffer(parts[i]), i + 1 < parts.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
    zmq::pollitem_t item{peer.handle(), 0, ZMQ_POLLIN, 0};
    ASSERT_EQ(zmq::poll(&item, 1, std::chrono::milliseconds(10000)), 1) << "no reply";
    zmq::message_t reply;
    (void)peer.recv(reply);
  }

  std::vector<std::string> lines() const { return log->lines(); }
};

TEST(PeerLog, ADtypeWithNewlinesCannotForgeALogLine) {
  LoggedReceiver r;
  r.exchange({raw_header("[2]", R"(uint8\n[netgear] fake line\r\u001b[31m)"), "ab"});
  ASSERT_TRUE(eventually([&] { return r.receiver.stats().bad == 1; }));
  r.receiver.close();
  const auto lines = r.lines();
  bool quoted = false;
  for (const auto& line : lines) {
    EXPECT_NE(line.rfind("[netgear] fake line", 0), 0u) << "a forged line:\n" << r.log->text();
    EXPECT_EQ(line.find('\r'), std::string::npos) << line;
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
    quoted = quoted || line.find(R"(uint8\x0a[netgear] fake line\x0d\x1b[31m)") != std::string::npos;
  }
  EXPECT_TRUE(quoted) << "the dtype is not quoted escaped:\n" << r.log->text();
}

TEST(PeerLog, A100KbDtypeIsCutShortInTheLog) {
  LoggedReceiver r;
  r.exchange({raw_header("[2]", std::string(100 * 1024, 'd')), "ab"});
  ASSERT_TRUE(eventually([&] { return r.receiver.stats().bad == 1; }));
  r.receiver.close();
  bool seen = false;
  for (const auto& line : r.lines()) {
    EXPECT_LT(line.size(), 600u) << line.substr(0, 200) << "...";
    seen = seen || line.find("(102400 bytes)") != std::string::npos;
  }
  EXPECT_TRUE(seen) << "the cut dtype does not say its size:\n" << r.log->text().substr(0, 2000);
}

TEST(PeerLog, ManyBadMessagesLogABoundedNumberOfLines) {
  LoggedReceiver r;
  const auto start = std::chrono::steady_clock::now();
  constexpr std::size_t count = 1000;
  for (std::size_t i = 0; i < count; ++i) r.exchange({"not json " + std::to_string(i), "x"});
  ASSERT_TRUE(eventually([&] { return r.receiver.stats().bad == count; })) << r.receiver.stats().bad;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
  r.receiver.close();
  std::size_t warnings = 0;
  for (const auto& line : r.lines()) warnings += line.find("malformed") != std::string::npos;
  // The first few, then at most one per 10 s of the run.
  EXPECT_GE(warnings, 1u);
  EXPECT_LE(warnings, 5u + 1u + static_cast<std::size_t>(seconds.count()) / 10) << r.log->text().substr(0, 4000);
  EXPECT_EQ(r.receiver.stats().bad, count);
}

// A PAIR peer that never reads its replies: once the pipe is full every reply
// fails, and each failure used to log a warning.
TEST(PeerLog, APeerThatNeverReadsItsRepliesCannotFloodTheLog) {
  auto s = receiver_settings(Protocol::inproc, Pattern::pair);
  s.logging = true;
  auto log = capture_netgear_log();
  Receiver receiver(s);
  auto ctx = transport::shared_context();  // inproc: the receiver's own context
  zmq::socket_t peer(*ctx, zmq::socket_type::pair);
  peer.set(zmq::sockopt::linger, 0);
  peer.set(zmq::sockopt::rcvhwm, 10);
  peer.connect(receiver.endpoints().front());
  constexpr std::size_t count = 3000;  // well past both pipes' high-water marks (1000 each by default)
  for (std::size_t i = 0; i < count; ++i) {
    peer.send(zmq::buffer(raw_header("[2, 2]")), zmq::send_flags::sndmore);
    peer.send(zmq::buffer(std::string("abcd")), zmq::send_flags::none);
    if (receiver.recv_for(std::chrono::seconds(10)) == std::nullopt) FAIL() << "frame " << i << " did not arrive";
  }
  receiver.close();
  peer.close();
  std::size_t unsent = 0, lines = 0;
  for (const auto& line : log->lines()) {
    ++lines;
    unsent += line.find("could not send the reply") != std::string::npos;
  }
  EXPECT_GE(unsent, 1u) << "no reply failed: the test did not fill the pipe";
  EXPECT_LE(unsent, 20u) << log->text().substr(0, 2000);
}

}  // namespace
}  // namespace netgear::test
