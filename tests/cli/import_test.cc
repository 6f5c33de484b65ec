// secondment import (docs/import.md): JSON Lines and CSV, checked whole, written all at once,
// idempotent by key; every bad line listed and nothing written.

#include <fstream>

#include "tests/cli/cli_fixture.h"
#include "tests/common/import_lines.h"

namespace secondment::testing {
namespace {

class ImportTest : public CliTest {
 protected:
  // Writes `text` to a file named `name` in the test's directory; returns its path.
  std::string File(const std::string& name, const std::string& text) {
    std::string path = dir_.Sub(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // Imports `text` as file `name`: the result, and the ledger must be unchanged unless it
  // exited 0.
  CliResult Import(const std::string& name, const std::string& text,
                   const std::string& options = "") {
    size_t head = Head();
    CliResult r = Cli("import " + options + " " + Quote(File(name, text)));
    if (r.code != 0) EXPECT_EQ(Head(), head) << "a refused import wrote: " << r.err;
    return r;
  }

  static std::string Line(const std::string& json) { return json + "\n"; }
};

constexpr char kCsvHeader[] =
    "Employee,Home Org,Home Unit,Home Manager,Host Org,Host Unit,Host Manager,Kind,Role,"
    "Planned Start,Planned End,Actual Start,Actual End,State\n";

TEST_F(ImportTest, JsonLinesRecordEveryStepWithItsSourceAndASecondImportWritesNothing) {
  std::string file = ImportFile(1, 3);
  CliResult first = Import("past.jsonl", file);
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_NE(first.out.find("imported 21 lines of"), std::string::npos) << first.out;
  size_t head = Head();
  EXPECT_EQ(head, 27u);  // 7 steps of 3 secondments, and the periods claimed by each proposal
                         // and start
  std::string status = Ok("status --json");
  EXPECT_EQ(std::count(status.begin(), status.end(), '\n'), 3);
  EXPECT_NE(status.find("\"state\":\"returned\""), std::string::npos) << status;
  std::string log = Ok("log --json");
  EXPECT_NE(log.find("past.jsonl:1\""), std::string::npos) << log;
  EXPECT_NE(log.find("past.jsonl:21\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"actor\":\"mgr-h2\",\"role\":\"home_manager\""), std::string::npos);

  CliResult again = Import("past.jsonl", file);
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("nothing to import (21 lines already imported)"), std::string::npos)
      << again.out;
  EXPECT_EQ(Head(), head);

  // The file grew: only its new lines are written.
  CliResult grown = Import("past.jsonl", file + SecondmentLines(4));
  ASSERT_EQ(grown.code, 0) << grown.err;
  EXPECT_NE(grown.out.find("imported 7 lines"), std::string::npos) << grown.out;
  EXPECT_NE(grown.out.find("(21 lines already imported)"), std::string::npos) << grown.out;
  EXPECT_EQ(Head(), head + 9);
  Ok("verify");
}

TEST_F(ImportTest, ALineThatChangedSinceItWasImportedIsRefusedNotSkipped) {
  ASSERT_EQ(Import("a.jsonl", SecondmentLines(1)).code, 0);
  // The same key, now another step; then the same step by someone else.
  CliResult other_step = Import(
      "b.jsonl",
      Line(
          R"({"key":"SEC-000001/7","command":"withdraw","secondment":"SEC-000001","reason":"r"})"));
  EXPECT_EQ(other_step.code, 3) << other_step.err;
  EXPECT_NE(other_step.err.find("key 'SEC-000001/7' was recorded before as returned by import"),
            std::string::npos)
      << other_step.err;
  CliResult other_actor =
      Import("c.jsonl", Line(R"({"key":"SEC-000001/7","command":"return","actor":"hr-9",)"
                             R"("secondment":"SEC-000001","date":"2024-11-30"})"));
  EXPECT_EQ(other_actor.code, 3) << other_actor.err;
  EXPECT_NE(other_actor.err.find("not as this line's return by hr-9"), std::string::npos)
      << other_actor.err;
}

TEST_F(ImportTest, AMalformedLineAfterAHundredRuleRefusalsStillExitsTwo) {
  std::string file;
  for (int i = 0; i < 120; ++i) {
    file += Line(fmt::format(R"({{"key":"k{}","command":"withdraw","secondment":"SEC-{}",)"
                             R"("reason":"r"}})",
                             i, i));
  }
  file += "{not json\n";
  CliResult r = Import("late.jsonl", file);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("... and 21 more"), std::string::npos) << r.err;
}

TEST_F(ImportTest, AnExportedEventThatNamesNoSecondmentIsRefusedNotSkipped) {
  CliResult r = Import(
      "events.jsonl",
      Line(R"({"position":5,"eventId":"0b9e8f0e-1c2d-4e5f-8a9b-0c1d2e3f4a5b","type":"started",)"
           R"("actor":"hr-1","role":"hr","effectiveDate":"2024-02-01",)"
           R"("payload":{"actualStart":"2024-02-01"}})"));
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("streamId must name a secondment's stream"), std::string::npos) << r.err;
  CliResult void_elsewhere = Import(
      "void.jsonl",
      Line(R"({"position":9,"streamId":"secondment-SEC-1","eventId":)"
           R"("0b9e8f0e-1c2d-4e5f-8a9b-0c1d2e3f4a5c","type":"voided","actor":"hr-1","role":"hr",)"
           R"("effectiveDate":"2024-02-01","payload":{"position":7,"eventId":"","voidedType":)"
           R"("started","reason":"r"}})"));
  EXPECT_EQ(void_elsewhere.code, 3) << void_elsewhere.err;
  EXPECT_NE(void_elsewhere.err.find("names position 7 of the ledger it was exported from"),
            std::string::npos)
      << void_elsewhere.err;
}

TEST_F(ImportTest, CheckOnlyReportsWhatWouldBeWrittenAndWritesNothing) {
  CliResult r = Import("check.jsonl", ImportFile(1, 2), "--check");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("14 lines would import 18 events"), std::string::npos) << r.out;
  EXPECT_EQ(Head(), 0u);
  CliResult json = Cli("--json import --check " + Quote(File("c.jsonl", ImportFile(1, 1))));
  EXPECT_NE(json.out.find("\"checkOnly\":true,\"lines\":7,\"imported\":7,\"alreadyImported\":0,"
                          "\"derived\":0,\"events\":9"),
            std::string::npos)
      << json.out;
}

