// SSH tunnelling (ssh_tunnel_mode) against a real sshd on 127.0.0.1 that each
// test starts with keys it generates (support/sshd.hpp): frames go through
// the tunnel, each failure is reported in words a user can act on, and no
// ssh process outlives its sender.
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <thread>

#include "integration/stream_support.hpp"
#include "netgear/error.hpp"
#include "netgear/netgear.hpp"
#include "support/sshd.hpp"

namespace netgear::test {
namespace {

using namespace std::chrono_literals;

// A sender through `sshd` to `receiver` (the address as the SSH server sees it).
Settings tunnel_sender(const Receiver& receiver, Pattern pattern, Options options) {
  auto s = sender_settings_for(receiver.endpoints().front(), pattern);
  const auto endpoint = receiver.endpoints().front();
  s.address = "127.0.0.1";
  s.port = endpoint.substr(endpoint.rfind(':') + 1);
  s.options = std::move(options);
  return s;
}

class SshTunnelStream : public ::testing::TestWithParam<Pattern> {};

TEST_P(SshTunnelStream, FramesGoThroughTheTunnel) {
  TestSshd sshd;
  Receiver receiver(receiver_settings(Protocol::tcp, GetParam()));
  Sender sender(tunnel_sender(receiver, GetParam(), sshd.tunnel_options()));
  // The socket talks to the tunnel's local end, never to the receiver's port.
  ASSERT_EQ(sender.endpoints().size(), 1u);
  EXPECT_TRUE(sender.endpoints().front().starts_with("tcp://127.0.0.1:"));
  EXPECT_NE(sender.endpoints().front(), receiver.endpoints().front());
  if (GetParam() == Pattern::pub_sub) ASSERT_TRUE(sender.wait_for_receiver(10s));
  for (int i = 0; i < 5; ++i) {
    send_reliably(sender, pattern_frame({48, 64, 3}, Dtype::uint8, i), {{"n", i}});
    auto got = receiver.recv_for(10s);
    ASSERT_TRUE(got) << "frame " << i << " did not come through the tunnel; sshd: " << sshd.log();
    EXPECT_TRUE(is_pattern_frame(got->frame, i));
    EXPECT_EQ(got->message["n"], i);
  }
  ASSERT_EQ(child_processes("ssh").size(), 1u);
  sender.close();
  EXPECT_TRUE(child_processes("ssh").empty()) << "an ssh process outlived close()";
}

std::string pattern_name(const ::testing::TestParamInfo<Pattern>& info) {
  const char* names[] = {"pair", "reqrep", "pubsub"};
  return names[static_cast<int>(info.param)];
}

INSTANTIATE_TEST_SUITE_P(Patterns, SshTunnelStream,
                         ::testing::Values(Pattern::pair, Pattern::req_rep, Pattern::pub_sub), pattern_name);

TEST(SshTunnel, BidirectionalThroughTheVidgearFacade) {
  TestSshd sshd;
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::req_rep));
  auto s = tunnel_sender(receiver, Pattern::req_rep, {});
  Options o;
  o.set("ssh_tunnel_mode", sshd.target());  // the key/value form, as the CLI and Python give it
  o.set("ssh_tunnel_keyfile", sshd.user_key());
  o.set("ssh_tunnel_known_hosts", sshd.known_hosts());
  s.options = o;
  Sender sender(s);
  auto result = sender.send(pattern_frame({8, 8}, Dtype::uint8, 3));
  EXPECT_EQ(result.status, SendStatus::delivered);
  ASSERT_TRUE(receiver.recv_for(10s));
}

TEST(SshTunnel, DestroyedSenderLeavesNoSsh) {
  TestSshd sshd;
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::pair));
  int pid = -1;
  {
    Sender sender(tunnel_sender(receiver, Pattern::pair, sshd.tunnel_options()));
    const auto children = child_processes("ssh");
    ASSERT_EQ(children.size(), 1u);
    pid = children.front();
  }  // no close(): the destructor stops ssh
  EXPECT_TRUE(child_processes("ssh").empty());
  EXPECT_NE(kill(pid, 0), 0) << "ssh pid " << pid << " is still there (not reaped?)";
}

TEST(SshTunnel, WrongKeyIsALoginRefusal) {
  TestSshd sshd;
  auto o = sshd.tunnel_options();
  o.ssh_tunnel_keyfile = sshd.stranger_key();
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::pair));
  const auto error = setup_error([&] { Sender sender(tunnel_sender(receiver, Pattern::pair, o)); });
  EXPECT_NE(error.find("refused the login"), std::string::npos) << error;
  EXPECT_NE(error.find(sshd.target()), std::string::npos) << error;
  EXPECT_NE(error.find("Permission denied"), std::string::npos) << error;  // ssh's own words too
  EXPECT_TRUE(child_processes("ssh").empty());
}

TEST(SshTunnel, UnknownHostKeyIsRefused) {
  TestSshd sshd;
  auto o = sshd.tunnel_options();
  o.ssh_tunnel_known_hosts = sshd.empty_known_hosts();
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::pair));
  const auto error = setup_error([&] { Sender sender(tunnel_sender(receiver, Pattern::pair, o)); });
  EXPECT_NE(error.find("host key is not in known_hosts"), std::string::npos) << error;
  EXPECT_NE(error.find("ssh_tunnel_known_hosts"), std::string::npos) << error;  // says what to do
  EXPECT_TRUE(child_processes("ssh").empty());
}

