// The `secondment` binary, end to end: every command, its JSON, its exit statuses.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "ledger/log/event_log.h"
#include "tests/cli/cli_fixture.h"

namespace secondment {
namespace {

using testing::CliResult;
using testing::CliTest;
using testing::Lines;
using testing::Quote;

TEST_F(CliTest, ProposePrintsAGeneratedReadableId) {
  std::string id = Ok(Proposal());
  EXPECT_TRUE(std::regex_match(id, std::regex("SEC-[0-9]{6,}\n"))) << id;
  CliResult json = Cli(Proposal("--id SEC-TEACH-2 --employee emp-2 --json")
                           .replace(Proposal().find("--employee emp-1"), 16, ""));
  EXPECT_EQ(json.code, 0) << json.err;
  EXPECT_EQ(json.out.rfind("{\"id\":\"SEC-TEACH-2\",\"state\":\"proposed\",\"positions\":[", 0), 0u)
      << json.out;
}

TEST_F(CliTest, AWholeLifecycleThroughEveryCommand) {
  Active("SEC-1");
  Ok("--actor mgr-home --as home_manager handover SEC-1 --direction outbound --from emp-1 --to "
     "emp-9 --duty 'Year 12 classes' --duty 'Open day' --notes 'cover agreed'");
  Ok("--actor mgr-host --as host_manager feedback SEC-1 --rating 5 --text 'Applications up 20%' "
     "--date 2026-05-04");
  Ok("--actor hr-1 --as hr request-extension SEC-1 --until 2026-10-31 --rationale 'next intake' "
     "--date 2026-06-15");
  ApproveAll("SEC-1", "extension", "2026-06-22");

  CliResult show = Cli("show SEC-1 --json");
  ASSERT_EQ(show.code, 0) << show.err;
  EXPECT_EQ(Lines(show.out), 1u);
  for (const char* field :
       {"\"id\":\"SEC-1\"", "\"state\":\"active\"", "\"employeeId\":\"emp-1\"",
        "\"homeOrg\":\"Northfield College\"", "\"homeUnit\":\"Teaching\"",
        "\"hostOrg\":\"Northfield College\"", "\"hostUnit\":\"Admissions\"",
        "\"plannedStart\":\"2026-02-02\"", "\"plannedEnd\":\"2026-10-31\"",
        "\"actualStart\":\"2026-02-02\"", "\"kind\":\"internal\"", "\"feedbackCount\":1"}) {
    EXPECT_NE(show.out.find(field), std::string::npos) << field << " in " << show.out;
  }

  Ok("--actor hr-1 --as hr return SEC-1 --date 2026-09-30 --reason 'intake closed' --position "
     "substantive");
  CliResult history = Cli("history SEC-1 --json");
  ASSERT_EQ(history.code, 0);
  // proposed, 3 approvals, signed, started, handover, feedback, extension requested,
  // 3 approvals, extended, returned
  EXPECT_EQ(Lines(history.out), 14u) << history.out;
  EXPECT_NE(history.out.find("\"type\":\"extended\""), std::string::npos);
  EXPECT_NE(history.out.find("\"type\":\"returned\",\"payload\":{\"returnDate\":\"2026-09-30\""),
            std::string::npos)
      << history.out;
  EXPECT_NE(history.out.find("\"actor\":\"mgr-host\",\"role\":\"host_manager\""),
            std::string::npos);
  EXPECT_NE(Cli("show SEC-1").out.find("SEC-1  returned"), std::string::npos);
  // Text history carries every payload field too.
  EXPECT_NE(Cli("history SEC-1").out.find("\"duties\":[\"Year 12 classes\",\"Open day\"]"),
            std::string::npos);

  CliResult log = Cli("log --from 2 --limit 3 --json");
  EXPECT_EQ(Lines(log.out), 3u);
  EXPECT_EQ(log.out.rfind("{\"position\":2,", 0), 0u) << log.out;
  EXPECT_EQ(Lines(Cli("log").out), Head());
}

TEST_F(CliTest, ConversionRefusalAndWithdrawal) {
  Active("SEC-1");
  ExpectRefused(
      "--actor hr-1 --as hr propose-conversion SEC-1 --effective 2026-06-01 --new-role "
      "'Admissions officer'",
      3, "cannot convert SEC-1: no feedback recorded");
  Ok("--actor emp-1 --as secondee feedback SEC-1 --text 'I want to stay' --date 2026-04-01");
  Ok("--actor hr-1 --as hr propose-conversion SEC-1 --effective 2026-06-01 --new-role "
     "'Admissions officer' --recruitment-ref REQ-1 --date 2026-04-15");
  ApproveAll("SEC-1", "conversion", "2026-04-20");
  EXPECT_NE(Cli("show SEC-1 --json").out.find("\"state\":\"converted\""), std::string::npos);

  Ok(Proposal("--id SEC-2 --employee emp-2").replace(Proposal().find("--employee emp-1"), 16, ""));
  Ok("--actor mgr-host --as host_manager refuse SEC-2 --scope placement --reason 'no budget'");
  EXPECT_NE(Cli("show SEC-2 --json").out.find("\"state\":\"rejected\""), std::string::npos);

  Ok(Proposal("--id SEC-3 --employee emp-3").replace(Proposal().find("--employee emp-1"), 16, ""));
  Ok("--actor hr-1 --as hr withdraw SEC-3 --reason 'host reorganised'");
  EXPECT_NE(Cli("show SEC-3 --json").out.find("\"state\":\"withdrawn\""), std::string::npos);
}

TEST_F(CliTest, ProposeFromAJsonFile) {
  std::string file = dir_.Sub("proposal.json");
  std::ofstream(file) << R"({"id":"SEC-CAR-1","employee":"eng-7","homeOrg":"Velocar",
    "homeUnit":"Powertrain","homeManager":"mgr-v","hostOrg":"Codeworks","hostUnit":"Autonomy",
    "hostManager":"mgr-c","kind":"external","roleTitle":"Integration engineer",
    "start":"2026-03-02","end":"2026-12-18","fte":80,"country":"DE","cost":"host_reimburses",
    "objectives":["Integrate the perception stack","Train two engineers"]})";
  EXPECT_EQ(Ok("--actor hr-1 --as hr propose --file " + Quote(file)), "SEC-CAR-1\n");
  CliResult show = Cli("show SEC-CAR-1 --json");
  EXPECT_NE(show.out.find("\"ftePercent\":80"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("\"cost\":\"host_reimburses\""), std::string::npos);

  // The option names work as field names too, as does snake_case.
  std::string kebab = dir_.Sub("kebab.json");
  std::ofstream(kebab) << R"({"id":"SEC-CAR-2","employee":"eng-8","home-org":"Velocar",
    "home_unit":"Powertrain","home-manager":"mgr-v","host-org":"Codeworks","host-unit":"Autonomy",
    "host-manager":"mgr-c","kind":"external","role-title":"Integration engineer",
    "start":"2027-03-01","end":"2027-06-30","objective":"Port the planner"})";
  EXPECT_EQ(Ok("--actor hr-1 --as hr propose --file " + Quote(kebab)), "SEC-CAR-2\n");
  EXPECT_NE(Cli("show SEC-CAR-2 --json").out.find("\"objectives\":[\"Port the planner\"]"),
            std::string::npos);

  // \u escapes, as tools that write ASCII-only JSON (Python's json.dumps) spell non-ASCII
  // text, arrive as the characters they stand for, in either case of hex digit.
  std::string escaped = dir_.Sub("escaped.json");
  std::ofstream(escaped) << R"({"id":"SEC-CAR-3","employee":"eng-9","homeOrg":"Velocar",
    "homeUnit":"Powertrain","homeManager":"mgr-v","hostOrg":"Soci\u00e9t\u00C9 \ud83d\ude97",
    "hostUnit":"R\u0026D","hostManager":"mgr-c","kind":"external","roleTitle":"Ing\u00e9nieur",
    "start":"2027-08-02","end":"2027-12-17"})";
  EXPECT_EQ(Ok("--actor hr-1 --as hr propose --file " + Quote(escaped)), "SEC-CAR-3\n");
  CliResult escaped_show = Cli("show SEC-CAR-3 --json");
  EXPECT_NE(escaped_show.out.find("Soci\u00e9t\u00c9 \U0001F697"), std::string::npos)
      << escaped_show.out;
  EXPECT_NE(escaped_show.out.find("\"Ing\u00e9nieur\""), std::string::npos);
  EXPECT_NE(escaped_show.out.find("\"R&D\""), std::string::npos);

  std::ofstream(dir_.Sub("bad.json")) << R"({"employee":"x", "salary": 5})";
  ExpectRefused("--actor hr-1 --as hr propose --file " + Quote(dir_.Sub("bad.json")), 2,
                "unknown field 'salary'");
  std::ofstream(dir_.Sub("broken.json")) << R"({"employee": "x",)";
  ExpectRefused("--actor hr-1 --as hr propose --file " + Quote(dir_.Sub("broken.json")), 2,
                "is not valid JSON");
  ExpectRefused("--actor hr-1 --as hr propose --file /nonexistent.json", 2,
                "cannot read /nonexistent.json");
  ExpectRefused("--actor hr-1 --as hr propose --file " + Quote(file) + " --kind client", 2,
                "--file cannot be combined with --kind");
}