TEST_F(ImportTest, StandardInputIsAFile) {
  std::string path = File("in.jsonl", ImportFile(1, 1));
  auto r = RunCommand(std::string(SECONDMENT_BIN) + " --data " + Quote(data()) + " import - < " +
                      Quote(path) + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("imported 7 lines of stdin"), std::string::npos) << r.output;
  EXPECT_NE(Ok("log --json").find("\"source\":\"stdin:7\""), std::string::npos);
}

TEST_F(ImportTest, AnyBadLineWritesNothingAndEveryBadLineIsListed) {
  std::string file = SecondmentLines(1);
  file += Line(R"({"key":"x1","command":"approve","secondment":"SEC-000001")");      // 8: truncated
  file += Line(R"({"command":"withdraw","secondment":"SEC-000001","reason":"r"})");  // 9: no key
  file += "\n";  // 10: blank lines are skipped
  file += Line(R"({"key":"x2","command":"feedback","secondment":"SEC-000009","text":"t"})");
  file += Line(R"({"key":"SEC-000001/3","command":"withdraw","secondment":"SEC-000001",)"
               R"("reason":"r"})");  // 12: a key used on line 3
  file += Line(R"({"key":"x3","command":"start","secondment":"SEC-000001","date":"2024-13-01"})");
  CliResult r = Import("bad.jsonl", file);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("bad.jsonl:8: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.jsonl:9: key is required in the line"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.jsonl:11: no secondment SEC-000009"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.jsonl:12: key 'SEC-000001/3' is used on line 3 already"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("bad.jsonl:13: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was imported: 5 of 12 lines of"), std::string::npos) << r.err;
  EXPECT_EQ(Lines(r.err), 6u) << r.err;
}

TEST_F(ImportTest, OnlyRuleRefusalsExitThree) {
  std::string file = SecondmentLines(1);
  file += Line(R"({"key":"late","command":"start","secondment":"SEC-000001","date":"2024-02-02"})");
  CliResult r = Import("rules.jsonl", file);
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("rules.jsonl:8: cannot start SEC-000001"), std::string::npos) << r.err;
}

TEST_F(ImportTest, AtMostAHundredBadLinesAreListedAndTheRestCounted) {
  std::string file;
  for (int i = 0; i < 150; ++i) file += "not json\n";
  CliResult r = Import("many.jsonl", file);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("many.jsonl:100: "), std::string::npos);
  EXPECT_EQ(r.err.find("many.jsonl:101: "), std::string::npos);
  EXPECT_NE(r.err.find("... and 50 more"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("150 of 150 lines"), std::string::npos) << r.err;
  EXPECT_EQ(Lines(r.err), 102u);
}

