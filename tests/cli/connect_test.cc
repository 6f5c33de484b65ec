// `secondment serve` and `--connect`, end to end with the command line over real sockets on
// 127.0.0.1: tokens and roles, the authenticated principal as the actor, the feed, TLS with a
// certificate made here, reads beside a running server, and a graceful stop. The server itself
// is tested in-process in tests/server/rpc_test.cc.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "ledger/integrity/checkpoint.h"
#include "tests/cli/cli_fixture.h"

namespace secondment::testing {
namespace {

class ServeTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    hr_ = Token("hr-ana", "--role hr");
    home_ = Token("mgr-home", "--role home_manager");
    other_manager_ = Token("mgr-other", "--role host_manager");
    auditor_ = Token("aud-1", "--role auditor");
    payroll_ = Token("payroll", "--role subscriber");
  }
  void TearDown() override { Stop(); }

  std::string Token(const std::string& principal, const std::string& roles) {
    std::string out = Ok("token add --tokens " + Quote(dir_.Sub("tokens")) + " --principal " +
                         principal + " " + roles);
    return out.substr(0, out.size() - 1);
  }
  // Starts the server on a free port; `extra` adds options.
  void Start(const std::string& extra = "") {
    std::string out = dir_.Sub("serve-out.txt");
    std::filesystem::remove(out);  // (a server started before wrote its port there)
    server_ = std::make_unique<BackgroundCommand>(
        std::string(SECONDMENT_BIN) + " --data " + Quote(data()) +
        " serve --listen 127.0.0.1:0 --tokens " + Quote(dir_.Sub("tokens")) + " " + extra + " > " +
        Quote(out) + " 2>" + Quote(dir_.Sub("serve-err.txt")));
    std::regex port_line("on port ([0-9]+)");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::smatch m;
    std::string text;
    while (std::chrono::steady_clock::now() < deadline) {
      text = ReadFileText(out);
      if (std::regex_search(text, m, port_line)) {
        port_ = m[1];
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL() << "the server did not start: " << ReadFileText(dir_.Sub("serve-err.txt"));
  }
  int Stop() {
    if (!server_) return 0;
    server_->Signal(SIGTERM);
    int code = server_->Wait();
    server_.reset();
    return code;
  }
  // A command through the server with `token`.
  CliResult Remote(const std::string& token, const std::string& args,
                   const std::string& extra = "") {
    return Cli(
        "--connect 127.0.0.1:" + port_ + " --token " + Quote(token) + " " + extra + " " + args,
        /*data_option=*/" ");
  }
  size_t LocalHead() {
    CliResult r = Cli("log --json");
    return Lines(r.out);
  }
  std::string ProposeArgs(const std::string& id) {
    return "propose --id " + id + " --employee emp-" + id +
           " --home-org Org --home-unit U --home-manager mgr-home "
           "--host-org Org --host-unit V --host-manager mgr-host --kind internal "
           "--role-title Analyst --start 2026-03-01 --end 2026-09-30";
  }

  std::unique_ptr<BackgroundCommand> server_;
  std::string port_;
  std::string hr_, home_, other_manager_, auditor_, payroll_;
};

TEST_F(ServeTest, RolesRecordTheirStepsAsTheAuthenticatedPrincipal) {
  Start();
  CliResult proposed = Remote(hr_, "--as hr " + ProposeArgs("SEC-R1"));
  ASSERT_EQ(proposed.code, 0) << proposed.err;
  EXPECT_EQ(proposed.out, "SEC-R1\n");
  CliResult approved = Remote(home_, "approve SEC-R1 --scope placement");
  ASSERT_EQ(approved.code, 0) << approved.err;
  CliResult history = Remote(auditor_, "--json history SEC-R1");
  ASSERT_EQ(history.code, 0) << history.err;
  EXPECT_NE(history.out.find("\"actor\":\"hr-ana\",\"role\":\"hr\""), std::string::npos)
      << history.out;
  EXPECT_NE(history.out.find("\"actor\":\"mgr-home\",\"role\":\"home_manager\""), std::string::npos)
      << history.out;
  // The same output and exit statuses as the local command.
  CliResult missing = Remote(auditor_, "show SEC-NONE");
  EXPECT_EQ(missing.code, 5);
  EXPECT_EQ(missing.err, "no secondment SEC-NONE\n");
  CliResult verified = Remote(auditor_, "verify");
  EXPECT_EQ(verified.code, 0) << verified.err;
  EXPECT_NE(verified.out.find("verified 3 events"), std::string::npos);
}

TEST_F(ServeTest, DatedStepsCorrectionsVoidsAndThePolicyGoThroughTheServer) {
  Start();
  ASSERT_EQ(Remote(hr_, "--as hr " + ProposeArgs("SEC-D1") + " --date 2026-01-05").code, 0);
  CliResult approved = Remote(home_, "approve SEC-D1 --scope placement --date 2026-01-12");
  ASSERT_EQ(approved.code, 0) << approved.err;
  CliResult history = Remote(auditor_, "--json history SEC-D1");
  EXPECT_NE(history.out.find("\"effectiveDate\":\"2026-01-05\",\"actor\":\"hr-ana\""),
            std::string::npos)
      << history.out;
  EXPECT_NE(history.out.find("\"effectiveDate\":\"2026-01-12\",\"actor\":\"mgr-home\""),
            std::string::npos)
      << history.out;
  CliResult own = Remote(hr_, "--as hr approve SEC-D1 --scope placement --date 2026-01-12");
  EXPECT_EQ(own.code, 3);
  EXPECT_EQ(own.err,
            "cannot approve SEC-D1: hr-ana made the placement request; its hr approval comes from "
            "someone else\n");
  CliResult early = Remote(hr_, "--as hr withdraw SEC-D1 --reason x --date 2026-01-04");
  EXPECT_EQ(early.code, 3);
  EXPECT_NE(early.err.find("is before its proposal on 2026-01-05"), std::string::npos);
  CliResult corrected =
      Remote(hr_, "--as hr correct SEC-D1 --field host_unit --value W --reason 'renamed'");
  ASSERT_EQ(corrected.code, 0) << corrected.err;
  EXPECT_NE(Remote(auditor_, "show SEC-D1").out.find("host        Org / W"), std::string::npos);
  CliResult voided = Remote(hr_, "--as hr void SEC-D1 --position 1 --reason x");
  EXPECT_EQ(voided.code, 3);
  EXPECT_NE(voided.err.find("position 1 holds a proposed event"), std::string::npos);
  CliResult policy = Remote(auditor_, "policy show");
  EXPECT_EQ(policy.code, 0) << policy.err;
  EXPECT_NE(policy.out.find("four eyes: one person gives at most one approval of a request"),
            std::string::npos)
      << policy.out;
  EXPECT_EQ(LocalHead(), 4u);  // proposal, claim, approval, correction
}

TEST_F(ServeTest, NoTokenAWrongTokenAndAMissingRightAreRefusedAndWriteNothing) {
  Start();
  ASSERT_EQ(Remote(hr_, "--as hr " + ProposeArgs("SEC-R2")).code, 0);
  size_t head = 2;
  struct Case {
    std::string token, args;
    int code;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"sl_" + std::string(64, '0'), "--as hr withdraw SEC-R2 --reason x", 2,
            "refused the token"},
           {"", "--as hr withdraw SEC-R2 --reason x", 2, "refused the token"},
           {auditor_, "--as hr withdraw SEC-R2 --reason x", 3, "not permitted"},
           {auditor_, "withdraw SEC-R2 --reason x", 3, "not permitted"},
           {payroll_, "show SEC-R2", 3, "not permitted"},
           {home_, "withdraw SEC-R2 --reason x", 3, "not permitted"},
           // The client reads its own file (the server never gets a path).
           {hr_, "--as hr propose --file /etc/passwd", 2, "/etc/passwd is not valid JSON"}}) {
    CliResult r = Remote(c.token, c.args);
    EXPECT_EQ(r.code, c.code) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
  }
  // A proposal file of the client's travels as its content.
  std::ofstream(dir_.Sub("proposal.json"))
      << R"({"id":"SEC-R9","employee":"emp-9","homeOrg":"Org","homeUnit":"U",)"
      << R"("homeManager":"mgr-home","hostOrg":"Org","hostUnit":"V","hostManager":"mgr-host",)"
      << R"("kind":"internal","roleTitle":"Analyst","start":"2026-03-01","end":"2026-09-30"})";
  CliResult from_file = Remote(hr_, "--as hr propose --file " + Quote(dir_.Sub("proposal.json")));
  EXPECT_EQ(from_file.code, 0) << from_file.err;
  EXPECT_EQ(from_file.out, "SEC-R9\n");
  head += 2;
  CliResult no_token = Cli("--connect 127.0.0.1:" + port_ + " show SEC-R2", " ");
  EXPECT_EQ(no_token.code, 2);
  EXPECT_NE(no_token.err.find("--connect needs --token"), std::string::npos);
  CliResult actor = Remote(hr_, "--actor someone-else --as hr withdraw SEC-R2 --reason x");
  EXPECT_EQ(actor.code, 2);
  EXPECT_NE(actor.err.find("--actor does not go with --connect"), std::string::npos);
  // Reads work beside the server; nothing was written.
  EXPECT_EQ(LocalHead(), head);
  // Local writes are told to go through the server.
  CliResult local = Cli("--actor hr-1 --as hr withdraw SEC-R2 --reason x");
  EXPECT_EQ(local.code, 7);
  EXPECT_NE(local.err.find("--connect"), std::string::npos) << local.err;
}

