// secondment export (docs/import.md, "Exporting"), and the round trip: the log of one ledger,
// exported and imported into a new one, gives the same status, placements and histories.

#include <filesystem>
#include <regex>

#include "tests/cli/cli_fixture.h"

namespace secondment::testing {
namespace {

class ExportTest : public CliTest {
 protected:
  // A proposal of secondment `id` for employee `employee`.
  static std::string ProposalOf(const std::string& id, const std::string& employee) {
    std::string p = Proposal("--id " + id);
    p.replace(p.find("--employee emp-1"), 16, "--employee " + employee);
    return p;
  }
  // The position of the first event of `type` in the log.
  size_t PositionOf(const std::string& type) {
    std::string log = Ok("log --json");
    std::smatch m;
    EXPECT_TRUE(std::regex_search(
        log, m, std::regex("\\{\"position\":([0-9]+),[^\n]*\"type\":\"" + type + "\"")))
        << type;
    return m.empty() ? 0 : std::stoul(m[1]);
  }
  // `text` without the fields a ledger stamps itself or an import adds: the recorded-at
  // time, event ids (derived events get new ones), the source and previous hashes.
  static std::string WithoutStamps(std::string text) {
    text = std::regex_replace(text, std::regex("\"recordedAt\":\"[^\"]*\","), "");
    text = std::regex_replace(text, std::regex("\"eventId\":\"[^\"]*\","), "");
    text = std::regex_replace(text, std::regex(",\"source\":\"[^\"]*\""), "");
    return text;
  }
};

TEST_F(ExportTest, TheLogExportedAndImportedIntoANewLedgerGivesTheSameAnswers) {
  // A history with every kind of step: handovers, feedback voided and given again, an
  // extension, a direct correction, a correction that waited for approval, a refusal.
  Active("SEC-A");
  Ok("--actor mgr-home --as home_manager handover SEC-A --direction outbound --from emp-1 --to "
     "emp-9 --duty 'Year 12 classes' --notes 'cover agreed' --date 2026-01-30");
  Ok("--actor mgr-host --as host_manager feedback SEC-A --rating 2 --text 'wrong person' "
     "--date 2026-05-04");
  Ok("--actor hr-1 --as hr void SEC-A --position " +
     std::to_string(PositionOf("feedbackRecorded")) +
     " --reason 'recorded on the wrong secondment'");
  Ok("--actor mgr-host --as host_manager feedback SEC-A --rating 5 --text 'Applications up' "
     "--date 2026-05-05");
  Ok("--actor hr-1 --as hr request-extension SEC-A --until 2026-10-31 --rationale 'next intake' "
     "--date 2026-06-15");
  ApproveAll("SEC-A", "extension", "2026-06-22");
  Ok("--actor hr-1 --as hr return SEC-A --date 2026-09-30 --reason 'intake closed'");
  Ok(ProposalOf("SEC-B", "emp-2"));
  ApproveAll("SEC-B");
  Ok("--actor hr-1 --as hr sign SEC-B --agreement AGR-B --date 2026-01-20");
  Ok("--actor hr-1 --as hr start SEC-B --date 2026-02-03");
  Ok("--actor hr-1 --as hr correct SEC-B --field host_unit --value 'Student Office' --reason "
     "'renamed'");
  Ok("--actor hr-1 --as hr correct SEC-B --field actual_start --value 2026-02-02 --reason "
     "'started on the Monday'");
  Ok("--actor hr-2 --as hr approve SEC-B --scope correction");
  Ok(ProposalOf("SEC-C", "emp-3"));
  Ok("--actor mgr-home --as home_manager refuse SEC-C --scope placement --reason 'no cover' "
     "--date 2026-01-09");

  std::string exported = dir_.Sub("log.jsonl");
  Ok("export log --out " + Quote(exported));
  std::string before_status = Ok("export status");
  std::string before_placements = Ok("export placements --as-of 2026-03-01 --format csv");
  std::string before_histories = Ok("export histories");
  ASSERT_NE(before_histories.find("\"type\":\"voided\""), std::string::npos);
  ASSERT_NE(before_histories.find("\"type\":\"extended\""), std::string::npos);
  ASSERT_NE(before_histories.find("\"type\":\"correctionProposed\""), std::string::npos);

  std::string other = dir_.Sub("other");
  std::string into = "--data " + Quote(other);
  ASSERT_EQ(Cli("init", into).code, 0);
  CliResult imported = Cli("--json import " + Quote(exported), into);
  ASSERT_EQ(imported.code, 0) << imported.err;
  // The period claims, the extension and the approved correction are made again, not read.
  EXPECT_NE(imported.out.find("\"derived\":"), std::string::npos) << imported.out;
  EXPECT_EQ(imported.out.find("\"derived\":0,"), std::string::npos) << imported.out;
  EXPECT_EQ(Cli("export status", into).out, before_status);
  EXPECT_EQ(Cli("export placements --as-of 2026-03-01 --format csv", into).out, before_placements);
  EXPECT_EQ(WithoutStamps(Cli("export histories", into).out), WithoutStamps(before_histories));
  EXPECT_EQ(Cli("verify", into).code, 0);
  // The export again: everything is there already.
  CliResult again = Cli("import " + Quote(exported), into);
  EXPECT_NE(again.out.find("nothing to import"), std::string::npos) << again.out << again.err;
}

TEST_F(ExportTest, EachExportHasItsHeaderAndRowsAsCsvOrJsonLines) {
  EXPECT_EQ(Ok("export status --format csv"),
            "id,state,employee,home,host,kind,country,planned_start,planned_end,actual_start,"
            "days,extensions,outstanding,last_position\r\n");
  EXPECT_EQ(Ok("export log"), "");
  Active("SEC-1");
  std::string csv = Ok("export placements --format csv");
  EXPECT_EQ(Lines(csv), 2u) << csv;
  EXPECT_NE(csv.find("SEC-1,emp-1,Northfield College,Teaching"), std::string::npos) << csv;
  std::string log = Ok("export log");
  EXPECT_EQ(Lines(log), Head());
  EXPECT_EQ(log.rfind("{\"position\":1,", 0), 0u);
  std::string histories = Ok("export histories --format csv");
  EXPECT_EQ(histories.rfind("position,recorded_at,stream,version,", 0), 0u);
  EXPECT_EQ(Lines(histories), 7u);  // the header, proposed, 3 approvals, signed, started
  std::string alerts = Ok("export alerts --as-of 2026-07-20 --format csv");
  EXPECT_NE(alerts.find("ending_soon,SEC-1,"), std::string::npos) << alerts;

  // A file: written whole and renamed into place; its name's extension picks the format.
  std::string file = dir_.Sub("status.csv");
  EXPECT_EQ(Ok("export status --out " + Quote(file)), "");
  EXPECT_EQ(ReadFileText(file).rfind("id,state,", 0), 0u);
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    // No temporary file is left beside it (status.csv.XXXXXX).
    EXPECT_EQ(entry.path().filename().string().rfind("status.csv.", 0), std::string::npos)
        << entry.path();
  }
  // Upper-case .CSV is CSV too.
  std::string upper = dir_.Sub("STATUS.CSV");
  Ok("export status --out " + Quote(upper));
  EXPECT_EQ(ReadFileText(upper).rfind("id,state,", 0), 0u);
}

TEST_F(ExportTest, WrongArgumentsAreRefused) {
  ExpectRefused("export", 2, "export takes one of: status, placements, alerts, histories, log");
  ExpectRefused("export everything", 2, "export takes one of");
  ExpectRefused("export log status", 2, "export takes one of");
  ExpectRefused("export log --format xml", 2, "unknown format 'xml'");
  ExpectRefused("export log --as-of 2026-01-01", 2, "--as-of goes with placements and alerts");
  ExpectRefused("export placements --as-of 2026-13-01", 2, "2026-13-01");
  ExpectRefused("export log --out " + Quote(dir_.path()), 2, "is a directory");
  ExpectRefused("export log --out " + Quote(dir_.Sub("no/such/dir/x.jsonl")), 2, "cannot write");
  ExpectRefused("export log --connect 127.0.0.1:1 --token t", 2, "");
}

}  // namespace
}  // namespace secondment::testing