TEST_F(ImportTest, HostileLinesAreRefusedOneLineEach) {
  struct Case {
    std::string line, message;
  };
  std::string big(70 * 1024, 'a');
  std::string nested(2000, '[');
  const Case cases[] = {
      {R"({"key":"a","key":"b","command":"propose"})", "'key'"},  // a repeated key
      {R"({"key":"a","command":"propose","secondment":"S-1","secondment":"S-2"})", "secondment"},
      {"{\"key\":\"a\xff\",\"command\":\"withdraw\"}", "UTF-8"},
      {std::string("{\"key\":\"a\0b\",\"command\":\"withdraw\"}", 33), ""},
      {R"({"key":"","command":"withdraw","secondment":"SEC-1","reason":"r"})", "key must be"},
      {R"({"key":"a\u0007","command":"withdraw","secondment":"SEC-1","reason":"r"})",
       "control characters"},
      {R"({"key":")" + std::string(201, 'k') + R"(","command":"withdraw"})", "key must be"},
      {R"({"key":"a","command":"drop table","secondment":"SEC-1"})", "unknown command"},
      {R"({"key":"a","command":"withdraw","secondment":"../etc","reason":"r"})", "secondment"},
      {R"({"key":"a","command":"withdraw","secondment":"SEC-1","reason":"r","as":"auditor"})",
       "as must be a role that records steps"},
      {R"({"key":"a","command":"withdraw","secondment":"SEC-1","reason":"r","actor":"a b"})",
       "actor"},
      {R"({"key":"a","command":"withdraw","secondment":"SEC-1","reason":"r","extra":1})",
       "unknown field 'extra'"},
      {R"(["key","a"])", "object"},
      {R"({"key":1,"command":"withdraw"})", "key"},
      {R"({"key":"a","command":"withdraw","secondment":"SEC-1","reason":")" + big + R"("})",
       "over the limit of 65536 bytes"},
      {nested, ""},
  };
  int line = 0;
  for (const Case& c : cases) {
    ++line;
    CliResult r = Import("hostile.jsonl", c.line + "\n");
    EXPECT_EQ(r.code, 2) << "case " << line << ": " << r.err;
    EXPECT_EQ(Lines(r.err), 2u) << "case " << line << ": " << r.err;  // the line, the summary
    EXPECT_NE(r.err.find("hostile.jsonl:1: "), std::string::npos)
        << "case " << line << ": " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << "case " << line << ": " << r.err;
  }
}

TEST_F(ImportTest, WrongArgumentsAreRefusedBeforeAnythingIsRead) {
  ExpectRefused("import", 2, "import takes one FILE");
  ExpectRefused("import a b", 2, "import takes one FILE");
  ExpectRefused("import " + Quote(dir_.Sub("missing.jsonl")), 2, "cannot read");
  ExpectRefused("import " + Quote(dir_.path()), 2, "not a regular file");
  ExpectRefused("import --format xml " + Quote(File("f.jsonl", "")), 2, "unknown format 'xml'");
  ExpectRefused(
      "--actor mgr-1 --as home_manager import " + Quote(File("g.jsonl", ImportFile(1, 1))), 3,
      "not permitted");
  CliResult empty = Import("empty.jsonl", "");
  EXPECT_EQ(empty.code, 0) << empty.err;
  EXPECT_NE(empty.out.find("nothing to import"), std::string::npos);
}

