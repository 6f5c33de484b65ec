// Drives build/bin/secondment as a user would: a fresh data dir per test, stdout and stderr
// apart, and the log head to prove that a refused command wrote nothing.

#ifndef SECONDMENT_TESTS_CLI_CLI_FIXTURE_H_
#define SECONDMENT_TESTS_CLI_CLI_FIXTURE_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/common/command.h"
#include "tests/ledger/test_util.h"

namespace secondment::testing {

// The number of lines in `text`.
inline size_t Lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

struct CliResult {
  int code = -1;
  std::string out, err;
};

class CliTest : public ::testing::Test {
 protected:
  // Every test starts with a new, empty ledger (only `init` creates one).
  void SetUp() override { Ok("init"); }

  std::string data() const { return dir_.Sub("ledger"); }

  // Runs `secondment --data DIR <args>`; `args` is shell text (quote what needs it).
  CliResult Cli(const std::string& args, const std::string& data_option = "") {
    std::string err_path = dir_.Sub("stderr.txt");
    std::string data_arg = data_option.empty() ? "--data " + Quote(data()) : data_option;
    auto outcome = RunCommand(std::string(SECONDMENT_BIN) + " " + data_arg + " " + args + " 2>" +
                              Quote(err_path) + " </dev/null");
    std::ifstream in(err_path);
    std::stringstream err;
    err << in.rdbuf();
    return {outcome.exit_code, outcome.output, err.str()};
  }

  // Runs a write command that must succeed; returns its stdout.
  std::string Ok(const std::string& args) {
    CliResult r = Cli(args);
    EXPECT_EQ(r.code, 0) << args << "\nstderr: " << r.err;
    return r.out;
  }

  // The number of events in the ledger (0 when there is none, or no ledger).
  size_t Head() {
    CliResult r = Cli("log --json");
    size_t lines = 0;
    for (char c : r.out) lines += c == '\n';
    return lines;
  }

  // The command fails with `code`, prints exactly one line on stderr containing `message`,
  // nothing on stdout, and writes nothing.
  void ExpectRefused(const std::string& args, int code, const std::string& message) {
    size_t head = Head();
    CliResult r = Cli(args);
    EXPECT_EQ(r.code, code) << args << "\nstderr: " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << "\nstderr: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.out, "") << args;
    EXPECT_EQ(Head(), head) << args << " wrote although refused";
  }

  // A proposal backfilled on 2026-01-05 (every date of these tests lies in the past, so they
  // keep their meaning whatever day they run on).
  static std::string Proposal(const std::string& extra = "") {
    return "--actor hr-1 --as hr propose --employee emp-1 --home-org 'Northfield College' "
           "--home-unit Teaching --home-manager mgr-home --host-org 'Northfield College' "
           "--host-unit Admissions --host-manager mgr-host --kind internal "
           "--role-title 'Recruitment lead' --start 2026-02-02 --end 2026-07-31 "
           "--date 2026-01-05 " +
           extra;
  }
  // The three approvals; the hr one by hr-2, since hr-1 proposed (four eyes). A placement's
  // are dated 2026-01-12 unless `date` says otherwise; other requests' today.
  void ApproveAll(const std::string& id, const std::string& scope = "placement",
                  std::string date = "") {
    if (date.empty() && scope == "placement") date = "2026-01-12";
    std::string dated = date.empty() ? "" : " --date " + date;
    Ok("--actor mgr-home --as home_manager approve " + id + " --scope " + scope + dated);
    Ok("--actor mgr-host --as host_manager approve " + id + " --scope " + scope + dated);
    Ok("--actor hr-2 --as hr approve " + id + " --scope " + scope + dated);
  }
  // Proposed with id `id`, approved, signed and started on 2026-02-02.
  void Active(const std::string& id) {
    Ok(Proposal("--id " + id));
    ApproveAll(id);
    Ok("--actor hr-1 --as hr sign " + id + " --agreement AGR-" + id + " --date 2026-01-20");
    Ok("--actor hr-1 --as hr start " + id + " --date 2026-02-02");
  }

  TempDir dir_;
};

}  // namespace secondment::testing

#endif  // SECONDMENT_TESTS_CLI_CLI_FIXTURE_H_