TEST_F(CliTest, ExitStatusesFollowTheDesign) {
  Ok(Proposal("--id SEC-1"));
  ExpectRefused("--actor hr-1 --as hr start SEC-1 --date 2026-02-30", 2,
                "invalid date '2026-02-30' for --date: 2026-02 has 28 days");
  ExpectRefused("--actor hr-1 --as hr start SEC-1 --date 2026-02-02", 3,
                "cannot start SEC-1: not approved yet");
  ExpectRefused(Proposal("--id SEC-1"), 4, "secondment SEC-1 already exists");
  ExpectRefused("--actor hr-1 --as hr start SEC-999 --date 2026-02-02", 5, "no secondment SEC-999");
  ExpectRefused("show SEC-999", 5, "no secondment SEC-999");
  ExpectRefused("history SEC-999", 5, "no secondment SEC-999");
}

TEST_F(CliTest, ALockedLedgerIsExitSeven) {
  Ok(Proposal("--id SEC-1"));
  auto holder = EventLog::Open(data(), Options{});
  ASSERT_TRUE(holder.ok());
  CliResult r = Cli("--actor hr-1 --as hr withdraw SEC-1 --reason x");
  EXPECT_EQ(r.code, 7);
  EXPECT_EQ(r.err, "ledger at " + data() +
                       " is locked by another process; if `secondment serve` holds it, send "
                       "writes through it with --connect HOST:PORT --token T\n");
  EXPECT_EQ(Cli("show SEC-1").code, 0) << "reads work beside a writer";
}

