// `secondment log --follow` as another process would use it: history then live events from
// other commands, a clean stop on SIGTERM and on a closed pipe, and a named consumer killed
// with SIGKILL that resumes with nothing missing.

#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include "tests/cli/cli_fixture.h"

namespace secondment::testing {
namespace {

class FollowTest : public CliTest {
 protected:
  std::string Follow(const std::string& extra, const std::string& out) {
    return std::string(SECONDMENT_BIN) + " --data " + Quote(data()) + " log --follow " + extra +
           " > " + Quote(out) + " 2>" + Quote(dir_.Sub("follow-err.txt"));
  }
  // The positions printed so far, in order.
  static std::vector<Position> Positions(const std::string& path) {
    std::ifstream in(path);
    std::vector<Position> out;
    std::string line;
    std::regex position("^\\{\"position\":([0-9]+),");
    while (std::getline(in, line)) {
      std::smatch m;
      if (std::regex_search(line, m, position)) out.push_back(std::stoull(m[1]));
    }
    return out;
  }
  void Propose(int i) {
    Ok(
        fmt::format("--actor hr-1 --as hr propose --id SEC-F{} --employee emp-f{} --home-org Org "
                    "--home-unit U --home-manager mh --host-org Org --host-unit V "
                    "--host-manager mv --kind internal --role-title Analyst --start 2026-03-01 "
                    "--end 2026-09-30",
                    i, i));
  }
};

TEST_F(FollowTest, HistoryThenLiveEventsUntilSigterm) {
  for (int i = 0; i < 3; ++i) Propose(i);  // 6 events: each proposal also claims the period
  std::string out = dir_.Sub("out.txt");
  BackgroundCommand follower(Follow("", out));
  ASSERT_TRUE(WaitUntil([&] { return Positions(out).size() == 6; }))
      << ReadFileText(out) << "\nstderr: " << ReadFileText(dir_.Sub("follow-err.txt"));
  for (int i = 3; i < 6; ++i) Propose(i);  // written by other processes while it follows
  ASSERT_TRUE(WaitUntil([&] { return Positions(out).size() == 12; }))
      << Positions(out).size() << "\nstderr: " << ReadFileText(dir_.Sub("follow-err.txt"));
  follower.Signal(SIGTERM);
  EXPECT_EQ(follower.Wait(), 0);
  std::vector<Position> got = Positions(out);
  ASSERT_EQ(got.size(), 12u);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], i + 1);
}

TEST_F(FollowTest, TypesFilterAndAClosedPipeEndsThePipeline) {
  for (int i = 0; i < 4; ++i) Propose(i);
  auto start = std::chrono::steady_clock::now();
  CommandOutcome piped =
      RunCommand("bash -c " + Quote(std::string(SECONDMENT_BIN) + " --data " + Quote(data()) +
                                    " log --follow --type proposed | head -n 2; "
                                    "echo \"status ${PIPESTATUS[0]}\""));
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 10.0);
  EXPECT_EQ(Lines(piped.output), 3u) << piped.output;
  EXPECT_NE(piped.output.find("\"type\":\"proposed\""), std::string::npos);
  EXPECT_EQ(piped.output.find("periodClaimed"), std::string::npos) << piped.output;
  EXPECT_NE(piped.output.find("status 0"), std::string::npos) << piped.output;
}

TEST_F(FollowTest, AConsumerKilledWithSigkillResumesWithNothingMissing) {
  for (int i = 0; i < 10; ++i) Propose(i);
  std::string first = dir_.Sub("first.txt"), second = dir_.Sub("second.txt");
  {
    BackgroundCommand follower(Follow("--consumer payroll", first));
    ASSERT_TRUE(WaitUntil([&] { return Positions(first).size() == 20; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // an acknowledgement or two
    for (int i = 10; i < 15; ++i) Propose(i);
    follower.Signal(SIGKILL);  // wherever it is
    follower.Wait();
  }
  for (int i = 15; i < 20; ++i) Propose(i);
  BackgroundCommand resumed(Follow("--consumer payroll", second));
  ASSERT_TRUE(WaitUntil([&] {
    auto got = Positions(second);
    return !got.empty() && got.back() == 40;
  }));
  resumed.Signal(SIGTERM);
  EXPECT_EQ(resumed.Wait(), 0);
  std::vector<Position> a = Positions(first), b = Positions(second);
  ASSERT_FALSE(b.empty());
  // It resumes right after an acknowledgement the first run made, so at most a redelivery.
  EXPECT_LE(b.front(), a.back() + 1);
  EXPECT_GT(b.front(), 1u);
  std::set<Position> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  EXPECT_EQ(all.size(), 40u);
  EXPECT_EQ(*all.rbegin(), 40u);
  for (size_t i = 1; i < b.size(); ++i) EXPECT_EQ(b[i], b[i - 1] + 1);
  // A third run picks up exactly where the clean stop acknowledged.
  CliResult again = Cli("log --follow --consumer payroll --type noSuch");
  EXPECT_EQ(again.code, 2);
}

TEST_F(FollowTest, BadFollowOptionsAreRefused) {
  Propose(0);
  for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
           {"log --follow --type nosuchType", "unknown event type 'nosuchType'"},
           {"log --follow --consumer ../etc", "consumer name"},
           {"log --follow --consumer ''", "consumer name"},
           {"log --follow --limit 3", "--follow"},
           {"log --follow --csv", "--follow"},
           {"log --follow --from 0", "--from"},
           {"log --type started", "go with --follow"},
           {"log --consumer payroll", "go with --follow"}}) {
    CliResult r = Cli(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << "\n" << r.err;
    EXPECT_EQ(Lines(r.err), 1u) << r.err;
  }
  CliResult none = Cli("log --follow", "--data " + Quote(dir_.Sub("nothing")));
  EXPECT_EQ(none.code, 2) << none.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("nothing")));
}

}  // namespace
}  // namespace secondment::testing
