// Our JSON text must match Python's json.dumps so headers are byte-identical to vidgear's.
#include <gtest/gtest.h>

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
}

}  // namespace
}  // namespace netgear::wire