TEST_F(CliTest, ADamagedLedgerIsExitSix) {
  Ok(Proposal("--id SEC-1"));
  std::ofstream(dir_.Sub("ledger/CURRENT"), std::ios::trunc) << "MANIFEST-999999\n";
  EXPECT_EQ(Cli("show SEC-1").code, 6);
  EXPECT_EQ(Cli("--actor hr-1 --as hr withdraw SEC-1 --reason x").code, 6);
}

TEST_F(CliTest, BadInputIsRefusedWithOneLineAndNothingWritten) {
  Ok(Proposal("--id SEC-1"));
  ExpectRefused("--as hr withdraw SEC-1 --reason x", 2, "--actor is required for withdraw");
  ExpectRefused("--actor hr-1 withdraw SEC-1 --reason x", 2, "--as is required for withdraw");
  ExpectRefused("--actor hr-1 --as boss withdraw SEC-1 --reason x", 2,
                "unknown value 'boss' for --as; expected one of: hr, home_manager, host_manager, "
                "secondee, exception");
  ExpectRefused("--actor hr-1 --as hr withdraw SEC-1 --reason x --frobnicate", 2,
                "unknown option --frobnicate for withdraw");
  ExpectRefused("--actor hr-1 --as hr withdraw SEC-1", 2, "--reason is required for withdraw");
  ExpectRefused("--actor hr-1 --as hr withdraw SEC-1 --reason", 2, "--reason needs a value");
  ExpectRefused("--actor hr-1 --as hr frobnicate SEC-1", 2, "unknown command 'frobnicate'");
  std::string secret_kind = Proposal();
  secret_kind.replace(secret_kind.find("--kind internal"), 15, "--kind secret");
  ExpectRefused(secret_kind, 2, "unknown value 'secret' for --kind");
  ExpectRefused(Proposal("--end 2026-01-01").replace(Proposal().find("--end 2026-07-31"), 16, ""),
                2, "end date 2026-01-01 is not after start date 2026-02-02");
  ExpectRefused(Proposal("--fte 0"), 2, "--fte takes a whole number from 1 to 100, got '0'");
  ExpectRefused(Proposal("--fte 99999999999999999999"), 2, "--fte takes a whole number");
  ExpectRefused("--actor hr-1 --as hr approve SEC-1 --scope everything", 2,
                "unknown value 'everything' for --scope");
  ExpectRefused("--actor hr-1 --as hr feedback SEC-1 --rating 9 --text x", 2,
                "--rating takes a whole number from 1 to 5, got '9'");
  ExpectRefused("--actor hr-1 --as hr start SEC-1 --date 0000-00-00", 2, "invalid date");
  ExpectRefused("--actor hr-1 --as hr start SEC-1 --date 2026-13-01", 2, "month must be 01 to 12");
  ExpectRefused("--actor hr-1 --as hr start SEC-1 --date 2025-02-29", 2, "2025-02 has 28 days");
  ExpectRefused("--actor hr-1 --as hr start 'SEC-1/../x' --date 2026-02-02", 2,
                "secondment id may hold only letters, digits");
  ExpectRefused("--actor hr-1 --as hr start 'SEC;rm -rf /' --date 2026-02-02", 2,
                "secondment id may hold only letters, digits");
  ExpectRefused("--actor hr-1 --as hr start " + std::string(65, 'S') + " --date 2026-02-02", 2,
                "secondment id is 65 characters; the limit is 64");
  ExpectRefused("--actor 'hr 1' --as hr withdraw SEC-1 --reason x", 2, "actor id may hold only");
  ExpectRefused("--actor hr-1 --as hr withdraw SEC-1 --reason " + Quote("line\nbreak"), 2,
                "reason contains a control character");
  ExpectRefused("--actor hr-1 --as hr withdraw SEC-1 --reason " + Quote(std::string(5000, 'x')), 2,
                "reason is 5000 bytes; the limit is 2000");
  ExpectRefused("--actor hr-1 --as hr withdraw SEC-1 --reason " + Quote("caf\xc3"), 2,
                "reason is not valid UTF-8");
  ExpectRefused("--actor hr-1 --as hr withdraw SEC-1 SEC-2 --reason x", 2,
                "withdraw takes one secondment id; unexpected 'SEC-2'");
  ExpectRefused("", 2, "no command given");
}

