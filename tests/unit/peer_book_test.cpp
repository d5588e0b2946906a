// The receiver's connection bookkeeping: monitor events and frames in,
// "senders connected", "all gone since T" and "idle peer" out. No sockets.
#include <gtest/gtest.h>

#include "receiver/peer_book.hpp"

namespace netgear::detail {
namespace {

using namespace std::chrono_literals;
using Time = PeerBook::Time;

const Time t0{};  // a fixed origin: the book only compares times it was given

TEST(PeerBook, CountsSendersOnlyOnceAFrameCameFromThem) {
  PeerBook book;
  book.accepted(7, "10.0.0.1:4000", t0);
  EXPECT_EQ(book.connected(), 1u);
  EXPECT_EQ(book.senders(), 0u);
  book.frame_from(7, t0 + 1ms);
  EXPECT_EQ(book.senders(), 1u);
  EXPECT_FALSE(book.all_gone_since());
}

TEST(PeerBook, AllGoneWhenTheLastSenderLeaves) {
  PeerBook book;
  book.accepted(7, "a", t0);
  book.accepted(8, "b", t0);
  book.frame_from(7, t0 + 1ms);
  book.frame_from(8, t0 + 1ms);
  book.disconnected(7, t0 + 10ms);
  EXPECT_FALSE(book.all_gone_since()) << "one sender is still there";
  book.disconnected(8, t0 + 20ms);
  ASSERT_TRUE(book.all_gone_since());
  EXPECT_EQ(*book.all_gone_since(), t0 + 20ms);
  EXPECT_EQ(book.gone_deadline(500ms), t0 + 520ms);
}

TEST(PeerBook, APeerThatNeverSentIsNotASenderLeaving) {
  // A refused client (secure mode) or a scanner: accepted, then disconnected.
  PeerBook book;
  book.accepted(7, "a", t0);
  book.disconnected(7, t0 + 1ms);
  EXPECT_FALSE(book.all_gone_since());
  EXPECT_FALSE(book.gone_deadline(1s));
}

TEST(PeerBook, AReconnectingSenderHoldsTheEndAndItsFrameClearsIt) {
  PeerBook book;
  book.accepted(7, "a", t0);
  book.frame_from(7, t0);
  book.disconnected(7, t0 + 1s);
  book.accepted(9, "a", t0 + 1200ms);
  EXPECT_TRUE(book.all_gone_since());
  EXPECT_FALSE(book.gone_deadline(500ms)) << "a peer is connected: maybe the sender back";
  book.frame_from(9, t0 + 1300ms);
  EXPECT_FALSE(book.all_gone_since());
}

TEST(PeerBook, APeerThatCameAndWentSilentlyDoesNotRestartTheClock) {
  // A client refused every 100 ms must not keep a stream alive forever.
  PeerBook book;
  book.accepted(7, "a", t0);
  book.frame_from(7, t0);
  book.disconnected(7, t0 + 1s);
  book.accepted(9, "b", t0 + 1100ms);
  book.disconnected(9, t0 + 1101ms);
  EXPECT_EQ(book.gone_deadline(500ms), t0 + 1500ms);
}

TEST(PeerBook, StragglerFramesAfterADisconnectChangeNothing) {
  PeerBook book;
  book.accepted(7, "a", t0);
  book.frame_from(7, t0);
  book.disconnected(7, t0 + 1s);
  book.frame_from(7, t0 + 1001ms);  // read from the socket after the event
  book.frame_from(-1, t0 + 1002ms);  // inproc: no fd
  EXPECT_EQ(book.all_gone_since(), t0 + 1s);
}

TEST(PeerBook, AFrameReadAfterItsSendersDisconnectMakesItASenderThatLeft) {
  // A sender sends one frame and vanishes before the receiver reads it: the
  // monitor's accepted and disconnected both come before the frame.
  PeerBook book;
  book.accepted(7, "a", t0);
  book.disconnected(7, t0 + 5ms);
  EXPECT_FALSE(book.all_gone_since());
  book.frame_from(7, t0 + 6ms);
  EXPECT_EQ(book.all_gone_since(), t0 + 5ms);
  EXPECT_EQ(book.gone_deadline(1s), t0 + 1005ms);
}

TEST(PeerBook, ALateFrameOfALeftConnectionDoesNotEndAStreamWithASender) {
  PeerBook book;
  book.accepted(7, "a", t0);
  book.accepted(8, "b", t0);
  book.frame_from(8, t0);
  book.disconnected(7, t0 + 5ms);
  book.frame_from(7, t0 + 6ms);
  EXPECT_FALSE(book.all_gone_since()) << "b is still sending";
  book.accepted(7, "c", t0 + 1s);  // the number reused: no longer a closed connection
  book.disconnected(8, t0 + 2s);
  EXPECT_EQ(book.all_gone_since(), t0 + 2s);
}

TEST(PeerBook, AReusedFdReplacesAMissedDisconnect) {
  PeerBook book;
  book.accepted(7, "a", t0);
  book.frame_from(7, t0);
  book.accepted(7, "b", t0 + 1s);  // the kernel gave 7 to a new connection
  EXPECT_EQ(book.connected(), 1u);
  EXPECT_EQ(book.senders(), 0u);
}

TEST(PeerBook, IdlePeerHoldingThePairSlotIsReportedThenRateLimited) {
  PeerBook book(3s, 30s);
  book.accepted(7, "10.0.0.9:5000", t0);
  EXPECT_FALSE(book.idle_holder_due()) << "alone it holds nothing anyone wants";
  book.accepted(8, "10.0.0.2:6000", t0 + 1s);  // the real sender, whose frames go nowhere
  EXPECT_EQ(book.idle_holder_due(), t0 + 3s);
  EXPECT_FALSE(book.idle_holder(t0 + 2s));
  const auto idle = book.idle_holder(t0 + 3s);
  ASSERT_TRUE(idle);
  EXPECT_EQ(idle->address, "10.0.0.9:5000");
  EXPECT_EQ(idle->held, 3s);
  EXPECT_EQ(idle->later, 1u);
  book.warned(t0 + 3s);
  EXPECT_FALSE(book.idle_holder(t0 + 10s));
  EXPECT_EQ(book.idle_holder_due(), t0 + 33s);
  EXPECT_TRUE(book.idle_holder(t0 + 33s));
}

TEST(PeerBook, NoIdleWarningOnceFramesGetThrough) {
  // A raw TCP client that never speaks ZMTP does not take the PAIR slot: the
  // sender after it gets through, so there is nothing to warn about.
  PeerBook book;
  book.accepted(7, "scanner", t0);
  book.accepted(8, "sender", t0 + 1s);
  book.frame_from(8, t0 + 1100ms);
  EXPECT_FALSE(book.idle_holder_due());
  book.disconnected(8, t0 + 2s);
  EXPECT_FALSE(book.idle_holder(t0 + 60s)) << "a frame came after the idle peer connected";
}

TEST(PeerBook, APeerWaitingBehindASenderIsNotTheHolder) {
  PeerBook book;
  book.accepted(7, "sender", t0);
  book.frame_from(7, t0);
  book.accepted(8, "idle", t0 + 1s);
  book.accepted(9, "another", t0 + 2s);
  EXPECT_FALSE(book.idle_holder(t0 + 60s)) << "the sender that got frames through holds the slot";
}

}  // namespace
}  // namespace netgear::detail