TEST_F(ServeTest, APrincipalWithTwoRolesSaysWhichOneTakesAStep) {
  std::string both = Token("mgr-home2", "--role home_manager --role hr");
  Start();
  ASSERT_EQ(Remote(hr_, "--as hr " + ProposeArgs("SEC-W1")).code, 0);
  CliResult unsaid = Remote(both, "approve SEC-W1 --scope placement");
  EXPECT_EQ(unsaid.code, 2) << unsaid.err;
  EXPECT_NE(unsaid.err.find("say which with --as"), std::string::npos) << unsaid.err;
  EXPECT_EQ(LocalHead(), 2u);
  CliResult said = Remote(both, "--as hr approve SEC-W1 --scope placement");
  EXPECT_EQ(said.code, 0) << said.err;
  // A read goes with the role that sees every secondment.
  CliResult status = Remote(both, "status");
  EXPECT_EQ(status.code, 0) << status.err;
  EXPECT_NE(status.out.find("SEC-W1"), std::string::npos) << status.out;
}

TEST_F(ServeTest, AHostManagerCannotApproveASecondmentThatNamesAnother) {
  Start();
  ASSERT_EQ(Remote(hr_, "--as hr " + ProposeArgs("SEC-R3")).code, 0);
  CliResult r = Remote(other_manager_, "approve SEC-R3 --scope placement");
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("mgr-other"), std::string::npos) << r.err;
  EXPECT_EQ(LocalHead(), 2u);
}

