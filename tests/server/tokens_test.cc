// The tokens file: tokens stored only as hashes, principals with roles, and every malformed
// line refused with its number.

#include "server/tokens.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "tests/ledger/test_util.h"

namespace secondment::server {
namespace {

using secondment::testing::ReadFileText;
using secondment::testing::TempDir;

TEST(TokensTest, AnIssuedTokenAuthenticatesAndIsNeverStored) {
  TempDir dir;
  std::string path = dir.Sub("tokens");
  auto file = TokenFile::Load(path);
  ASSERT_TRUE(file.ok());
  auto token = file->Add({"hr-ana", {Role::kHr, Role::kAuditor}});
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(token->size(), 67u);
  EXPECT_EQ(token->substr(0, 3), "sl_");
  ASSERT_TRUE(file->Save(path).ok());
  EXPECT_EQ(ReadFileText(path).find(*token), std::string::npos);
  EXPECT_NE(ReadFileText(path).find("hr-ana hr,auditor"), std::string::npos) << ReadFileText(path);
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto again = TokenFile::Load(path);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  auto who = again->Authenticate(*token);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->id, "hr-ana");
  EXPECT_TRUE(who->Has(Role::kAuditor));
  EXPECT_FALSE(who->Has(Role::kSubscriber));
  EXPECT_FALSE(again->Authenticate("sl_" + std::string(64, '0')).has_value());
  EXPECT_FALSE(again->Authenticate("").has_value());
  EXPECT_FALSE(again->Authenticate(std::string(100000, 'x')).has_value());
}

TEST(TokensTest, OneTokenPerPrincipalAndRevocationRemovesIt) {
  TokenFile file;
  auto token = file.Add({"m-okafor", {Role::kHomeManager}});
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(file.Add({"m-okafor", {Role::kHr}}).status().code(), StatusCode::kConflict);
  ASSERT_TRUE(file.Revoke("m-okafor").ok());
  EXPECT_FALSE(file.Authenticate(*token).has_value());
  EXPECT_EQ(file.Revoke("m-okafor").code(), StatusCode::kNotFound);
}

TEST(TokensTest, BadPrincipalsAndRolesAreRefused) {
  TokenFile file;
  EXPECT_EQ(file.Add({"", {Role::kHr}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(file.Add({"a b", {Role::kHr}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(file.Add({"../x", {Role::kHr}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(file.Add({std::string(65, 'a'), {Role::kHr}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(file.Add({"ok", {}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseRole("root").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseRole("subscriber"), Role::kSubscriber);
}

TEST(TokensTest, MalformedFilesNameTheLine) {
  TempDir dir;
  std::string path = dir.Sub("tokens");
  std::string hash(64, 'a');
  for (const auto& [text, line] : std::vector<std::pair<std::string, std::string>>{
           {"# header\nnot a line\n", "line 2"},
           {hash + " p1 hr\n" + hash + " p1 auditor\n", "line 2"},
           {hash.substr(1) + " p1 hr\n", "line 1"},
           {hash + " p1 wizard\n", "line 1"},
           {hash + " p1\n", "line 1"},
           {hash + " p1 hr extra\n", "line 1"},
           {hash + " bad/id hr\n", "line 1"}}) {
    std::ofstream(path, std::ios::trunc) << text;
    auto file = TokenFile::Load(path);
    EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(file.status().message().find(line), std::string::npos) << file.status().message();
  }
}

}  // namespace
}  // namespace secondment::server