TEST_F(ImportTest, CsvRowsBecomeTheStepsThatLeadToTheirState) {
  std::string csv = kCsvHeader;
  csv +=
      "E-1,Acme,Sales,mgr-1,Globex,R&D,mgr-2,external,Engineer,2024-03-01,2024-12-31,"
      "2024-03-04,2024-12-20,returned\n";
  csv +=
      "E-2,Acme,Sales,mgr-1,Globex,R&D,mgr-2,external,\"Lead, \"\"Data\"\"\",2026-03-01,"
      "2027-02-28,2026-03-02,,active\n";
  csv += "E-3,Acme,HR,mgr-3,Acme,IT,mgr-4,internal,Lead,2024-01-01,2024-06-30,,,withdrawn\n";
  csv +=
      "E-4,Acme,HR,mgr-3,Acme,IT,mgr-4,internal,Lead,2024-01-01,2024-06-30,2024-01-01,"
      "2024-06-30,converted\r\n";
  CliResult r = Import("people.csv", csv);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("imported 4 lines"), std::string::npos) << r.out;
  std::string status = Ok("status --json");
  for (const char* state : {"returned", "active", "withdrawn", "converted"}) {
    EXPECT_NE(status.find(std::string("\"state\":\"") + state + "\""), std::string::npos)
        << state << "\n"
        << status;
  }
  EXPECT_NE(status.find("Lead, \\\"Data\\\""), std::string::npos) << status;
  std::string log = Ok("log --json");
  EXPECT_NE(log.find("\"actor\":\"import\",\"role\":\"hr\""), std::string::npos);
  EXPECT_NE(log.find("\"actor\":\"mgr-1\",\"role\":\"home_manager\""), std::string::npos);
  EXPECT_NE(log.find("people.csv:5\""), std::string::npos);
  size_t head = Head();
  CliResult again = Import("people.csv", csv);
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(Head(), head);
  // The sheet moved on: the active row is now returned; only its return is added.
  std::string moved = std::string(kCsvHeader) +
                      "E-2,Acme,Sales,mgr-1,Globex,R&D,mgr-2,external,\"Lead, \"\"Data\"\"\","
                      "2026-03-01,2027-02-28,2026-03-02,2026-09-30,returned\n";
  CliResult later = Import("people-later.csv", moved);
  ASSERT_EQ(later.code, 0) << later.err;
  EXPECT_EQ(Head(), head + 1);
  Ok("verify");
}

TEST_F(ImportTest, BadCsvIsRefusedWithItsLine) {
  struct Case {
    std::string text, message;
  };
  std::string row =
      "E-1,Acme,Sales,mgr-1,Globex,R&D,mgr-2,external,Engineer,2024-03-01,"
      "2024-12-31,2024-03-04,2024-12-20,returned\n";
  const Case cases[] = {
      {"", "people.csv:1: the file is empty"},
      {"Employee,Shoe Size\n", "people.csv:1: unknown column 'Shoe Size'"},
      {"Employee,Home Org\n", "people.csv:1: column home_unit is missing"},
      {std::string(kCsvHeader) + "E-1,Acme\n", "people.csv:2: the row has 2 fields"},
      {std::string(kCsvHeader) + "\"E-1,Acme\n", "people.csv:2: a quoted field is never closed"},
      {std::string(kCsvHeader) + "E-1,Acme,Sales,mgr-1,Globex,R&D,mgr-2,external,Engineer,"
                                 "2024-03-01,2024-12-31,2024-03-04,,returned\n",
       "people.csv:2: actual_end is required for a returned secondment"},
      {std::string(kCsvHeader) + "E-1,Acme,Sales,mgr-1,Globex,R&D,mgr-2,galactic,Engineer,"
                                 "2024-03-01,2024-12-31,,,proposed\n",
       "people.csv:2: unknown value 'galactic'"},
      {std::string(kCsvHeader) + "E-1,Acme,Sales,mgr-1,Globex,R&D,mgr-2,external,Engineer,"
                                 "2024-03-01,2024-12-31,,,sleeping\n",
       "people.csv:2: unknown value 'sleeping'"},
      {std::string(kCsvHeader) + "E-1,Acme,Sales,mgr-1,Globex,R&D,mgr-2,external,Engineer,"
                                 "2024-02-30,2024-12-31,,,proposed\n",
       "people.csv:2: "},
      {std::string(kCsvHeader) + row + row, "people.csv:3: key"},  // the same row twice
      {std::string(kCsvHeader) + "E-1,Ac\xff,Sales\n", "people.csv:2: field 2 is not valid UTF-8"},
  };
  for (const Case& c : cases) {
    CliResult r = Import("people.csv", c.text);
    EXPECT_EQ(r.code, 2) << c.message << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.message << "\n" << r.err;
  }
}

TEST_F(ImportTest, TheSampleFilesOfTheDocsImport) {
  std::string examples = std::string(SOURCE_DIR) + "/docs/examples/";
  CliResult csv = Cli("import " + Quote(examples + "past-secondments.csv"));
  ASSERT_EQ(csv.code, 0) << csv.err;
  CliResult jsonl = Cli("import " + Quote(examples + "import.jsonl"));
  ASSERT_EQ(jsonl.code, 0) << jsonl.err;
  std::string status = Ok("status");
  for (const char* id : {"SEC-2023-001", "SEC-2023-002", "SEC-2024-003", "SEC-2026-004",
                         "SEC-2026-005", "SEC-2025-010"}) {
    EXPECT_NE(status.find(id), std::string::npos) << id << "\n" << status;
  }
  Ok("verify");
}

}  // namespace
}  // namespace secondment::testing