TEST_F(ServeTest, ASubscriberFollowsEveryEventOnceInOrderWhileOthersWrite) {
  Start();
  ASSERT_EQ(Remote(hr_, "--as hr " + ProposeArgs("SEC-F0")).code, 0);
  std::string out = dir_.Sub("follow.txt");
  BackgroundCommand follower(std::string(SECONDMENT_BIN) + " --connect 127.0.0.1:" + port_ +
                             " --token " + payroll_ + " log --follow --consumer payroll > " +
                             Quote(out) + " 2>" + Quote(dir_.Sub("follow-err.txt")));
  for (int i = 1; i <= 10; ++i) {
    ASSERT_EQ(Remote(hr_, "--as hr " + ProposeArgs(fmt::format("SEC-F{}", i))).code, 0);
  }
  auto positions = [&] {
    std::vector<Position> got;
    std::istringstream lines(ReadFileText(out));
    std::string line;
    std::regex position("^\\{\"position\":([0-9]+),");
    while (std::getline(lines, line)) {
      std::smatch m;
      if (std::regex_search(line, m, position)) got.push_back(std::stoull(m[1]));
    }
    return got;
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (positions().size() < 22 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  follower.Signal(SIGTERM);
  EXPECT_EQ(follower.Wait(), 0) << ReadFileText(dir_.Sub("follow-err.txt"));
  std::vector<Position> got = positions();
  ASSERT_EQ(got.size(), 22u) << ReadFileText(dir_.Sub("follow-err.txt"));
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], i + 1);
  // The position is the principal's own consumer, acknowledged by the client on its way out.
  EXPECT_EQ(ReadFileText(data() + "/consumers/rpc.payroll.payroll"), "22\n");

  // Resumed: only what came after.
  std::string again = dir_.Sub("follow-again.txt");
  {
    BackgroundCommand resumed(std::string(SECONDMENT_BIN) + " --connect 127.0.0.1:" + port_ +
                              " --token " + payroll_ + " log --follow --consumer payroll > " +
                              Quote(again) + " 2>&1");
    ASSERT_EQ(Remote(hr_, "--as hr " + ProposeArgs("SEC-F11")).code, 0);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (Lines(ReadFileText(again)) < 2 && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    resumed.Signal(SIGTERM);
    EXPECT_EQ(resumed.Wait(), 0);
  }
  std::string resumed_out = ReadFileText(again);
  EXPECT_EQ(Lines(resumed_out), 2u) << resumed_out;
  EXPECT_EQ(resumed_out.rfind("{\"position\":23,", 0), 0u) << resumed_out;

  // Another principal naming the relay's consumer touches only its own namespace.
  std::string intruder = Token("intruder", "--role subscriber");
  CliResult sneaky = Cli("--connect 127.0.0.1:" + port_ + " --token " + intruder +
                             " log --follow --consumer relay.SECONDMENTS --from 999999 | head -n 0",
                         " ");
  (void)sneaky;
  EXPECT_FALSE(std::filesystem::exists(data() + "/consumers/relay.SECONDMENTS"));
}

TEST_F(ServeTest, TlsWithACertificateMadeHere) {
  std::string cert = dir_.Sub("cert.pem"), key = dir_.Sub("key.pem");
  ASSERT_TRUE(MakeLoopbackCertificate(cert, key));
  Start("--tls-cert " + Quote(cert) + " --tls-key " + Quote(key));
  CliResult secure = Remote(hr_, "--as hr " + ProposeArgs("SEC-T1"), "--tls-ca " + Quote(cert));
  EXPECT_EQ(secure.code, 0) << secure.err;
  // A certificate whose subject alternative name holds the IP address connected to is accepted
  // (MakeLoopbackCertificate: IP:127.0.0.1, and a common name that is no address).
  // A plain client on the TLS port is told so in one line.
  CliResult plain = Remote(hr_, "--as hr " + ProposeArgs("SEC-T2"));
  EXPECT_EQ(plain.code, 6);
  EXPECT_NE(plain.err.find("this port serves TLS only"), std::string::npos) << plain.err;
  EXPECT_EQ(Lines(plain.err), 1u) << plain.err;
  std::string other_cert = dir_.Sub("other.pem"), other_key = dir_.Sub("other-key.pem");
  ASSERT_TRUE(MakeLoopbackCertificate(other_cert, other_key));
  CliResult untrusted =
      Remote(hr_, "--as hr " + ProposeArgs("SEC-T3"), "--tls-ca " + Quote(other_cert));
  EXPECT_EQ(untrusted.code, 6) << untrusted.err;
  EXPECT_EQ(Stop(), 0);
  EXPECT_EQ(LocalHead(), 2u);
  // And a TLS client on a plain port.
  Start();
  CliResult tls_on_plain =
      Remote(hr_, "--as hr " + ProposeArgs("SEC-T4"), "--tls-ca " + Quote(cert));
  EXPECT_EQ(tls_on_plain.code, 6);
  EXPECT_NE(tls_on_plain.err.find("does not speak TLS"), std::string::npos) << tls_on_plain.err;
  EXPECT_EQ(Lines(tls_on_plain.err), 1u) << tls_on_plain.err;
  EXPECT_EQ(Stop(), 0);
}

TEST_F(ServeTest, SigtermStopsGracefullyWithEveryAcknowledgedAppendKept) {
  Start();
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(Remote(hr_, "--as hr " + ProposeArgs(fmt::format("SEC-G{}", i))).code, 0);
  }
  EXPECT_EQ(Stop(), 0);
  EXPECT_NE(ReadFileText(dir_.Sub("serve-out.txt")).find("stopped; the ledger is closed"),
            std::string::npos);
  EXPECT_EQ(LocalHead(), 10u);
  CliResult verified = Cli("verify");
  EXPECT_EQ(verified.code, 0) << verified.err;
}

