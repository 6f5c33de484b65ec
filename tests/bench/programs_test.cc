// The benchmark and demo programs run, print what they promise, and refuse bad arguments.
// (Their figures are not judged here: benchmarks never fail CI for being slow.)

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>

#include "tests/common/command.h"

namespace {

using secondment::testing::CommandOutcome;
using secondment::testing::RunCommand;

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid())))
      .string();
}

TEST(LedgerBenchTest, PrintsOneJsonObjectWithEveryKey) {
  std::string dir = TempPath("bench-smoke");
  CommandOutcome out =
      RunCommand(std::string(LEDGER_BENCH) + " --json --runs 1 --events 3000 --prefix 400 --dir " +
                 dir + " 2>/dev/null");
  ASSERT_EQ(out.exit_code, 0) << out.output;
  ASSERT_EQ(std::count(out.output.begin(), out.output.end(), '\n'), 1) << out.output;
  for (const char* key : {"append_1w_eps",
                          "append_4w_eps",
                          "append_16w_eps",
                          "append_batch100_eps",
                          "replay_eps",
                          "replay_unsealed_eps",
                          "replay_sealed_vs_unsealed",
                          "append_16w_unsealed_eps",
                          "append_16w_sealed_vs_unsealed",
                          "stream_read_p50_us",
                          "stream_read_p99_us",
                          "bytes_per_event",
                          "raw_append_1w_eps",
                          "raw_append_16w_eps",
                          "raw_append_batch100_eps",
                          "rebuild_eps",
                          "placements_query_p99_us",
                          "as_of_replay_s",
                          "verify_eps",
                          "prove_us",
                          "prove_p99_us",
                          "subscribe_catchup_eps",
                          "relay_eps",
                          "rpc_append_p50_us",
                          "rpc_append_p99_us",
                          "rpc_append_1s_eps",
                          "rpc_append_16s_eps",
                          "feed_lag_p99_ms"}) {
    std::regex number(std::string("\"") + key + "\":[0-9]+(\\.[0-9]+)?[,}]");
    EXPECT_TRUE(std::regex_search(out.output, number)) << key << " in " << out.output;
  }
  EXPECT_NE(out.output.find("\"events\":3000"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir));
}

// The peers (bench/peers) run the same phases and give their figures and the ledger's ratios
// to them. SQLite is always here; PostgreSQL only where a server is installed (scripts/bench
// installs one; CI does not), and then the bench must also stop and remove its cluster.
TEST(LedgerBenchTest, PeersGiveTheirFiguresAndTheLedgersRatios) {
  std::string dir = TempPath("bench-peers");
  std::vector<std::string> peers = {"sqlite"};
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    if (std::filesystem::exists(entry.path() / "bin/initdb")) peers = {"sqlite", "pg"};
  }
  CommandOutcome out = RunCommand(
      std::string(LEDGER_BENCH) + " --json --runs 1 --events 2000 --prefix 200 --peers " +
      (peers.size() == 2 ? "sqlite,pg" : "sqlite") + " --dir " + dir + " 2>/dev/null");
  ASSERT_EQ(out.exit_code, 0) << out.output;
  for (const std::string& peer : peers) {
    for (const char* key :
         {"append_1w_eps", "append_4w_eps", "append_16w_eps", "append_batch100_eps", "replay_eps",
          "stream_read_p50_us", "stream_read_p99_us", "bytes_per_event"}) {
      for (const std::string& name : {peer + "_" + key, std::string(key) + "_vs_" + peer}) {
        std::regex number("\"" + name + "\":[0-9]+(\\.[0-9]+)?[,}]");
        EXPECT_TRUE(std::regex_search(out.output, number)) << name << " in " << out.output;
      }
    }
    EXPECT_NE(out.output.find("\"replay_projection_eps_vs_" + peer + "\":"), std::string::npos);
  }
  if (peers.size() == 1) EXPECT_EQ(out.output.find("_vs_pg"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir));  // the cluster stopped and removed with it

  CommandOutcome bad = RunCommand(std::string(LEDGER_BENCH) + " --peers mysql 2>&1");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("--peers takes sqlite, pg or sqlite,pg, got 'mysql'"),
            std::string::npos)
      << bad.output;
}

TEST(LedgerBenchTest, RefusesBadArguments) {
  EXPECT_EQ(RunCommand(std::string(LEDGER_BENCH) + " --events 0 2>&1").exit_code, 2);
  EXPECT_EQ(RunCommand(std::string(LEDGER_BENCH) + " --events -5 2>&1").exit_code, 2);
  EXPECT_EQ(RunCommand(std::string(LEDGER_BENCH) + " --runs 99999999999999999999 2>&1").exit_code,
            2);
  CommandOutcome unknown = RunCommand(std::string(LEDGER_BENCH) + " --frobnicate 2>&1");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("unknown argument '--frobnicate'"), std::string::npos);
}

TEST(LedgerDemoTest, RunsEndToEndOnAFreshLedger) {
  std::string dir = TempPath("demo-smoke");
  std::filesystem::remove_all(dir);
  CommandOutcome out =
      RunCommand(std::string(LEDGER_DEMO) + " --streams 200 --data " + dir + " 2>&1");
  std::filesystem::remove_all(dir);
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find("recognised as a retry"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("is refused:\n   Conflict: stream secondment-"), std::string::npos)
      << out.output;
  EXPECT_NE(out.output.find("secondment-new exists: no"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("check against the workload: as expected"), std::string::npos)
      << out.output;
  EXPECT_NE(out.output.find("closed and reopened"), std::string::npos);
}

TEST(LedgerDemoTest, RefusesMissingOrBadArguments) {
  EXPECT_EQ(RunCommand(std::string(LEDGER_DEMO) + " 2>&1").exit_code, 2);
  EXPECT_EQ(RunCommand(std::string(LEDGER_DEMO) + " --data 2>&1").exit_code, 2);
  EXPECT_EQ(RunCommand(std::string(LEDGER_DEMO) + " --data /tmp/x --streams abc 2>&1").exit_code,
            2);
  CommandOutcome on_root = RunCommand(std::string(LEDGER_DEMO) + " --data / 2>&1");
  EXPECT_EQ(on_root.exit_code, 2);
  EXPECT_NE(on_root.output.find("holds no ledger"), std::string::npos) << on_root.output;
}

}  // namespace
