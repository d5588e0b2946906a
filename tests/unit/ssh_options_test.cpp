// The SSH tunnel's options (ssh_tunnel_mode, ssh_tunnel_pwd,
// ssh_tunnel_keyfile, ssh_tunnel_known_hosts): what each accepts, the
// combinations vidgear refuses too, and the ssh command line they make —
// where a value could otherwise become an ssh option.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "netgear/error.hpp"
#include "netgear/options.hpp"
#include "option_rules.hpp"
#include "support/test_support.hpp"
#include "tunnel/ssh_command.hpp"

namespace netgear {
namespace {

using test::option_error_key;

std::string key_of(const std::string& key, const nlohmann::json& value) {
  return option_error_key([&] { Options().set(key, value); });
}

TEST(SshOptions, TargetsAccepted) {
  struct Case {
    std::string text, user, host;
    int port;
  };
  for (const auto& c : std::vector<Case>{{"host", "", "host", 22},
                                         {"pi@camera.local", "pi", "camera.local", 22},
                                         {" pi@10.0.0.7:2222 ", "pi", "10.0.0.7", 2222},
                                         {"me@[::1]:2200", "me", "::1", 2200},
                                         {"me@[fe80::1]", "me", "fe80::1", 22}}) {
    Options o;
    ASSERT_NO_THROW(o.set("ssh_tunnel_mode", c.text)) << c.text;
    const auto t = detail::rules::parse_ssh_target("ssh_tunnel_mode", o.ssh_tunnel_mode);
    EXPECT_EQ(t.user, c.user) << c.text;
    EXPECT_EQ(t.host, c.host) << c.text;
    EXPECT_EQ(t.port, c.port) << c.text;
  }
}

TEST(SshOptions, TargetsRefused) {
  // Each would be a bad target; the first ones would make ssh run a command.
  for (const std::string bad : {"-oProxyCommand=touch /tmp/x", "me@-oProxyCommand=sh", "-l@host", "me@host:0",
                                "me@host:65536", "me@host:22:33", "me@host:", "me@host:2x", "me@ho st", "m e@host",
                                "me@", "@host", "a@b@host", "me@[::1", "me@[::1]x", "me@host\n-oX=y", "me@host/x",
                                "me\t@host", "me@\"host\""}) {
    EXPECT_EQ(key_of("ssh_tunnel_mode", bad), "ssh_tunnel_mode") << bad;
  }
  EXPECT_EQ(key_of("ssh_tunnel_mode", 22), "ssh_tunnel_mode");
  const auto text = test::error_text<OptionError>([] { Options().set("ssh_tunnel_mode", "me@host:99999"); });
  EXPECT_NE(text.find("'99999' is not a TCP port"), std::string::npos) << text;
}

TEST(SshOptions, PasswordRulesNeverShowThePassword) {
  const auto text = test::error_text<OptionError>([] { Options().set("ssh_tunnel_pwd", "s3cret\nmore"); });
  EXPECT_NE(text.find("ssh_tunnel_pwd"), std::string::npos);
  EXPECT_EQ(text.find("s3cret"), std::string::npos) << text;
  EXPECT_EQ(key_of("ssh_tunnel_pwd", 1234), "ssh_tunnel_pwd");
  EXPECT_NO_THROW(Options().set("ssh_tunnel_pwd", "p@ss word:\"'$(x)`"));  // any one-line password
}

TEST(SshOptions, PathsSshWouldMisread) {
  for (const std::string key : {"ssh_tunnel_keyfile", "ssh_tunnel_known_hosts"})
    for (const std::string bad : {"/tmp/${HOME}/k", "/tmp/a\"b", "/tmp/a\\b", "/tmp/a\nb"})
      EXPECT_EQ(key_of(key, bad), key) << key << " " << bad;
}

class SshCombinations : public ::testing::Test {
 protected:
  test::TempDir dir;
  std::string keyfile = (dir.path() / "key").string();
  void SetUp() override { std::ofstream(keyfile) << "key"; }