TEST_F(ServeTest, AnAuditorVerifiesAndProvesThroughTheServerWithItsOwnFiles) {
  Ok("--actor hr-1 --as hr " + ProposeArgs("SEC-A1"));
  Ok("keygen --out " + Quote(dir_.Sub("auditor.key")));
  Ok("checkpoint --key " + Quote(dir_.Sub("auditor.key")) + " --out " + Quote(dir_.Sub("cp.txt")));
  Start();
  std::string files = " --checkpoint " + Quote(dir_.Sub("cp.txt")) + " --pubkey " +
                      Quote(dir_.Sub("auditor.key.pub"));
  CliResult verified = Remote(auditor_, "verify" + files);
  EXPECT_EQ(verified.code, 0) << verified.err;
  EXPECT_NE(verified.out.find("extends the checkpoint of 2 events"), std::string::npos)
      << verified.out;
  CliResult proved = Remote(auditor_, "prove SEC-A1 --checkpoint " + Quote(dir_.Sub("cp.txt")) +
                                          " --out " + Quote(dir_.Sub("proof.json")));
  EXPECT_EQ(proved.code, 0) << proved.err;
  CliResult checked = Cli("verify-proof " + Quote(dir_.Sub("proof.json")) + " --pubkey " +
                          Quote(dir_.Sub("auditor.key.pub")));
  EXPECT_EQ(checked.code, 0) << checked.err;
  EXPECT_EQ(Remote(hr_, "prove SEC-A1 --checkpoint " + Quote(dir_.Sub("cp.txt"))).code, 3);

  // A checkpoint signed through the server: the private key never leaves the client.
  ASSERT_EQ(Remote(hr_, "--as hr " + ProposeArgs("SEC-A2")).code, 0);
  CliResult signed_here = Remote(auditor_, "checkpoint --key " + Quote(dir_.Sub("auditor.key")) +
                                               " --out " + Quote(dir_.Sub("cp2.txt")));
  ASSERT_EQ(signed_here.code, 0) << signed_here.err;
  EXPECT_NE(signed_here.out.find("size 4"), std::string::npos) << signed_here.out;
  EXPECT_EQ(ReadFileText(dir_.Sub("cp2.txt")), signed_here.out);
  CliResult stored = Remote(auditor_, "verify --pubkey " + Quote(dir_.Sub("auditor.key.pub")));
  EXPECT_NE(stored.out.find("2 stored checkpoints"), std::string::npos) << stored.out;
}

