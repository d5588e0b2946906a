// Peer text in error messages and logs: escaped and cut short. And the rate
// limiter every peer-triggered warning goes through.
#include <gtest/gtest.h>

#include "log_limit.hpp"
#include "netgear/error.hpp"
#include "support/test_support.hpp"
#include "wire/header.hpp"
#include "wire/payload.hpp"
#include "wire/peer_text.hpp"

namespace netgear::test {
namespace {

using wire::peer_text;

TEST(PeerText, PrintableAsciiIsKept) { EXPECT_EQ(peer_text("uint8 [1, 2] 'x'"), "uint8 [1, 2] 'x'"); }

TEST(PeerText, ControlAndNonAsciiBytesAreEscaped) {
  EXPECT_EQ(peer_text("a\nb\r\x1b[31m\x7f"), "a\\x0ab\\x0d\\x1b[31m\\x7f");
  EXPECT_EQ(peer_text("caf\xc3\xa9"), "caf\\xc3\\xa9");
  EXPECT_EQ(peer_text(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(peer_text("a\\x0ab"), "a\\\\x0ab") << "a peer cannot fake an escape";
}

TEST(PeerText, LongTextIsCutAndSaysItsSize) {
  const std::string long_text(100 * 1024, 'd');
  const auto shown = peer_text(long_text);
  EXPECT_EQ(shown, std::string(wire::peer_text_quoted, 'd') + "... (102400 bytes)");
  EXPECT_EQ(peer_text(std::string(64, 'x')), std::string(64, 'x')) << "64 bytes are shown whole";
  EXPECT_LE(peer_text(std::string(1000, '\n')).size(), 4 * wire::peer_text_quoted + 32);
}

TEST(PeerText, WireErrorsQuoteThePeerEscaped) {
  const auto dtype_error = error_text<wire::WireError>(
      [] { (void)wire::validate_raw("uint8\n[netgear] fake line", wire::Shape{2}, 2); });
  EXPECT_EQ(dtype_error.find('\n'), std::string::npos) << dtype_error;
  EXPECT_NE(dtype_error.find("uint8\\x0a[netgear] fake line"), std::string::npos) << dtype_error;
  const auto format_error = error_text<wire::WireError>([] {
    (void)wire::decode_header(R"({"terminate_flag": false, "compression": ")" + std::string(5000, 'g') +
                              R"(", "dtype": "uint8", "shape": [2]})");
  });
  EXPECT_LT(format_error.size(), 300u) << format_error;
  const auto dim_error = error_text<wire::WireError>([] {
    (void)wire::decode_header(R"({"terminate_flag": false, "dtype": "uint8", "shape": [")" + std::string(5000, 's') +
                              "\\n\"]}");
  });
  EXPECT_LT(dim_error.size(), 300u) << dim_error;
  EXPECT_EQ(dim_error.find('\n'), std::string::npos) << dim_error;
}

TEST(LogLimiter, TheFirstFewThenOnePerInterval) {
  using namespace std::chrono_literals;
  detail::LogLimiter limiter(3, 10s);
  const auto t0 = detail::LogLimiter::Clock::time_point{} + 1h;
  std::uint64_t suppressed = 99;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limiter.allow(t0, suppressed));
    EXPECT_EQ(suppressed, 0u);
  }
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(limiter.allow(t0 + 9s, suppressed));
  EXPECT_TRUE(limiter.allow(t0 + 10s, suppressed));
  EXPECT_EQ(suppressed, 1000u) << "the line that is logged says how many were not";
  EXPECT_FALSE(limiter.allow(t0 + 19s, suppressed));
  EXPECT_TRUE(limiter.allow(t0 + 30s, suppressed));
  EXPECT_EQ(suppressed, 1u);
}

TEST(LogLimiter, ABurstOfOneIsTheRefusedClientRule) {
  using namespace std::chrono_literals;
  detail::LogLimiter limiter(1, 10s);
  const auto t0 = detail::LogLimiter::Clock::time_point{};  // the clock's epoch: the first still logs
  std::uint64_t suppressed = 0;
  EXPECT_TRUE(limiter.allow(t0, suppressed));
  EXPECT_FALSE(limiter.allow(t0 + 1s, suppressed));
  EXPECT_TRUE(limiter.allow(t0 + 10s, suppressed));
  EXPECT_EQ(suppressed, 1u);
}

}  // namespace
}  // namespace netgear::test
