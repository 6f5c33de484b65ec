// A ledger written before personal data was encrypted (tests/data/ledger-v1, README there):
// today's code opens it, reads it, verifies it and appends to it, and the checkpoint and the
// history proof made then still verify.

#include <filesystem>

#include "tests/cli/cli_fixture.h"

namespace secondment::testing {
namespace {

class OldFormatTest : public CliTest {
 protected:
  void SetUp() override {
    std::filesystem::copy(Kept("ledger"), data(), std::filesystem::copy_options::recursive);
  }
  static std::string Kept(const std::string& name) {
    return std::string(SOURCE_DIR) + "/tests/data/ledger-v1/" + name;
  }
};

TEST_F(OldFormatTest, AnOldLedgerOpensReadsVerifiesAndTakesNewSteps) {
  std::string verified = Ok("verify --pubkey " + Quote(Kept("auditor.key.pub")) + " --checkpoint " +
                            Quote(Kept("checkpoint.txt")));
  EXPECT_NE(verified.find("verified 59 events"), std::string::npos) << verified;
  std::string status = Ok("status");
  EXPECT_NE(status.find("SEC-OLD-1"), std::string::npos) << status;
  EXPECT_NE(status.find("SEC-2025-010"), std::string::npos) << status;
  std::string history = Ok("history SEC-OLD-1 --json");
  EXPECT_EQ(Lines(history), 8u) << history;
  EXPECT_NE(history.find("E-3001 rewrote the volunteer contracts"), std::string::npos);
  std::string proof = Ok("verify-proof " + Quote(Kept("SEC-OLD-1.proof.json")) + " --pubkey " +
                         Quote(Kept("auditor.key.pub")));
  EXPECT_NE(proof.find("verified"), std::string::npos) << proof;

  Ok("--actor mgr-rc --as host_manager feedback SEC-OLD-1 --rating 5 --text 'still helping' "
     "--date 2026-07-31");
  Ok("import " + Quote(std::string(SOURCE_DIR) + "/docs/examples/import.jsonl"));  // all there
  EXPECT_EQ(Head(), 60u);
  verified = Ok("verify --pubkey " + Quote(Kept("auditor.key.pub")) + " --checkpoint " +
                Quote(Kept("checkpoint.txt")));
  EXPECT_NE(verified.find("verified 60 events"), std::string::npos) << verified;
  EXPECT_EQ(Cli("verify-proof " + Quote(Kept("SEC-OLD-1.proof.json")) + " --pubkey " +
                Quote(Kept("auditor.key.pub")))
                .code,
            0);
}

// Its events hold E-3001's data in clear: forget removes what it can (keys, projections) and
// says in one line what stays and where; every proof made before still verifies.
TEST_F(OldFormatTest, ForgettingSomeoneOfTheOldFormatSaysWhatStaysInClear) {
  Ok("--actor hr-ana --as hr forget E-3001 --reason 'retention ended'");
  std::string erased = Ok("--actor hr-ben --as hr forget E-3001 --approve");
  EXPECT_NE(erased.find("erased the personal data of E-3001"), std::string::npos) << erased;
  EXPECT_NE(erased.find("not erased: "), std::string::npos) << erased;
  EXPECT_NE(erased.find("written before sealing existed still hold E-3001's data in clear"),
            std::string::npos)
      << erased;
  EXPECT_NE(erased.find("stream employee-E-3001"), std::string::npos) << erased;
  EXPECT_EQ(Lines(erased), 2u) << erased;

  for (const std::string& read : {std::string("status --json"), std::string("show SEC-OLD-1"),
                                  std::string("history SEC-OLD-1 --json")}) {
    std::string out = Ok(read);
    EXPECT_EQ(out.find("E-3001"), std::string::npos) << read << ":\n" << out;
    EXPECT_EQ(out.find("rewrote the volunteer contracts"), std::string::npos) << read;
  }
  std::string verified = Ok("verify --pubkey " + Quote(Kept("auditor.key.pub")) + " --checkpoint " +
                            Quote(Kept("checkpoint.txt")));
  EXPECT_NE(verified.find("verified 61 events"), std::string::npos) << verified;
  Ok("verify-proof " + Quote(Kept("SEC-OLD-1.proof.json")) + " --pubkey " +
     Quote(Kept("auditor.key.pub")));
}

}  // namespace
}  // namespace secondment::testing