TEST_F(ServeTest, BadServeOptionsAreRefused) {
  CliResult no_tokens = Cli("serve --listen 127.0.0.1:0");
  EXPECT_EQ(no_tokens.code, 2);
  std::ofstream(dir_.Sub("broken"), std::ios::trunc) << "garbage\n";
  CliResult broken = Cli("serve --listen 127.0.0.1:0 --tokens " + Quote(dir_.Sub("broken")));
  EXPECT_EQ(broken.code, 2);
  EXPECT_NE(broken.err.find("line 1"), std::string::npos);
  CliResult half_tls =
      Cli("serve --listen 127.0.0.1:0 --tokens " + Quote(dir_.Sub("tokens")) + " --tls-cert x");
  EXPECT_EQ(half_tls.code, 2);
  // Refused with one line before the ledger is opened: no server runs, nothing is created.
  std::string cert = dir_.Sub("cert.pem"), key = dir_.Sub("key.pem");
  std::string other_cert = dir_.Sub("other.pem"), other_key = dir_.Sub("other-key.pem");
  ASSERT_TRUE(MakeLoopbackCertificate(cert, key));
  ASSERT_TRUE(MakeLoopbackCertificate(other_cert, other_key));
  std::string tokens = " --tokens " + Quote(dir_.Sub("tokens"));
  struct Case {
    std::string args, message;
  };
  for (const Case& c :
       std::vector<Case>{{"serve --listen 127.0.0.1:0 --tokens /nonexistent", "does not exist"},
                         {"serve --listen 127.0.0.1:99999" + tokens, "port from 0 to 65535"},
                         {"serve --listen 7443" + tokens, "not HOST:PORT"},
                         {"serve --listen :7443" + tokens, "not HOST:PORT"},
                         {"serve --listen 127.0.0.1:x" + tokens, "not HOST:PORT"},
                         {"serve --listen 127.0.0.1:0" + tokens + " --tls-cert " + Quote(cert) +
                              " --tls-key " + Quote(other_key),
                          "do not belong together"},
                         {"serve --listen 127.0.0.1:0" + tokens + " --tls-cert " +
                              Quote(dir_.Sub("tokens")) + " --tls-key " + Quote(key),
                          "--tls-cert is not a PEM certificate"},
                         {"serve --listen 127.0.0.1:0" + tokens +
                              " --tls-cert /nonexistent --tls-key " + Quote(key),
                          "/nonexistent"}}) {
    CliResult r = Cli(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_EQ(Lines(r.err), 1u) << r.err;
    EXPECT_EQ(r.out, "") << c.args;
  }
  CliResult nowhere = Cli("serve --listen 127.0.0.1:0" + tokens, "--data " + Quote(dir_.Sub("x")));
  EXPECT_EQ(nowhere.code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("x")));
  CliResult unreachable = Cli("--connect 127.0.0.1:1 --token x show SEC-1", " ");
  EXPECT_EQ(unreachable.code, 6) << unreachable.err;
  // A token never crosses the network in clear.
  CliResult clear = Cli("--connect 10.1.2.3:7443 --token x show SEC-1", " ");
  EXPECT_EQ(clear.code, 2);
  EXPECT_NE(clear.err.find("in clear"), std::string::npos) << clear.err;
}

