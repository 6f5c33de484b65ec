// Reading JSON input: what a user's file says is what the ledger reads, and what is not JSON,
// not UTF-8 or too large is refused with a message naming the input.

#include "ledger/base/json_input.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace secondment {
namespace {

// The string field "s" of `json`, or the status that refused it.
Result<std::string> StringField(const std::string& json) {
  ASSIGN_OR_RETURN(JsonDocument doc, JsonDocument::Parse(json, "test.json"));
  ASSIGN_OR_RETURN(JsonObject root, doc.RootObject());
  ASSIGN_OR_RETURN(auto value, root.String("s"));
  if (!value) return NotFound("no field s");
  return *value;
}

std::string Field(const std::string& json) {
  auto value = StringField(json);
  EXPECT_TRUE(value.ok()) << json << ": " << value.status().ToString();
  return value.ok() ? *value : "";
}

TEST(JsonInputTest, UnicodeEscapesReadAsTheCharactersTheyStandFor) {
  EXPECT_EQ(Field(R"({"s":"Jos\u00e9"})"), "Jos\u00e9");
  EXPECT_EQ(Field(R"({"s":"Jos\u00E9"})"), "Jos\u00e9");
  EXPECT_EQ(Field(R"({"s":"\u20ac\u4e2d\uFFFD"})"), "\u20ac\u4e2d\ufffd");
  EXPECT_EQ(Field(R"({"s":"\ud83d\ude00 \uD83D\uDE97"})"), "\U0001F600 \U0001F697");
  EXPECT_EQ(Field(R"({"s":"\u0041\u007a"})"), "Az");
  // What JSON must escape stays what it is.
  EXPECT_EQ(Field(R"({"s":"a\u0022b\u005cc"})"), "a\"b\\c");
  EXPECT_EQ(Field(R"({"s":"\u000a\u000d\u000c\u0009\u0008"})"), "\n\r\f\t\b");
  EXPECT_EQ(Field(R"({"s":"\u000b\u001b\u001F\u0010"})"), "\x0b\x1b\x1f\x10");
  EXPECT_EQ(Field(R"({"s":"x\u0000y"})"), std::string("x\0y", 3));
  // An escaped backslash before a u is a backslash and a u.
  EXPECT_EQ(Field(R"({"s":"\\u00e9"})"), "\\u00e9");
  EXPECT_EQ(Field(R"({"s":"\"\u00e9\""})"), "\"\u00e9\"");
  // Outside strings nothing changes; in names too the escapes are read.
  auto doc = JsonDocument::Parse(R"({"caf\u00e9":"\u00e9", "n": 5})", "test.json");
  ASSERT_TRUE(doc.ok());
  auto root = doc->RootObject();
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(**root->String("caf\u00e9"), "\u00e9");
  EXPECT_EQ(**root->Integer("n", 0, 10), 5);
}

TEST(JsonInputTest, MalformedEscapesAndLoneSurrogatesAreRefused) {
  for (const char* json :
       {R"({"s":"\u00g9"})", R"({"s":"\u00e"})", R"({"s":"\u"})", R"({"s":"\ud83d"})",
        R"({"s":"\ud83d\u0041"})", R"({"s":"\ude00"})", R"({"s":"\ud83dx\ude00"})"}) {
    auto value = StringField(json);
    ASSERT_FALSE(value.ok()) << json;
    EXPECT_EQ(value.status().code(), StatusCode::kInvalidArgument) << json;
    EXPECT_NE(value.status().message().find("test.json is not valid JSON"), std::string::npos)
        << value.status().message();
  }
}

TEST(JsonInputTest, WhatIsNotJsonNotUtf8OrTooLargeIsRefused) {
  auto refused = [](std::string_view text, size_t max, std::string_view says) {
    auto doc = JsonDocument::Parse(text, "in.json", max);
    ASSERT_FALSE(doc.ok()) << text;
    EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(doc.status().message().find(says), std::string::npos) << doc.status().message();
  };
  refused("{\"s\":\"\xff\"}", 100, "in.json is not valid UTF-8");
  refused("{\"s\":", 100, "in.json is not valid JSON");
  refused(std::string(101, ' '), 100, "in.json is over the limit of 100 bytes");
  refused(std::string(40, '[') + std::string(40, ']'), 1000, "in.json is not valid JSON");
  auto array = JsonDocument::Parse("[1]", "in.json");
  ASSERT_TRUE(array.ok());
  EXPECT_EQ(array->RootObject().status().code(), StatusCode::kInvalidArgument);
}

// A key given twice is refused wherever it is, in any object at any depth, small or large.
TEST(JsonInputTest, AKeyGivenTwiceAnywhereIsRefused) {
  for (std::string_view text : {R"({"a":1,"a":2})", R"({"a":{"b":1,"c":2,"b":3}})",
                                R"({"a":[{"x":1},{"y":1,"y":2}]})", R"([{"k":1,"k":1}])"}) {
    auto doc = JsonDocument::Parse(text, "in.json");
    ASSERT_FALSE(doc.ok()) << text;
    EXPECT_NE(doc.status().message().find("is given twice in in.json"), std::string::npos)
        << doc.status().message();
  }
  std::string large = "{";
  for (int i = 0; i < 5000; ++i) large += fmt::format("\"k{}\":{},", i, i);
  ASSERT_TRUE(JsonDocument::Parse(large + "\"end\":0}", "in.json").ok());
  auto repeated = JsonDocument::Parse(large + "\"k17\":0}", "in.json");
  ASSERT_FALSE(repeated.ok());
  EXPECT_NE(repeated.status().message().find("field 'k17' is given twice"), std::string::npos);
  EXPECT_TRUE(JsonDocument::Parse(R"({"a":{"b":1},"b":{"a":2}})", "in.json").ok());
}

TEST(JsonInputTest, InvalidUtf8IsFoundAndReplaced) {
  EXPECT_TRUE(IsValidUtf8("plain \u00e9 \u20ac \U0001F600"));
  for (std::string_view bad :
       {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82",
        "a\x80"
        "b"}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << bad;
  }
  EXPECT_EQ(ReplaceInvalidUtf8("a\xff"
                               "\u00e9\xc3"),
            "a\ufffd\u00e9\ufffd");
  EXPECT_EQ(ReplaceInvalidUtf8("\xed\xa0\x80!"), "\ufffd\ufffd\ufffd!");
  EXPECT_EQ(ReplaceInvalidUtf8("ok \U0001F600"), "ok \U0001F600");
}

}  // namespace
}  // namespace secondment