TEST_F(CliTest, DataThatIsNotALedgerDirectoryIsRefused) {
  std::string file = dir_.Sub("file");
  std::ofstream(file) << "x";
  CliResult on_file = Cli(Proposal(), "--data " + Quote(file));
  EXPECT_EQ(on_file.code, 2);
  EXPECT_EQ(on_file.err, "ledger path " + file + " is not a directory\n");
  CliResult on_root = Cli(Proposal(), "--data /");
  EXPECT_EQ(on_root.code, 2);
  EXPECT_EQ(on_root.err,
            "no ledger at /: it holds other files; create one in a new directory with secondment "
            "init\n");
}

// Only `init` creates a ledger: every other command on a directory without one exits 2 with one
// line, prints nothing and creates nothing, whether the directory is missing, empty, or holds
// something else.
TEST_F(CliTest, OnlyInitCreatesALedger) {
  std::string empty = dir_.Sub("empty");
  std::filesystem::create_directories(empty);
  std::string other = dir_.Sub("other");
  std::filesystem::create_directories(other);
  std::ofstream(other + "/notes.txt") << "not a ledger";
  Ok("keygen --out " + Quote(dir_.Sub("key")));
  // (serve checks its options first, then the ledger: give it good ones.)
  Ok("token add --tokens " + Quote(dir_.Sub("tokens")) + " --principal hr-1 --role hr");
  const std::vector<std::string> commands = {
      Proposal(),
      "--actor hr-1 --as hr withdraw SEC-1 --reason x",
      "--actor mgr-home --as home_manager approve SEC-1 --scope placement",
      "show SEC-1",
      "history SEC-1",
      "history --employee emp-1",
      "log",
      "log --follow",
      "placements",
      "status",
      "alerts",
      "rebuild",
      "tree-head",
      "verify",
      "checkpoint --key " + Quote(dir_.Sub("key")),
      "audit-bundle --out " + Quote(dir_.Sub("bundle")),
      "backup --to " + Quote(dir_.Sub("backup")),
      "relay --nats nats://127.0.0.1:1",
      "serve --listen 127.0.0.1:0 --tokens " + Quote(dir_.Sub("tokens"))};
  for (const std::string& command : commands) {
    for (const std::string& where : {dir_.Sub("missing"), empty, other}) {
      CliResult r = Cli(command, "--data " + Quote(where));
      EXPECT_EQ(r.code, 2) << command << " on " << where << "\n" << r.err;
      EXPECT_EQ(r.err.rfind("no ledger at " + where, 0), 0u) << command << "\n" << r.err;
      EXPECT_NE(r.err.find("create one"), std::string::npos) << r.err;
      EXPECT_EQ(Lines(r.err), 1u) << r.err;
      EXPECT_EQ(r.out, "") << command;
    }
    EXPECT_FALSE(std::filesystem::exists(dir_.Sub("missing"))) << command;
    EXPECT_TRUE(std::filesystem::is_empty(empty)) << command;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("bundle")));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("backup")));
  CliResult etc = Cli("placements", "--data /etc");
  EXPECT_EQ(etc.code, 2);
  EXPECT_EQ(etc.out, "");
}

