// vidgear's `logging` parameter: off by default and silent; on, the named
// spdlog logger `netgear` reports what the object does.
#include <gtest/gtest.h>

#include <sstream>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "netgear/receiver.hpp"
#include "support/test_support.hpp"

namespace netgear::test {
namespace {

// Each test case runs in its own process (gtest_discover_tests), so the
// registry starts empty here.
TEST(Logging, OffByDefaultCreatesNoLogger) {
  Receiver receiver(receiver_settings(Protocol::inproc, Pattern::pair));
  receiver.close();
  EXPECT_EQ(spdlog::get("netgear"), nullptr);
}

TEST(Logging, OnWritesToTheNetgearLogger) {
  auto s = receiver_settings(Protocol::inproc, Pattern::pair);
  s.logging = true;
  Receiver receiver(s);
  auto logger = spdlog::get("netgear");
  ASSERT_NE(logger, nullptr);
  std::ostringstream out;
  logger->sinks().push_back(std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  receiver.close();
  EXPECT_NE(out.str().find("receiver: closed"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace netgear::test
