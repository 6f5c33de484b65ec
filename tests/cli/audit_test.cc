// The auditor's commands end to end: verify, keygen, checkpoint, prove, verify-proof,
// audit-bundle and verify-bundle, with their refusals of bad input and of tampered evidence.

#include <sys/stat.h>

#include <filesystem>

#include "ledger/integrity/history_proof.h"
#include "tests/cli/cli_fixture.h"
#include "tests/ledger/raw_ledger.h"

namespace secondment::testing {
namespace {

class AuditCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    Active("SEC-A");  // 6 events in its stream, 2 in the employee's (proposed, started)
    Ok("--actor hr-1 --as hr propose --id SEC-B --employee emp-2 --home-org Org --home-unit U "
       "--home-manager mgr-home --host-org Org --host-unit V --host-manager mgr-host "
       "--kind internal --role-title Analyst --start 2026-03-01 --end 2026-09-30");
  }
  std::string Path(const std::string& name) const { return dir_.Sub(name); }
  std::string Keygen(const std::string& name = "auditor") {
    Ok("keygen --out " + Quote(Path(name)));
    return Path(name);
  }
  std::string Checkpoint(const std::string& key, const std::string& name = "cp.txt") {
    Ok("checkpoint --key " + Quote(key) + " --out " + Quote(Path(name)));
    return Path(name);
  }
  static int Mode(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 0777) : -1;
  }
  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  }
  // A refusal that needs no ledger change check: exit code, one line on stderr, no stdout.
  void ExpectFails(const std::string& args, int code, const std::string& message) {
    CliResult r = Cli(args);
    EXPECT_EQ(r.code, code) << args << "\nstderr: " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << "\nstderr: " << r.err;
    EXPECT_EQ(Lines(r.err), 1u) << r.err;
    EXPECT_EQ(r.out, "") << args;
  }
};