TEST_F(CliTest, InitCreatesOnceAndNeverOverAnything) {
  std::string fresh = dir_.Sub("fresh");
  CliResult created = Cli("--json init", "--data " + Quote(fresh));
  ASSERT_EQ(created.code, 0) << created.err;
  EXPECT_EQ(created.out.rfind("{\"ledger\":\"", 0), 0u) << created.out;
  EXPECT_EQ(Cli("log", "--data " + Quote(fresh)).code, 0);
  CliResult again = Cli("init", "--data " + Quote(fresh));
  EXPECT_EQ(again.code, 4);
  EXPECT_EQ(again.err.rfind("a ledger already exists at " + fresh, 0), 0u) << again.err;
  std::string other = dir_.Sub("other");
  std::filesystem::create_directories(other);
  std::ofstream(other + "/notes.txt") << "not a ledger";
  CliResult over = Cli("init", "--data " + Quote(other));
  EXPECT_EQ(over.code, 2);
  EXPECT_NE(over.err.find("non-empty directory"), std::string::npos) << over.err;
  EXPECT_EQ(Cli("init extra", "--data " + Quote(dir_.Sub("x"))).code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("x")));
}

TEST_F(CliTest, APolicyFileChangesTheRules) {
  std::string policy = dir_.Sub("policy.json");
  std::ofstream(policy) << R"({"approvers":{"placement":["hr"]},"agreementBeforeStart":false})";
  Ok("--policy " + Quote(policy) + " " + Proposal("--id SEC-1"));
  // Four eyes still hold: the proposer's own hr approval is refused.
  ExpectRefused("--policy " + Quote(policy) +
                    " --actor hr-1 --as hr approve SEC-1 --scope placement --date 2026-01-12",
                3,
                "cannot approve SEC-1: hr-1 made the placement request; its hr approval comes "
                "from someone else");
  Ok("--policy " + Quote(policy) +
     " --actor hr-2 --as hr approve SEC-1 --scope placement --date 2026-01-12");
  Ok("--policy " + Quote(policy) + " --actor hr-1 --as hr start SEC-1 --date 2026-02-02");
  std::ofstream(dir_.Sub("bad-policy.json")) << R"({"maxMonths": 500})";
  ExpectRefused("--policy " + Quote(dir_.Sub("bad-policy.json")) + " " + Proposal("--id SEC-2"), 2,
                "maxMonths in policy file");
}

TEST_F(CliTest, EveryCommandHasHelp) {
  for (const char* command :
       {"propose", "approve", "refuse", "withdraw", "sign", "start", "handover", "feedback",
        "request-extension", "return", "propose-conversion", "show", "history", "log"}) {
    CliResult r = Cli(std::string(command) + " --help");
    EXPECT_EQ(r.code, 0) << command;
    EXPECT_EQ(r.out.rfind(std::string("usage: secondment ") + command, 0), 0u) << r.out;
  }
  CliResult all = Cli("--help");
  EXPECT_EQ(all.code, 0);
  EXPECT_NE(all.out.find("request-extension"), std::string::npos);
}

}  // namespace
}  // namespace secondment
