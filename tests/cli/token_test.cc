// `secondment token add|revoke`: a token printed once and stored only as its hash.

#include "tests/cli/cli_fixture.h"

namespace secondment::testing {
namespace {

class TokenCliTest : public CliTest {
 protected:
  std::string tokens() const { return dir_.Sub("tokens"); }
  void ExpectFails(const std::string& args, int code, const std::string& message) {
    CliResult r = Cli(args);
    EXPECT_EQ(r.code, code) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << "\n" << r.err;
    EXPECT_EQ(Lines(r.err), 1u) << r.err;
    EXPECT_EQ(r.out, "");
  }
};

TEST_F(TokenCliTest, AddPrintsTheTokenOnceAndRevokeRemovesIt) {
  CliResult added =
      Cli("token add --tokens " + Quote(tokens()) + " --principal hr-ana --role hr --role auditor");
  ASSERT_EQ(added.code, 0) << added.err;
  ASSERT_EQ(Lines(added.out), 1u);
  std::string token = added.out.substr(0, added.out.size() - 1);
  EXPECT_EQ(token.substr(0, 3), "sl_");
  EXPECT_EQ(ReadFileText(tokens()).find(token), std::string::npos);
  EXPECT_NE(ReadFileText(tokens()).find("hr-ana hr,auditor"), std::string::npos);

  ExpectFails("token add --tokens " + Quote(tokens()) + " --principal hr-ana --role hr", 4,
              "already has a token");
  Ok("token revoke --tokens " + Quote(tokens()) + " --principal hr-ana");
  EXPECT_EQ(ReadFileText(tokens()).find("hr-ana"), std::string::npos);
  ExpectFails("token revoke --tokens " + Quote(tokens()) + " --principal hr-ana", 5,
              "no token for principal hr-ana");
}

TEST_F(TokenCliTest, BadInputIsRefusedAndWritesNothing) {
  Ok("token add --tokens " + Quote(tokens()) + " --principal p1 --role subscriber");
  std::string before = ReadFileText(tokens());
  ExpectFails("token add --tokens " + Quote(tokens()) + " --principal p2 --role wizard", 2,
              "unknown role 'wizard'");
  ExpectFails("token add --tokens " + Quote(tokens()) + " --principal p2", 2, "--role");
  ExpectFails("token add --tokens " + Quote(tokens()) + " --principal '../p' --role hr", 2,
              "principal");
  ExpectFails("token add --principal p2 --role hr", 2, "--tokens is required");
  ExpectFails("token frob --tokens " + Quote(tokens()) + " --principal p2", 2, "add or revoke");
  ExpectFails("token", 2, "add or revoke");
  ExpectFails("token revoke --tokens " + Quote(tokens()) + " --principal p1 --role hr", 2,
              "no --role");
  EXPECT_EQ(ReadFileText(tokens()), before);
  std::ofstream(dir_.Sub("broken"), std::ios::trunc) << "garbage line\n";
  ExpectFails("token add --tokens " + Quote(dir_.Sub("broken")) + " --principal p --role hr", 2,
              "line 1");
}

}  // namespace
}  // namespace secondment::testing
