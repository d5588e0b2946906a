// Our JSON text must match Python's json.dumps so headers are byte-identical to vidgear's.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "wire/json_text.hpp"

namespace netgear::wire {
namespace {

using json = nlohmann::json;

TEST(PythonJson, ScalarsLikePython) {
  EXPECT_EQ(python_json(nullptr), "null");
  EXPECT_EQ(python_json(true), "true");
  EXPECT_EQ(python_json(-17), "-17");
  EXPECT_EQ(python_json(1.5), "1.5");
  EXPECT_EQ(python_json("hello"), "\"hello\"");
}

TEST(PythonJson, ContainersUsePythonSeparators) {
  EXPECT_EQ(python_json(json{{"a", json::array({1, 2})}}), "{\"a\": [1, 2]}");
  EXPECT_EQ(python_json(json::array({1, "x", nullptr})), "[1, \"x\", null]");
  EXPECT_EQ(python_json(json::object()), "{}");
  EXPECT_EQ(python_json(json::array()), "[]");
}

TEST(PythonJson, NonAsciiIsEscapedLikeEnsureAscii) {
  EXPECT_EQ(python_json("caf\xc3\xa9"), "\"caf\\u00e9\"");
  EXPECT_EQ(python_json("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(python_json("\x7f\t\x01"), "\"\\u007f\\t\\u0001\"");
  EXPECT_EQ(python_json(json{{"k\xc3\xa9\"", 1}}), "{\"k\\u00e9\\\"\": 1}");  // keys too
}

TEST(PythonJson, IntegersAtTheirLimits) {
  EXPECT_EQ(python_json(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(python_json(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615");
  EXPECT_EQ(python_json(0), "0");
}

TEST(PythonJson, PlainTextAndIntegersAreWrittenWithoutNlohmannsDump) {
  // The same bytes as dump() for every kind of value the fast writers handle.
  for (const json& value : {json(nullptr), json(false), json(-12), json(12u), json("plain ASCII ~"), json("")}) {
    EXPECT_EQ(python_json(value), value.dump(-1, ' ', true)) << value.dump();
  }
  std::string out = "x";
  append_python_string(out, "dtype");
  append_integer(out, -5);
  EXPECT_EQ(out, "x\"dtype\"-5");
}

}  // namespace
}  // namespace netgear::wire