TEST(SshTunnel, ChangedHostKeyIsRefused) {
  TestSshd sshd;
  auto o = sshd.tunnel_options();
  o.ssh_tunnel_known_hosts = sshd.wrong_known_hosts();
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::pair));
  const auto error = setup_error([&] { Sender sender(tunnel_sender(receiver, Pattern::pair, o)); });
  EXPECT_NE(error.find("host key"), std::string::npos) << error;
  EXPECT_NE(error.find("may be an attack"), std::string::npos) << error;
}

TEST(SshTunnel, NoServerIsAConnectionRefusal) {
  TestSshd sshd;
  const int port = sshd.port();
  const auto o = sshd.tunnel_options();
  sshd.stop();  // gone: nothing listens on its port now
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::pair));
  const auto error = setup_error([&] { Sender sender(tunnel_sender(receiver, Pattern::pair, o)); });
  EXPECT_NE(error.find("no SSH server accepts connections"), std::string::npos) << error;
  EXPECT_NE(error.find(":" + std::to_string(port)), std::string::npos) << error;
}

TEST(SshTunnel, ServerDeathIsALostPeer) {
  TestSshd sshd;
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::req_rep));
  auto o = sshd.tunnel_options();
  o.request_timeout = 2s;  // generous: the first frame opens the forwarded connection (slow under TSan)
  o.max_retries = 2;
  Sender sender(tunnel_sender(receiver, Pattern::req_rep, o));
  ASSERT_EQ(sender.send(pattern_frame({8, 8}, Dtype::uint8, 0)).status, SendStatus::delivered);
  ASSERT_TRUE(receiver.recv_for(10s));
  sshd.stop();  // the server and its session go away
  std::string error;
  for (int i = 1; i < 10 && error.empty(); ++i) {
    try {
      const auto r = sender.send(pattern_frame({8, 8}, Dtype::uint8, i));
      EXPECT_NE(r.status, SendStatus::delivered) << "a frame went through a tunnel whose server is gone";
    } catch (const PeerLostError& e) {
      error = e.what();
    }
  }
  EXPECT_NE(error.find("SSH tunnel"), std::string::npos) << "no PeerLostError naming the tunnel: " << error;
  sender.close();
  EXPECT_TRUE(child_processes("ssh").empty());
}

TEST(SshTunnel, WrongPasswordIsRefusedAndNeverOnACommandLine) {
  TestSshd sshd;
  const std::string password = "not-the-password-8c1f";
  Options o;
  o.ssh_tunnel_mode = sshd.target();
  o.ssh_tunnel_pwd = password;
  o.ssh_tunnel_known_hosts = sshd.known_hosts();
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::pair));
  // Watch every ssh this process starts while the sender tries to log in.
  std::atomic<bool> done{false};
  std::atomic<int> seen{0};
  std::string leaked;
  std::thread watcher([&] {
    while (!done) {
      for (int pid : child_processes("ssh")) {
        const auto cmdline = process_cmdline(pid);
        if (cmdline.empty()) continue;
        ++seen;
        if (cmdline.find(password) != std::string::npos) leaked = cmdline;
      }
      std::this_thread::yield();
    }
  });
  const auto error = setup_error([&] { Sender sender(tunnel_sender(receiver, Pattern::pair, o)); });
  done = true;
  watcher.join();
  EXPECT_GT(seen.load(), 0) << "the watcher never saw ssh run";
  EXPECT_EQ(leaked, "") << "the password is on ssh's command line";
  EXPECT_NE(error.find("refused the login"), std::string::npos) << error;
  EXPECT_EQ(error.find(password), std::string::npos) << "the error shows the password";
  // The password did reach sshd (through the askpass helper), and was refused there.
  EXPECT_NE(sshd.log().find("Failed password"), std::string::npos) << sshd.log();
}

TEST(SshTunnel, OptionErrorsBeforeAnySshStarts) {
  TestSshd sshd;
  Receiver receiver(receiver_settings(Protocol::tcp, Pattern::req_rep));
  auto base = tunnel_sender(receiver, Pattern::req_rep, sshd.tunnel_options());
  auto on_receiver = receiver_settings(Protocol::tcp, Pattern::req_rep);
  on_receiver.options = sshd.tunnel_options();
  EXPECT_EQ(option_error_key([&] { Receiver r(on_receiver); }), "ssh_tunnel_mode");
  auto missing_key = base;
  missing_key.options.ssh_tunnel_keyfile = sshd.user_key() + ".missing";
  const auto text = error_text<OptionError>([&] { Sender s(missing_key); });
  EXPECT_NE(text.find("ssh_tunnel_keyfile"), std::string::npos) << text;
  EXPECT_NE(text.find(".missing"), std::string::npos) << text;
  EXPECT_TRUE(child_processes("ssh").empty());
}

}  // namespace
}  // namespace netgear::test