TEST_F(ServeTest, TheTokenMayComeFromTheEnvironment) {
  Start();
  ASSERT_EQ(Remote(hr_, "--as hr " + ProposeArgs("SEC-E1")).code, 0);
  CommandOutcome from_env =
      RunCommand("SECONDMENT_TOKEN=" + auditor_ + " " + std::string(SECONDMENT_BIN) +
                 " --connect 127.0.0.1:" + port_ + " show SEC-E1 2>&1");
  EXPECT_EQ(from_env.exit_code, 0) << from_env.output;
  EXPECT_NE(from_env.output.find("SEC-E1"), std::string::npos);
}

// docs/integration.md shows a complete client; this builds that very text (CMake compiles
// docs/examples/rpc_client.cc, which must be what the page shows) and runs it against a real
// server, over plain TCP and over TLS.
TEST_F(ServeTest, TheExampleClientOfTheDocsRunsOverPlainTcpAndTls) {
  std::string page = ReadFileText(std::string(SOURCE_DIR) + "/docs/integration.md");
  std::string marker = "<!-- example: docs/examples/rpc_client.cc -->\n```cpp\n";
  size_t begin = page.find(marker);
  ASSERT_NE(begin, std::string::npos);
  begin += marker.size();
  size_t end = page.find("\n```\n", begin);
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(page.substr(begin, end + 1 - begin),
            ReadFileText(std::string(SOURCE_DIR) + "/docs/examples/rpc_client.cc"))
      << "the client in docs/integration.md is not docs/examples/rpc_client.cc";

  std::string token_file = dir_.Sub("hr.token");
  std::ofstream(token_file) << hr_ << "\n";
  std::string cert = dir_.Sub("cert.pem"), key = dir_.Sub("key.pem");
  ASSERT_EQ(RunCommand("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                       "-keyout " +
                       Quote(key) + " -out " + Quote(cert) +
                       " -days 1 -subj /CN=localhost -addext "
                       "subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null")
                .exit_code,
            0);
  auto run = [&](const std::string& args) {
    return RunCommand(std::string(EXAMPLE_CLIENT_BIN) + " " + args + " 2>&1");
  };

  Start();
  auto plain = run("127.0.0.1:" + port_ + " " + Quote(token_file));
  EXPECT_EQ(plain.exit_code, 0) << plain.output;
  EXPECT_NE(plain.output.find("hr-ana"), std::string::npos) << plain.output;
  EXPECT_NE(plain.output.find("proposed"), std::string::npos) << plain.output;
  // A refusal is one line "<Code>: <message>", exit 1.
  std::ofstream(dir_.Sub("bad.token")) << "sl_" << std::string(64, '0') << "\n";
  auto refused = run("127.0.0.1:" + port_ + " " + Quote(dir_.Sub("bad.token")));
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("Unauthenticated: the token is not known"), std::string::npos)
      << refused.output;
  EXPECT_EQ(Stop(), 0);

  Start("--tls-cert " + Quote(cert) + " --tls-key " + Quote(key));
  auto secure = run("localhost:" + port_ + " " + Quote(token_file) + " --tls-ca " + Quote(cert));
  // The same proposal again: the connection, the login and the call work, and the rule refuses.
  EXPECT_EQ(secure.exit_code, 1) << secure.output;
  EXPECT_NE(secure.output.find("RuleViolation: cannot propose"), std::string::npos)
      << secure.output;
  EXPECT_NE(secure.output.find("hr-ana"), std::string::npos) << secure.output;
  EXPECT_EQ(Stop(), 0);
  EXPECT_EQ(LocalHead(), 2u);
}

}  // namespace
}  // namespace secondment::testing
