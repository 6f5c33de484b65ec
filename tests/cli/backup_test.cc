// `secondment backup` and `restore`: the restored ledger verifies and answers every query as
// the original did; restoring over a ledger is refused.

#include "tests/cli/cli_fixture.h"

namespace secondment::testing {
namespace {

class BackupCliTest : public CliTest {};

TEST_F(BackupCliTest, ARestoredLedgerVerifiesAndGivesIdenticalProjections) {
  Active("SEC-1");
  Ok("--actor hr-1 --as hr propose --id SEC-2 --employee emp-2 --home-org Org --home-unit U "
     "--home-manager mgr-home --host-org Org --host-unit V --host-manager mgr-host "
     "--kind internal --role-title Analyst --start 2026-03-01 --end 2026-09-30");
  CliResult backed = Cli("backup --to " + Quote(dir_.Sub("backup")));
  ASSERT_EQ(backed.code, 0) << backed.err;
  EXPECT_NE(backed.out.find("backed up 10 events"), std::string::npos) << backed.out;
  std::string restored = "--data " + Quote(dir_.Sub("restored"));
  CliResult r = Cli("restore --from " + Quote(dir_.Sub("backup")), restored);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("restored 10 events"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("verified"), std::string::npos);
  for (const char* query :
       {"status --csv", "placements --csv", "history SEC-1", "log --json", "show SEC-2"}) {
    EXPECT_EQ(Cli(query).out, Cli(query, restored).out) << query;
  }
}

TEST_F(BackupCliTest, RefusalsExitWithTheirStatus) {
  Active("SEC-1");
  Ok("backup --to " + Quote(dir_.Sub("backup")));
  CliResult over = Cli("restore --from " + Quote(dir_.Sub("backup")));
  EXPECT_EQ(over.code, 2);
  EXPECT_NE(over.err.find("restoring over a ledger is refused"), std::string::npos) << over.err;
  CliResult nothing =
      Cli("restore --from " + Quote(dir_.Sub("nothing")), "--data " + Quote(dir_.Sub("new")));
  EXPECT_EQ(nothing.code, 5) << nothing.err;
  EXPECT_EQ(Cli("backup").code, 2);
  EXPECT_EQ(Cli("restore", "--data " + Quote(dir_.Sub("new2"))).code, 2);
  CliResult no_ledger =
      Cli("backup --to " + Quote(dir_.Sub("b2")), "--data " + Quote(dir_.Sub("missing")));
  EXPECT_EQ(no_ledger.code, 2) << no_ledger.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("missing")));
}

}  // namespace
}  // namespace secondment::testing
