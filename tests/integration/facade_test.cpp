// NetGear, the vidgear-shaped facade: same parameters, same mode errors,
// options as JSON, recv() -> nullopt at end of stream.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "netgear/netgear.hpp"
#include "support/test_support.hpp"

namespace netgear {
namespace {

using json = nlohmann::json;

TEST(NetGear, BareMinimumServerAndClient) {
  NetGear client("127.0.0.1", "*", "tcp", 0, /*receive_mode=*/true);
  const auto endpoint = client.receiver().endpoints().front();
  const auto port = endpoint.substr(endpoint.rfind(':') + 1);
  NetGear server("127.0.0.1", port);

  cv::Mat frame(48, 64, CV_8UC3, cv::Scalar(10, 20, 30));
  EXPECT_TRUE(server.send(frame, "hello").reply.is_null());  // not bidirectional: no data back
  auto got = client.recv();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->frame.mat().at<cv::Vec3b>(47, 63), cv::Vec3b(10, 20, 30));
  EXPECT_EQ(got->message, "hello");
  server.close();
  EXPECT_FALSE(client.recv());
  client.close();
}

TEST(NetGear, CallingTheOtherSidesFunctionIsAModeError) {
  NetGear client("127.0.0.1", "*", "tcp", 0, true);
  EXPECT_THROW(client.send(cv::Mat(2, 2, CV_8U)), ModeError);
  NetGear server("127.0.0.1", "5555", "tcp", 0, false);
  EXPECT_THROW(server.recv(), ModeError);
  try {
    server.recv();
  } catch (const ModeError& e) {
    EXPECT_NE(std::string(e.what()).find("receive_mode"), std::string::npos) << e.what();
  }
}

TEST(NetGear, InvalidParametersNameThemselves) {
  auto key_of = [](auto make) {
    try {
      make();
    } catch (const OptionError& e) {
      return e.key();
    }
    return std::string("<none>");
  };
  EXPECT_EQ(key_of([] { NetGear(std::nullopt, {}, "tcp", 3); }), "pattern");
  EXPECT_EQ(key_of([] { NetGear(std::nullopt, {}, "udp", 2); }), "protocol");
  EXPECT_EQ(key_of([] { NetGear(std::nullopt, {}, "tcp", 0, false, false, json{{"compresion_format", ".jpg"}}); }),
            "compresion_format");
  EXPECT_EQ(key_of([] { NetGear(std::nullopt, {}, "tcp", 0, false, false, json{{"copy", "yes"}}); }), "copy");
}

TEST(NetGear, EmptyFrameIsRefused) {
  NetGear client("127.0.0.1", "*", "tcp", 2, true);
  const auto endpoint = client.receiver().endpoints().front();
  NetGear server("127.0.0.1", endpoint.substr(endpoint.rfind(':') + 1), "tcp", 2);
  EXPECT_THROW(server.send(cv::Mat()), FrameError);
}

TEST(NetGear, BindingABusyPortIsASetupErrorNamingTheEndpoint) {
  NetGear first("127.0.0.1", "*", "tcp", 0, true);
  const auto endpoint = first.receiver().endpoints().front();
  const auto port = endpoint.substr(endpoint.rfind(':') + 1);
  try {
    NetGear second("127.0.0.1", port, "tcp", 0, true);
    FAIL() << "bound the same port twice";
  } catch (const SetupError& e) {
    EXPECT_NE(std::string(e.what()).find(endpoint), std::string::npos) << e.what();
  }
}

TEST(NetGear, JsonOptionsReachTheSender) {
  NetGear client("127.0.0.1", "*", "tcp", 1, true, false, json{{"queue_size", 3}, {"overflow_policy", "latest_only"}});
  EXPECT_EQ(client.receiver().settings().options.queue_size, 3u);
  const auto endpoint = client.receiver().endpoints().front();
  NetGear server("127.0.0.1", endpoint.substr(endpoint.rfind(':') + 1), "tcp", 1, false, false,
                 json{{"request_timeout", 1.5}, {"max_retries", 2}, {"copy", true}});
  EXPECT_EQ(server.sender().settings().options.request_timeout, std::chrono::milliseconds(1500));
  EXPECT_TRUE(server.sender().settings().options.copy);
}

}  // namespace
}  // namespace netgear
