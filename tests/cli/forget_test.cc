// secondment forget (docs/privacy.md): a person's personal data is sealed under a key of their
// own; two hr people destroy it, and afterwards no file under the data directory holds their
// id or the texts about them, while every proof made before still verifies.

#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/cli/cli_fixture.h"
#include "tests/common/import_lines.h"

namespace secondment::testing {
namespace {

namespace fs = std::filesystem;

class ForgetTest : public CliTest {
 protected:
  // The files under `root` (default: the data directory) that hold `needle`, by path.
  std::vector<std::string> FilesHolding(const std::string& needle, std::string root = "") {
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(root.empty() ? data() : root)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (bytes.find(needle) != std::string::npos) found.push_back(entry.path().string());
    }
    return found;
  }

  void Import(const std::string& lines) {
    std::string path = dir_.Sub("past.jsonl");
    std::ofstream(path, std::ios::binary) << lines;
    Ok("import " + Quote(path));
  }

  // Runs a command that must be refused: nothing written, one line on stderr.
  CliResult Refused(const std::string& args) {
    size_t head = Head();
    CliResult r = Cli(args);
    EXPECT_NE(r.code, 0) << args;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
    EXPECT_EQ(Head(), head) << args << " wrote although refused";
    return r;
  }

  // Proposal (cli_fixture.h) of secondment `id` for `employee`.
  static std::string ProposalOf(const std::string& id, const std::string& employee) {
    std::string p = Proposal("--id " + id);
    p.replace(p.find("emp-1"), 5, employee);
    return p;
  }

