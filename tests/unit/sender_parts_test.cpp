// The sender's socket-free parts: the lifecycle's legal moves and what each
// state makes send() throw, and the UTF-8 repair of a peer's reply text.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "netgear/error.hpp"
#include "sender/lifecycle.hpp"
#include "wire/utf8.hpp"

namespace netgear::detail {
namespace {

using S = SenderState;
constexpr S all[] = {S::open, S::lost, S::draining, S::closing, S::closed};

TEST(Lifecycle, OnlyTheDocumentedMovesAreLegal) {
  const std::pair<S, S> moves[] = {{S::open, S::lost},       {S::open, S::draining}, {S::draining, S::lost},
                                   {S::draining, S::closing}, {S::lost, S::closing}, {S::closing, S::closed}};
  for (S from : all)
    for (S to : all) {
      bool documented = false;
      for (auto [f, t] : moves) documented = documented || (f == from && t == to);
      EXPECT_EQ(legal(from, to), documented) << to_string(from) << " -> " << to_string(to);
    }
}

TEST(Lifecycle, AdvanceRefusesAMoveFromAnotherStateOrAnIllegalOne) {
  Lifecycle life;
  EXPECT_FALSE(life.advance(S::draining, S::closing)) << "not in draining";
  EXPECT_FALSE(life.advance(S::open, S::closed)) << "illegal";
  EXPECT_EQ(life.state(), S::open);
  EXPECT_TRUE(life.advance(S::open, S::draining));
  EXPECT_FALSE(life.advance(S::open, S::draining)) << "a second close() finds it draining";
  EXPECT_TRUE(life.advance(S::draining, S::closing));
  EXPECT_TRUE(life.advance(S::closing, S::closed));
  EXPECT_FALSE(life.advance(S::closed, S::open));
}

TEST(Lifecycle, SendThrowsWhatTheStateSays) {
  Lifecycle open;
  EXPECT_NO_THROW(open.check_can_send());
  Lifecycle lost;
  ASSERT_TRUE(lost.advance(S::open, S::lost));
  EXPECT_THROW(lost.check_can_send(), PeerLostError);
  Lifecycle closing;
  ASSERT_TRUE(closing.advance(S::open, S::draining));
  EXPECT_THROW(closing.check_can_send(), ModeError);
}

TEST(Utf8Text, KeepsValidTextAndReplacesEveryBadByte) {
  EXPECT_EQ(wire::utf8_text("plain"), "plain");
  EXPECT_EQ(wire::utf8_text("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\xA5"), "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\xA5");
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(wire::utf8_text("\xFF"), fffd);
  EXPECT_EQ(wire::utf8_text("a\xC3"), "a" + fffd) << "truncated sequence";
  EXPECT_EQ(wire::utf8_text("\xC0\xAF"), fffd + fffd) << "overlong '/'";
  EXPECT_EQ(wire::utf8_text("\xED\xA0\x80"), fffd + fffd + fffd) << "a UTF-16 surrogate";
  EXPECT_EQ(wire::utf8_text("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd) << "past U+10FFFF";
  EXPECT_EQ(wire::utf8_text(std::string("a\0b", 3)), std::string("a\0b", 3));
  EXPECT_NO_THROW((void)nlohmann::json(wire::utf8_text("\x80\x81 x \xFE")).dump());
}

}  // namespace
}  // namespace netgear::detail
