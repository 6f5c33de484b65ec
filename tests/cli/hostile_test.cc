// The hostile-input corpus (tests/data/hostile/cases.txt): every case exits 2 with one line
// on stderr, prints nothing on stdout and writes nothing.
//
// Case kinds: "W ARGS" runs a write as hr; "P OPTIONS" is a full valid proposal with OPTIONS
// appended (the later value of a repeated option is refused, so each case replaces one);
// "A ARGS" runs ARGS as hr; "D ARGS" runs ARGS with its own global options.

#include <fstream>
#include <sstream>

#include "tests/cli/cli_fixture.h"

namespace secondment::testing {
namespace {

class HostileTest : public CliTest {
 protected:
  std::string Expand(std::string line) {
    auto replace = [&](const std::string& from, const std::string& to) {
      for (size_t at; (at = line.find(from)) != std::string::npos;)
        line.replace(at, from.size(), to);
    };
    replace("{DIR}", Quote(HOSTILE_DIR));
    replace("{DATA}", Quote(data()));
    replace("{FILE}", Quote(dir_.Sub("a-file.txt")));
    replace("{BIG}", Quote(dir_.Sub("big.json")));
    return line;
  }
  // As Cli, through bash (the corpus uses $'...' for control characters and bad bytes).
  CliResult Bash(const std::string& args, const std::string& data_option) {
    std::string err_path = dir_.Sub("stderr.txt");
    std::string data_arg = data_option.empty() ? "--data " + Quote(data()) : data_option;
    std::string command = std::string(SECONDMENT_BIN) + " " + data_arg + " " + args;
    auto outcome =
        RunCommand("bash -c " + Quote(command) + " 2>" + Quote(err_path) + " </dev/null");
    std::ifstream in(err_path);
    std::stringstream err;
    err << in.rdbuf();
    return {outcome.exit_code, outcome.output, err.str()};
  }
  // A valid proposal, each option once; `override` options replace the defaults they name.
  static std::string ProposalWith(const std::string& override) {
    std::vector<std::pair<std::string, std::string>> defaults = {
        {"--id", "SEC-H9"},          {"--employee", "emp-h9"},  {"--home-org", "Org"},
        {"--home-unit", "U"},        {"--home-manager", "mh"},  {"--host-org", "Org"},
        {"--host-unit", "V"},        {"--host-manager", "mv"},  {"--kind", "internal"},
        {"--role-title", "Analyst"}, {"--start", "2026-03-01"}, {"--end", "2026-09-30"}};
    std::string out = "--actor hr-1 --as hr propose";
    for (const auto& [option, value] : defaults) {
      if (override.find(option + " ") == std::string::npos) out += " " + option + " " + value;
    }
    return out + " " + override;
  }
};

TEST_F(HostileTest, EveryCaseExitsTwoWithOneLineAndWritesNothing) {
  std::ofstream(dir_.Sub("a-file.txt")) << "not a ledger\n";
  {
    std::ofstream big(dir_.Sub("big.json"));
    big << R"({"id":"SEC-BIG","employee":"e","homeOrg":")" << std::string(10 << 20, 'x')
        << R"(","homeUnit":"U"})";
  }
  Active("SEC-1");
  std::ifstream cases(std::string(HOSTILE_DIR) + "/cases.txt");
  ASSERT_TRUE(cases.good());
  std::string line;
  int count = 0;
  while (std::getline(cases, line)) {
    if (line.empty() || line[0] == '#') continue;
    char kind = line[0];
    std::string rest = Expand(line.substr(2));
    std::string args;
    std::string data_option;  // default: --data DATA
    switch (kind) {
      case 'W':
      case 'A':
        args = "--actor hr-1 --as hr " + rest;
        break;
      case 'P':
        args = ProposalWith(rest);
        break;
      case 'D':
        args = rest;
        data_option = " ";
        break;
      default:
        FAIL() << "unknown case kind in: " << line;
    }
    size_t head = Head();
    CliResult r = Bash(args, data_option);
    ++count;
    EXPECT_EQ(r.code, 2) << line << "\nstderr: " << r.err;
    EXPECT_EQ(Lines(r.err), 1u) << line << "\nstderr: " << r.err;
    EXPECT_EQ(r.out, "") << line;
    EXPECT_EQ(Head(), head) << line << " wrote although refused";
  }
  EXPECT_GE(count, 60);
}

}  // namespace
}  // namespace secondment::testing