  static std::string Joined(const std::vector<std::string>& paths) {
    std::string out;
    for (const auto& p : paths) out += p + "\n";
    return out;
  }
};

TEST_F(ForgetTest, AForgottenPersonIsInNoFileWhileEveryProofMadeBeforeStillVerifies) {
  Import(SecondmentLines(7731) + SecondmentLines(7732));
  // Texts about E-7731 in every kind of personal field.
  Ok("--actor mgr-x7731 --as host_manager feedback SEC-007731 --rating 4 "
     "--text 'Quixotic-feedback-about-E7731' --date 2024-06-01");
  Ok("--actor hr-1 --as hr handover SEC-007731 --direction return --from Quokka-Person "
     "--to Wombat-Person --duty 'Xylophone-duty-7731' --notes 'Narwhal-notes-7731' "
     "--date 2024-11-30");
  Ok("--actor mgr-x7732 --as host_manager feedback SEC-007732 --rating 5 "
     "--text 'Kept-feedback-about-E7732' --date 2024-06-01");
  Ok("keygen --out " + Quote(dir_.Sub("auditor.key")));
  Ok("checkpoint --key " + Quote(dir_.Sub("auditor.key")) + " --out " +
     Quote(dir_.Sub("before.txt")));
  Ok("prove SEC-007731 --checkpoint " + Quote(dir_.Sub("before.txt")) + " --out " +
     Quote(dir_.Sub("before.proof.json")));
  Ok("audit-bundle --out " + Quote(dir_.Sub("before.bundle")));
  const std::vector<std::string> personal = {
      "E-7731",        "Quixotic-feedback-about-E7731", "Quokka-Person",
      "Wombat-Person", "Xylophone-duty-7731",           "Narwhal-notes-7731"};
  // Sealed from the start: the texts were never stored in clear, only in the projections.
  std::string log = Ok("log --json");
  EXPECT_NE(log.find("Quixotic-feedback-about-E7731"), std::string::npos) << "opened while kept";

  // Before: the id is in the projections' rows, so the search below can find it. The texts
  // were never stored but sealed: the log holds their ciphertext only.
  EXPECT_FALSE(FilesHolding("E-7731").empty());
  for (size_t i = 1; i < personal.size(); ++i) {
    EXPECT_EQ(FilesHolding(personal[i]), std::vector<std::string>()) << personal[i];
  }

  CliResult requested = Cli("--actor hr-1 --as hr forget E-7731 --reason 'retention ended'");
  ASSERT_EQ(requested.code, 0) << requested.err;
  EXPECT_NE(requested.out.find("erasure of E-7731 requested by hr-1"), std::string::npos)
      << requested.out;
  EXPECT_NE(requested.out.find("SEC-007731"), std::string::npos) << requested.out;
  EXPECT_EQ(Refused("--actor hr-1 --as hr forget E-7731 --approve").code, 3);  // four eyes
  // The person's stream and pseudonym; their key's record in the vault is "k" + pseudonym.
  std::string requests = Ok("log --json --from " + std::to_string(Head()));
  size_t at = requests.find("\"subject-");
  ASSERT_NE(at, std::string::npos) << requests;
  const std::string key_record = "k" + requests.substr(at + 9, 32);
  Ok("backup --to " + Quote(dir_.Sub("backup-before")));
  EXPECT_EQ(Refused("--actor hr-2 --as hr forget E-7731 --reason again").code, 4);

  CliResult erased = Cli("--actor hr-2 --as hr forget E-7731 --approve");
  ASSERT_EQ(erased.code, 0) << erased.err;
  EXPECT_NE(erased.out.find("erased the personal data of E-7731"), std::string::npos) << erased.out;
  EXPECT_EQ(erased.out.find("not erased"), std::string::npos) << erased.out;
  EXPECT_EQ(Refused("--actor hr-3 --as hr forget E-7731 --approve").code, 5);

  for (const auto& text : personal) {
    EXPECT_EQ(FilesHolding(text), std::vector<std::string>()) << text << " is still in:\n"
                                                              << Joined(FilesHolding(text));
  }
  EXPECT_FALSE(FilesHolding("E-7732").empty());  // the search does find (the status rows)
  // A backup made before holds the key (docs/operations.md says what to do with it); one made
  // after does not.
  Ok("backup --to " + Quote(dir_.Sub("backup-after")));
  EXPECT_FALSE(FilesHolding(key_record, dir_.Sub("backup-before")).empty()) << key_record;
  EXPECT_EQ(FilesHolding(key_record, dir_.Sub("backup-after")), std::vector<std::string>());
  EXPECT_EQ(FilesHolding(key_record), std::vector<std::string>());

  std::string verified = Ok("verify --pubkey " + Quote(dir_.Sub("auditor.key.pub")) +
                            " --checkpoint " + Quote(dir_.Sub("before.txt")));
  EXPECT_NE(verified.find("verified"), std::string::npos) << verified;
  Ok("verify-proof " + Quote(dir_.Sub("before.proof.json")) + " --pubkey " +
     Quote(dir_.Sub("auditor.key.pub")));
  Ok("checkpoint --key " + Quote(dir_.Sub("auditor.key")) + " --out " +
     Quote(dir_.Sub("after.txt")));
  Ok("prove SEC-007731 --checkpoint " + Quote(dir_.Sub("after.txt")) + " --out " +
     Quote(dir_.Sub("after.proof.json")));
  Ok("verify-proof " + Quote(dir_.Sub("after.proof.json")) + " --pubkey " +
     Quote(dir_.Sub("auditor.key.pub")));
  Ok("verify-bundle " + Quote(dir_.Sub("before.bundle")) + " --pubkey " +
     Quote(dir_.Sub("auditor.key.pub")) + " --checkpoint " + Quote(dir_.Sub("before.txt")));
  Ok("audit-bundle --out " + Quote(dir_.Sub("after.bundle")));
  Ok("verify-bundle " + Quote(dir_.Sub("after.bundle")) + " --pubkey " +
     Quote(dir_.Sub("auditor.key.pub")) + " --checkpoint " + Quote(dir_.Sub("after.txt")));
  // The bundle made after holds the ciphertext only: nothing of the person.
  for (const auto& text : personal) {
    EXPECT_EQ(FilesHolding(text, dir_.Sub("after.bundle")), std::vector<std::string>()) << text;
  }

  // Every read shows the person as erased, never their data.
  for (const std::string& read :
       {std::string("status --json"), std::string("show SEC-007731 --json"),
        std::string("history SEC-007731 --json"), std::string("log --json"),
        std::string("placements --as-of 2024-06-01 --json"), std::string("export histories"),
        std::string("export log")}) {
    std::string out = Ok(read);
    for (const auto& text : personal) {
      EXPECT_EQ(out.find(text), std::string::npos) << read << " shows " << text << ":\n" << out;
    }
    EXPECT_NE(out.find("erased-"), std::string::npos) << read << ":\n" << out;
  }
  log = Ok("log --json");
  EXPECT_NE(log.find("\"personalDataErased\""), std::string::npos) << log;
  EXPECT_NE(log.find("Kept-feedback-about-E7732"), std::string::npos);
  EXPECT_EQ(Refused("--actor hr-1 --as hr feedback SEC-007731 --text more --date 2024-07-01").code,
            3);

  // The same id may come back as a new person (a new key).
  Ok(ProposalOf("SEC-NEW", "E-7731"));
}

TEST_F(ForgetTest, RefusalsWriteNothing) {
  Import(SecondmentLines(5));
  Ok(ProposalOf("SEC-OPEN", "E-OPEN"));
  EXPECT_EQ(Refused("--actor hr-1 --as hr forget E-OPEN --reason r").code, 3);  // not ended
  EXPECT_EQ(Refused("--actor hr-1 --as hr forget E-NOBODY --reason r").code, 5);
  EXPECT_EQ(Refused("--actor hr-1 --as hr forget E-5").code, 2);  // neither option
  EXPECT_EQ(Refused("--actor hr-1 --as hr forget E-5 --reason r --approve").code, 2);
  EXPECT_EQ(Refused("--actor hr-1 --as hr forget --reason r").code, 2);
  EXPECT_EQ(Refused("--actor hr-1 --as hr forget 'E 5;rm' --reason r").code, 2);
  EXPECT_EQ(Refused("--actor hr-1 --as hr forget E-5 --reason ''").code, 2);
  EXPECT_EQ(Refused("--actor hr-1 --as hr forget E-5 --reason " + std::string(3000, 'x')).code, 2);
  EXPECT_EQ(Refused("--actor hr-1 --as hr forget E-5 --reason \"$(printf 'a\\001b')\"").code, 2);
  EXPECT_EQ(Refused("--actor hr-1 --as hr forget E-5 --approve").code, 3);  // nothing requested
  EXPECT_EQ(Refused("--actor mgr-1 --as home_manager forget E-5 --reason r").code, 3);
  EXPECT_EQ(Refused("forget E-5 --reason r").code, 2);  // the administrator is nobody
  EXPECT_EQ(Refused(ProposalOf("SEC-X", "erased-1234abcd")).code, 2);
}

TEST_F(ForgetTest, APolicyRetentionPeriodMakesErasureDue) {
  std::string policy_file = dir_.Sub("policy.json");
  std::ofstream(policy_file) << R"({"erasureAfterDays": 365})";
  const std::string policy = "--policy " + Quote(policy_file) + " ";
  Import(SecondmentLines(11));  // returned 2024-11-30
  std::string alerts = Ok(policy + "alerts --today 2025-11-29");
  EXPECT_EQ(alerts.find("erasure_due"), std::string::npos) << alerts;
  alerts = Ok(policy + "alerts --today 2025-12-01");
  EXPECT_NE(alerts.find("erasure_due"), std::string::npos) << alerts;
  EXPECT_NE(alerts.find("E-11"), std::string::npos) << alerts;
  EXPECT_EQ(Ok("alerts --today 2025-12-01").find("erasure_due"), std::string::npos);
  Ok(policy + "--actor hr-1 --as hr forget E-11 --reason 'retention of 365 days ended'");
  Ok(policy + "--actor hr-2 --as hr forget E-11 --approve");
  alerts = Ok(policy + "alerts --today 2025-12-01");
  EXPECT_EQ(alerts.find("erasure_due"), std::string::npos) << alerts;
}

}  // namespace
}  // namespace secondment::testing