  Settings sender() const {
    Settings s;
    s.address = "10.0.0.5";
    s.port = 5555;
    s.options.ssh_tunnel_mode = "pi@gateway:22";
    s.options.ssh_tunnel_keyfile = keyfile;
    return s;
  }
};

TEST_F(SshCombinations, ASenderWithATunnelIsValid) { EXPECT_NO_THROW(sender().validate(Role::sender)); }

TEST_F(SshCombinations, VidgearsRefusals) {
  EXPECT_EQ(option_error_key([&] { sender().validate(Role::receiver); }), "ssh_tunnel_mode");
  auto multiserver = sender();
  multiserver.pattern = Pattern::req_rep;
  multiserver.options.multiserver_mode = true;
  EXPECT_EQ(option_error_key([&] { multiserver.validate(Role::sender); }), "ssh_tunnel_mode");
  auto multiclient = sender();
  multiclient.pattern = Pattern::pub_sub;
  multiclient.options.multiclient_mode = true;
  multiclient.port = std::vector<std::string>{"5555", "5556"};
  EXPECT_EQ(option_error_key([&] { multiclient.validate(Role::sender); }), "ssh_tunnel_mode");
  for (auto protocol : {Protocol::ipc, Protocol::inproc}) {
    auto other = sender();
    other.protocol = protocol;
    other.port = "x";
    EXPECT_EQ(option_error_key([&] { other.validate(Role::sender); }), "ssh_tunnel_mode");
  }
}

TEST_F(SshCombinations, FilesMustExist) {
  auto s = sender();
  s.options.ssh_tunnel_keyfile = keyfile + ".nope";
  const auto text = test::error_text<OptionError>([&] { s.validate(Role::sender); });
  EXPECT_NE(text.find("ssh_tunnel_keyfile"), std::string::npos) << text;
  EXPECT_NE(text.find(keyfile + ".nope"), std::string::npos) << text;
  s = sender();
  s.options.ssh_tunnel_known_hosts = dir.str();  // a folder is not a file
  EXPECT_EQ(option_error_key([&] { s.validate(Role::sender); }), "ssh_tunnel_known_hosts");
}

TEST_F(SshCombinations, TunnelOptionsNeedTheTunnel) {
  for (const std::string key : {"ssh_tunnel_pwd", "ssh_tunnel_keyfile", "ssh_tunnel_known_hosts"}) {
    Settings s;
    s.options.set(key, keyfile);
    EXPECT_EQ(option_error_key([&] { s.validate(Role::sender); }), key);
  }
}

TEST_F(SshCombinations, AddressTheServerCannotForwardTo) {
  auto s = sender();
  s.address = "-oProxyCommand=x";
  EXPECT_EQ(option_error_key([&] { s.validate(Role::sender); }), "address");
  s.address = "a b";
  EXPECT_EQ(option_error_key([&] { s.validate(Role::sender); }), "address");
}

TEST(SshCommand, ValuesStayArgumentsNotOptions) {
  tunnel::SshTunnelSpec spec{.server = {.user = "pi", .host = "gateway", .port = 2222},
                             .remote_host = "::1",
                             .remote_port = 5555,
                             .keyfile = "/keys/100%",
                             .known_hosts = "/k/known hosts",
                             .password = true};
  const auto a = tunnel::ssh_arguments(spec, 40000);
  auto at = [&](const std::string& v) { return std::find(a.begin(), a.end(), v); };
  ASSERT_GE(a.size(), 2u);
  EXPECT_EQ(a[a.size() - 2], "--");  // the destination cannot be read as an option
  EXPECT_EQ(a.back(), "gateway");
  EXPECT_NE(at("127.0.0.1:40000:[::1]:5555"), a.end());
  EXPECT_NE(at("/keys/100%%"), a.end());  // ssh would expand %
  EXPECT_NE(at("UserKnownHostsFile=\"/k/known hosts\""), a.end());
  EXPECT_NE(at("StrictHostKeyChecking=yes"), a.end());
  EXPECT_NE(at("ExitOnForwardFailure=yes"), a.end());
  EXPECT_NE(at("BatchMode=no"), a.end());
  EXPECT_NE(at("none"), a.end());  // -F none: no config file
  spec.password = false;  // key only: ssh must never wait for a prompt
  const auto batch = tunnel::ssh_arguments(spec, 40000);
  EXPECT_NE(std::find(batch.begin(), batch.end(), "BatchMode=yes"), batch.end());
}

TEST(SshCommand, DiagnosesWhatSshSays) {
  EXPECT_NE(tunnel::diagnose("root@h: Permission denied (publickey).").find("refused the login"), std::string::npos);
  EXPECT_NE(tunnel::diagnose("No ED25519 host key is known for x and you have requested strict checking.\n"
                             "Host key verification failed.")
                .find("known_hosts"),
            std::string::npos);
  EXPECT_NE(tunnel::diagnose("ssh: connect to host h port 22: Connection refused").find("no SSH server"),
            std::string::npos);
  EXPECT_TRUE(tunnel::local_port_taken("bind [127.0.0.1]:4000: Address already in use"));
  EXPECT_EQ(tunnel::diagnose("something new"), "");
}

}  // namespace
}  // namespace netgear
