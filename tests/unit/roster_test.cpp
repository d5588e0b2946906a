// The multi-server roster: when a stream is over, and what a peer can make it hold.
#include <gtest/gtest.h>

#include <string>

#include "receiver/roster.hpp"

namespace netgear::detail {
namespace {

using json = nlohmann::json;

TEST(Roster, LabelsAreShortStringsOrIntegers) {
  EXPECT_EQ(Roster::label(json("5566")), "5566");
  EXPECT_EQ(Roster::label(json(5566)), "5566");
  EXPECT_EQ(Roster::label(json(std::string(Roster::max_label_bytes, '7'))), std::string(64, '7'));
  EXPECT_FALSE(Roster::label(json(std::string(Roster::max_label_bytes + 1, '7'))));
  EXPECT_FALSE(Roster::label(json(55.5)));
  EXPECT_FALSE(Roster::label(json::array({1, 2})));
  EXPECT_FALSE(Roster::label(json::object({{"a", 1}})));
  EXPECT_FALSE(Roster::label(json(true)));
}

TEST(Roster, EndsWhenEverySenderThatDeliveredHasTerminated) {
  Roster r({"1", "2"});
  r.frame_from("1");
  r.frame_from("2");
  EXPECT_FALSE(r.terminate("1"));
  EXPECT_TRUE(r.terminate("2"));
}

TEST(Roster, TerminationsBeforeAnyFrameEndOnlyWhenEveryConfiguredPortDid) {
  Roster r({"1", "2"});
  EXPECT_FALSE(r.terminate("1"));
  EXPECT_TRUE(r.terminate("2"));
}

TEST(Roster, TerminationsFromUnknownLabelsAreNotKept) {
  Roster r({"1"});
  for (int i = 0; i < 10'000; ++i) EXPECT_FALSE(r.terminate("stranger" + std::to_string(i)));
  EXPECT_EQ(r.terminated(), 0u);
  EXPECT_EQ(r.active(), 0u);
  EXPECT_TRUE(r.terminate("1"));  // the configured port still counts
}

TEST(Roster, KnowsAtMostMaxSenders) {
  Roster r({});
  for (std::size_t i = 0; i < Roster::max_senders; ++i) {
    ASSERT_TRUE(r.admits(std::to_string(i)));
    r.frame_from(std::to_string(i));
  }
  EXPECT_FALSE(r.admits("one more"));
  EXPECT_TRUE(r.admits("0"));  // a known sender still is
  EXPECT_FALSE(r.terminate("0"));
  EXPECT_TRUE(r.admits("one more"));  // room again
  EXPECT_EQ(r.active(), Roster::max_senders - 1);
}

}  // namespace
}  // namespace netgear::detail