TEST_F(AuditCliTest, VerifyPrintsTheCountAndTheRoot) {
  CliResult r = Cli("verify");
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(Lines(r.out), 2u) << r.out;
  EXPECT_EQ(r.out.substr(0, 25), "verified 10 events, root ");
  EXPECT_EQ(r.out.substr(89), "\n0 stored checkpoints, signed by key none\n");
  std::string root = r.out.substr(25, 64);
  CliResult json = Cli("--json verify");
  EXPECT_NE(json.out.find("\"events\":\"10\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find(root), std::string::npos) << json.out;
  ExpectFails("verify extra", 2, "verify takes no arguments");
  CliResult none = Cli("verify", "--data " + Quote(Path("nothing-here")));
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("no ledger at"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(Path("nothing-here")));
}

TEST_F(AuditCliTest, VerifyNamesTheFirstBadPosition) {
  {
    RawLedger raw(data());
    std::string value = raw.GetEvent(4);
    size_t at = value.find("mgr-");
    ASSERT_NE(at, std::string::npos);
    value[at] = 'M';
    raw.PutEvent(4, value);
  }
  ExpectFails("verify", 6, "position 4: ");
}

// A stored event altered so that its canonical form holds but one of its texts lost its
// closing NUL: a read that meets it says the ledger is damaged (exit 6, one line), never
// aborts; verify names it.
TEST_F(AuditCliTest, AnEventAlteredPastItsChecksIsDamageNotACrash) {
  {
    RawLedger raw(data());
    std::string value = raw.GetEvent(2);
    size_t at = value.find("SEC-A");  // in its stream id, "secondment-SEC-A" or "...-emp-1"
    ASSERT_NE(at, std::string::npos);
    at = value.find('\0', at);
    value[at] = 'x';  // the stream id's closing NUL
    raw.PutEvent(2, value);
  }
  CliResult log = Cli("log");  // prints the events before the damaged one, then stops
  EXPECT_EQ(log.code, 6) << log.err;
  EXPECT_EQ(Lines(log.err), 1u) << log.err;
  EXPECT_NE(log.err.find("it may be damaged: run `secondment verify`"), std::string::npos)
      << log.err;
  EXPECT_EQ(Lines(log.out), 1u) << log.out;
  ExpectFails("verify", 6, "position 2: ");
}

TEST_F(AuditCliTest, KeygenWritesAnOwnerOnlyKeyAndNeverOverwrites) {
  CliResult r = Cli("keygen --out " + Quote(Path("k")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("key id "), std::string::npos);
  EXPECT_EQ(Mode(Path("k")), 0600);
  EXPECT_EQ(Mode(Path("k.pub")), 0644);
  EXPECT_NE(ReadFileText(Path("k")).find("BEGIN PRIVATE KEY"), std::string::npos);
  EXPECT_NE(ReadFileText(Path("k.pub")).find("BEGIN PUBLIC KEY"), std::string::npos);
  std::string before = ReadFileText(Path("k"));
  ExpectFails("keygen --out " + Quote(Path("k")), 2, "already exists");
  EXPECT_EQ(ReadFileText(Path("k")), before);
  ExpectFails("keygen", 2, "--out is required");
  ExpectFails("keygen --out " + Quote(Path("no/such/dir/k")), 2, "cannot create");
  ExpectFails("keygen --out a b", 2, "keygen takes no arguments");
}

TEST_F(AuditCliTest, CheckpointPrintsASignedNoteAndRefusesBadKeys) {
  std::string key = Keygen();
  CliResult r = Cli("checkpoint --key " + Quote(key));
  ASSERT_EQ(r.code, 0) << r.err;
  auto note = ParseCheckpointNote(r.out);
  ASSERT_TRUE(note.ok()) << note.status().ToString() << r.out;
  EXPECT_EQ(note->checkpoint.size, 10u);
  auto pub = PublicKey::FromPem(ReadFileText(key + ".pub"));
  EXPECT_TRUE(pub->Verify(*note).ok());

  ExpectFails("checkpoint", 2, "--key is required");
  ExpectFails("checkpoint --key " + Quote(Path("missing")), 2, "cannot read");
  ExpectFails("checkpoint --key " + Quote(key + ".pub"), 2, "may be read by others");
  Write(Path("garbage"), "-----BEGIN PRIVATE KEY-----\nnot a key\n");
  ::chmod(Path("garbage").c_str(), 0600);
  ExpectFails("checkpoint --key " + Quote(Path("garbage")), 2, "not an unencrypted Ed25519");
  ::chmod(key.c_str(), 0640);
  ExpectFails("checkpoint --key " + Quote(key), 2, "chmod 600");
  ::chmod(key.c_str(), 0600);
  CliResult none = Cli("checkpoint --key " + Quote(key), "--data " + Quote(Path("nothing")));
  EXPECT_EQ(none.code, 2) << none.err;
  EXPECT_FALSE(std::filesystem::exists(Path("nothing")));
}

TEST_F(AuditCliTest, VerifyShowsTheLogExtendsAHeldCheckpoint) {
  std::string key = Keygen();
  std::string held = Checkpoint(key);
  Ok("--actor hr-1 --as hr withdraw SEC-B --reason 'role filled'");
  CliResult r = Cli("verify --checkpoint " + Quote(held) + " --pubkey " + Quote(key + ".pub"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("verified 11 events"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("extends the checkpoint of 10 events"), std::string::npos) << r.out;

  std::string other = Keygen("other");
  ExpectFails("verify --checkpoint " + Quote(held) + " --pubkey " + Quote(other + ".pub"), 6,
              "signed by key");
  ExpectFails("verify --checkpoint " + Quote(held), 2, "go together");
  CliResult stored_ok = Cli("verify --pubkey " + Quote(key + ".pub"));
  EXPECT_EQ(stored_ok.code, 0) << stored_ok.err;
  EXPECT_NE(stored_ok.out.find("1 stored checkpoints, signed by key"), std::string::npos)
      << stored_ok.out;
  // A checkpoint stored with another key: a rewrite re-signed that way is caught by the key
  // the auditor trusts.
  Ok("checkpoint --key " + Quote(other));
  ExpectFails("verify --pubkey " + Quote(key + ".pub"), 6, "stored checkpoint #2");
  ExpectFails("verify --checkpoint " + Quote(Path("none")) + " --pubkey " + Quote(key + ".pub"), 2,
              "cannot read");
  Write(Path("bad-note"), "secondment-ledger checkpoint v1\nledger 12\n");
  ExpectFails("verify --checkpoint " + Quote(Path("bad-note")) + " --pubkey " + Quote(key + ".pub"),
              2, "checkpoint note");
  Write(Path("huge"), std::string(2 << 20, 'x'));
  ExpectFails("verify --checkpoint " + Quote(Path("huge")) + " --pubkey " + Quote(key + ".pub"), 2,
              "over the limit");
  ExpectFails("verify --checkpoint " + Quote(held) + " --pubkey " + Quote(held), 2,
              "not an Ed25519 public key");
}

TEST_F(AuditCliTest, ProveAndVerifyProofShowACompleteHistory) {
  std::string key = Keygen();
  std::string held = Checkpoint(key);
  Ok("prove SEC-A --checkpoint " + Quote(held) + " --out " + Quote(Path("proof.json")));
  CliResult r =
      Cli("verify-proof " + Quote(Path("proof.json")) + " --pubkey " + Quote(key + ".pub"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Lines(r.out), 7u) << r.out;  // 6 events and the verdict
  EXPECT_NE(r.out.find("versions 0 to 5, none missing"), std::string::npos) << r.out;

  // One event withheld: the completeness check fails.
  auto proof = HistoryProof::FromJson(ReadFileText(Path("proof.json")));
  ASSERT_TRUE(proof.ok());
  proof->events.erase(proof->events.begin() + 3);
  Write(Path("withheld.json"), proof->ToJson());
  ExpectFails("verify-proof " + Quote(Path("withheld.json")) + " --pubkey " + Quote(key + ".pub"),
              6, "missing");
  ExpectFails(
      "verify-proof " + Quote(Path("proof.json")) + " --pubkey " + Quote(Keygen("other") + ".pub"),
      6, "signed by key");
  Write(Path("garbage.json"), "{\"format\": 3}");
  ExpectFails("verify-proof " + Quote(Path("garbage.json")) + " --pubkey " + Quote(key + ".pub"), 2,
              "format");
  ExpectFails("verify-proof " + Quote(Path("proof.json")), 2, "--pubkey is required");
  ExpectFails("prove SEC-NONE --checkpoint " + Quote(held), 5, "no secondment SEC-NONE");
  ExpectFails("prove '../../etc/passwd' --checkpoint " + Quote(held), 2, "secondment id");
  ExpectFails("prove SEC-A", 2, "--checkpoint is required");
  ExpectFails("prove SEC-A --checkpoint " + Quote(held) + " --out " + Quote(Path("proof.json")), 2,
              "already exists");
}

TEST_F(AuditCliTest, AnAuditBundleVerifiesOfflineAndTamperingIsCaught) {
  std::string key = Keygen();
  Checkpoint(key);
  CliResult r = Cli("audit-bundle --out " + Quote(Path("bundle")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("10 events"), std::string::npos) << r.out;
  std::string pub = " --pubkey " + Quote(key + ".pub");
  CliResult v = Cli("verify-bundle " + Quote(Path("bundle")) + pub);
  ASSERT_EQ(v.code, 0) << v.err;
  EXPECT_NE(v.out.find("verified bundle"), std::string::npos) << v.out;
  // The ledger is not needed: it is moved away.
  std::filesystem::rename(data(), Path("moved"));
  EXPECT_EQ(Cli("verify-bundle " + Quote(Path("bundle")) + pub).code, 0);
  std::filesystem::rename(Path("moved"), data());

  std::filesystem::copy(Path("bundle"), Path("json-edited"),
                        std::filesystem::copy_options::recursive);
  std::string lines = ReadFileText(Path("json-edited/events.jsonl"));
  lines.replace(lines.find("mgr-host"), 8, "mgr-evil");
  Write(Path("json-edited/events.jsonl"), lines);
  ExpectFails("verify-bundle " + Quote(Path("json-edited")) + pub, 6,
              "does not match its verified bytes");

  std::filesystem::copy(Path("bundle"), Path("bin-edited"),
                        std::filesystem::copy_options::recursive);
  std::string bin = ReadFileText(Path("bin-edited/events.bin"));
  bin[bin.find("Recruitment lead")] = 'r';
  Write(Path("bin-edited/events.bin"), bin);
  ExpectFails("verify-bundle " + Quote(Path("bin-edited")) + pub, 6, "position 1: ");

  std::string other = Keygen("other");
  ExpectFails("verify-bundle " + Quote(Path("bundle")) + " --pubkey " + Quote(other + ".pub"), 6,
              "not by the key given");

  // A bundle stripped of its checkpoints authenticates nothing to an auditor with a key.
  std::filesystem::copy(Path("bundle"), Path("stripped"), std::filesystem::copy_options::recursive);
  std::filesystem::remove_all(Path("stripped/checkpoints"));
  ExpectFails("verify-bundle " + Quote(Path("stripped")) + pub, 6, "not authenticated");
  // ... unless the auditor brings the note they kept.
  CliResult held = Cli("verify-bundle " + Quote(Path("stripped")) + pub + " --checkpoint " +
                       Quote(Path("cp.txt")));
  EXPECT_EQ(held.code, 0) << held.err;

  // Events after the last checkpoint are said to be unsigned.
  Ok("--actor hr-1 --as hr withdraw SEC-B --reason 'role filled'");
  Ok("audit-bundle --out " + Quote(Path("later")));
  CliResult later = Cli("verify-bundle " + Quote(Path("later")) + pub);
  EXPECT_EQ(later.code, 0) << later.err;
  EXPECT_NE(later.out.find("note: events 11 to 11 come after the last signed checkpoint"),
            std::string::npos)
      << later.out;
  ExpectFails("verify-bundle " + Quote(Path("nowhere")), 2, "not an audit bundle");
  ExpectFails("audit-bundle --out " + Quote(Path("bundle")), 2, "not an empty directory");
  ExpectFails("audit-bundle", 2, "--out is required");
  ExpectFails("verify-bundle", 2, "bundle directory");
}

}  // namespace
}  // namespace secondment::testing
