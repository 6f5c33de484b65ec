// The HTTP API (docs/http.md) over real sockets: the lifecycle as HR, managers and auditors
// would drive it, the conventions (idempotent retry, ETag and If-Match, a revoked token),
// every error status with nothing written, CSV, /metrics and /healthz.

#include <fstream>
#include <sstream>

#include "ledger/event/event_json.h"
#include "ledger/integrity/history_proof.h"
#include "tests/common/command.h"
#include "tests/server/http_fixture.h"

namespace secondment::testing {
namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(HttpTest, ALifecycleAsHrManagersAndAnAuditorWouldDriveIt) {
  auto proposed = Post(hr_, "/api/v1/secondments", ProposalBody("emp-1"));
  ASSERT_EQ(proposed.status, 201) << proposed.body;
  std::string location = proposed.Header("location");
  ASSERT_EQ(location.rfind("/api/v1/secondments/SEC-", 0), 0u) << location;
  std::string id = location.substr(std::string("/api/v1/secondments/").size());
  EXPECT_EQ(proposed.Header("etag"), "\"0\"");
  EXPECT_TRUE(Has(proposed.body, "\"state\":\"proposed\"")) << proposed.body;

  // Each approver finds the request in their to-do list; the proposer's own hr approval is
  // refused (four eyes), a second hr's is not.
  for (const std::string* token : {&home_, &host_, &hr2_}) {
    auto todo = Get(*token, "/api/v1/todo");
    ASSERT_EQ(todo.status, 200);
    EXPECT_TRUE(
        Has(todo.body, "{\"kind\":\"approve\",\"id\":\"" + id + "\",\"scope\":\"placement\""))
        << todo.body;
    auto shown = Get(*token, "/api/v1/secondments/" + id);
    EXPECT_TRUE(Has(shown.body, "\"steps\":[\"approve\",\"refuse\"")) << shown.body;
  }
  auto own = Post(hr_, "/api/v1/secondments/" + id + "/approve", R"({"scope":"placement"})");
  EXPECT_EQ(own.status, 422);
  EXPECT_TRUE(Has(own.body, "its hr approval comes from someone else")) << own.body;
  for (const std::string* token : {&home_, &host_, &hr2_}) {
    auto approved =
        Post(*token, "/api/v1/secondments/" + id + "/approve", R"({"scope":"placement"})");
    ASSERT_EQ(approved.status, 200) << approved.body;
  }
  EXPECT_TRUE(Has(Get(hr_, "/api/v1/todo").body, "{\"kind\":\"sign\",\"id\":\"" + id + "\""));
  ASSERT_EQ(Post(hr_, "/api/v1/secondments/" + id + "/sign", R"({"agreement":"AG-7","version":2})")
                .status,
            200);
  auto started =
      Post(hr_, "/api/v1/secondments/" + id + "/start", R"({"date":")" + Today() + "\"}");
  ASSERT_EQ(started.status, 200) << started.body;
  EXPECT_TRUE(Has(started.body, "\"state\":\"active\""));

  auto placements = Get(hr_, "/api/v1/placements?hostOrg=acme&hostUnit=labs");
  ASSERT_EQ(placements.status, 200);
  EXPECT_TRUE(
      Has(placements.body, "{\"placements\":[{\"id\":\"" + id + "\",\"employeeId\":\"emp-1\""))
      << placements.body;
  EXPECT_EQ(Get(hr_, "/api/v1/placements?hostUnit=elsewhere").body, "{\"placements\":[]}");
  EXPECT_EQ(Get(hr_, "/api/v1/placements?asOf=" + Today(-1)).body, "{\"placements\":[]}");

  auto history = Get(home_, "/api/v1/secondments/" + id + "/history");
  ASSERT_EQ(history.status, 200);
  for (const char* type : {"proposed", "approvalGranted", "agreementSigned", "started"}) {
    EXPECT_TRUE(Has(history.body, std::string("\"type\":\"") + type + "\"")) << type;
  }
  // A manager named by it sees it; its steps are the manager's.
  auto as_manager = Get(host_, "/api/v1/secondments/" + id);
  EXPECT_TRUE(Has(as_manager.body, "\"steps\":[\"handover\",\"feedback\",\"request-extension\""))
      << as_manager.body;

  // The auditor: the tree head, a verification, and no proof before a checkpoint is stored.
  auto head = Get(auditor_, "/api/v1/tree-head");
  ASSERT_EQ(head.status, 200);
  EXPECT_TRUE(Has(head.body, "\"size\":" + std::to_string(ledger_->Head()) + ",")) << head.body;
  auto verified = Get(auditor_, "/api/v1/verify");
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_TRUE(Has(verified.body, "\"events\":" + std::to_string(ledger_->Head()) + ","));
  auto proof = Get(auditor_, "/api/v1/secondments/" + id + "/proof");
  EXPECT_EQ(proof.status, 404);
  EXPECT_TRUE(Has(proof.body, "no checkpoint is stored")) << proof.body;
}

TEST_F(HttpTest, ARetriedPostWithTheSameIdempotencyKeyWritesOnce) {
  HttpHeaderList key = {{"Idempotency-Key", "form-42"}};
  auto first = Post(hr_, "/api/v1/secondments", ProposalBody("emp-2"), key);
  ASSERT_EQ(first.status, 201) << first.body;
  Position head = ledger_->Head();
  auto again = Post(hr_, "/api/v1/secondments", ProposalBody("emp-2"), key);
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.Header("idempotent-replayed"), "true");
  EXPECT_EQ(again.Header("location"), first.Header("location"));
  EXPECT_EQ(ledger_->Head(), head);

  // A step, retried: once. A UUID key is the event's id as it is.
  std::string base = first.Header("location");
  HttpHeaderList uuid = {{"Idempotency-Key", "6f1c2a4e-1b7d-4c1e-9a3b-2d5e8f0a1b2c"}};
  ASSERT_EQ(Post(home_, base + "/approve", R"({"scope":"placement"})", uuid).status, 200);
  head = ledger_->Head();
  auto retried = Post(home_, base + "/approve", R"({"scope":"placement"})", uuid);
  EXPECT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(ledger_->Head(), head);
  auto log = Get(hr_, "/api/v1/log?from=" + std::to_string(head));
  EXPECT_TRUE(Has(log.body, "\"eventId\":\"6f1c2a4e-1b7d-4c1e-9a3b-2d5e8f0a1b2c\"")) << log.body;

  // The same key for another secondment is refused: 422, nothing written.
  ASSERT_EQ(Post(hr_, "/api/v1/secondments", ProposalBody("emp-3", "SEC-OTHER")).status, 201);
  head = ledger_->Head();
  auto reused =
      Post(home_, "/api/v1/secondments/SEC-OTHER/approve", R"({"scope":"placement"})", uuid);
  EXPECT_EQ(reused.status, 422) << reused.body;
  EXPECT_EQ(ledger_->Head(), head);
  EXPECT_EQ(Post(hr_, "/api/v1/secondments", ProposalBody("emp-4"),
                 {{"Idempotency-Key", std::string(201, 'k')}})
                .status,
            400);
}

TEST_F(HttpTest, AStaleIfMatchIsRefusedWith412AndNothingWritten) {
  ASSERT_EQ(Post(hr_, "/api/v1/secondments", ProposalBody("emp-5", "SEC-5")).status, 201);
  auto shown = Get(home_, "/api/v1/secondments/SEC-5");
  std::string etag = shown.Header("etag");
  ASSERT_EQ(etag, "\"0\"");
  // Someone else acts first; the form filled at version 0 is now stale.
  ASSERT_EQ(Post(host_, "/api/v1/secondments/SEC-5/approve", R"({"scope":"placement"})").status,
            200);
  Position head = ledger_->Head();
  auto stale = Post(home_, "/api/v1/secondments/SEC-5/approve", R"({"scope":"placement"})",
                    {{"If-Match", etag}});
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_TRUE(Has(stale.body, "\"code\":\"precondition_failed\"")) << stale.body;
  EXPECT_EQ(ledger_->Head(), head);
  std::string fresh = Get(home_, "/api/v1/secondments/SEC-5").Header("etag");
  EXPECT_EQ(fresh, "\"1\"");
  auto current = Post(home_, "/api/v1/secondments/SEC-5/approve", R"({"scope":"placement"})",
                      {{"If-Match", fresh}});
  EXPECT_EQ(current.status, 200) << current.body;
  EXPECT_EQ(current.Header("etag"), "\"2\"");
  EXPECT_EQ(
      Post(hr_, "/api/v1/secondments/SEC-5/withdraw", R"({"reason":"x"})", {{"If-Match", "seven"}})
          .status,
      400);
}

TEST_F(HttpTest, EveryErrorStatusIsProblemJsonAndWritesNothing) {
  Active("SEC-1", "emp-1");
  Position head = ledger_->Head();
  struct Case {
    int status;
    std::string method, target, token, body, code;
    HttpHeaderList headers;
  };
  std::string s1 = "/api/v1/secondments/SEC-1";
  std::vector<Case> cases = {
      {400, "POST", s1 + "/withdraw", hr_, "{\"reason\":", "invalid_argument"},
      {400, "POST", s1 + "/withdraw", hr_, R"({"reason":"x","why":"y"})", "invalid_argument"},
      {400, "POST", s1 + "/withdraw", hr_, R"({"reason":"x","reason":"y"})", "invalid_argument"},
      {400, "POST", s1 + "/return", hr_, R"({"date":"2026-02-30"})", "invalid_argument"},
      {400, "GET", "/api/v1/placements?asOf=2026-13-01", hr_, "", "invalid_argument"},
      {400, "GET", "/api/v1/placements?color=red", hr_, "", "invalid_argument"},
      {400, "GET", "/api/v1/log?from=0", hr_, "", "invalid_argument"},
      {400, "GET", "/api/v1/alerts?withinDays=-3", hr_, "", "invalid_argument"},
      {400, "GET", "/api/v1/secondments?state=sideways", hr_, "", "invalid_argument"},
      {401, "GET", "/api/v1/placements", "", "", "unauthenticated"},
      {401, "GET", "/api/v1/placements", "sl_" + std::string(64, '0'), "", "unauthenticated"},
      {403, "POST", "/api/v1/secondments", home_, ProposalBody("emp-9"), "forbidden"},
      {403, "GET", "/api/v1/verify", hr_, "", "forbidden"},
      {403, "GET", "/api/v1/placements", hr_, "", "forbidden", {{"Secondment-Role", "auditor"}}},
      {404, "GET", "/api/v1/secondments/SEC-NONE", hr_, "", "not_found"},
      {404, "POST", "/api/v1/secondments/SEC-NONE/start", hr_, "", "not_found"},
      {404, "GET", "/api/v1/nothing-here", hr_, "", "not_found"},
      {405, "DELETE", s1, hr_, "", "method_not_allowed"},
      {409, "POST", "/api/v1/secondments", hr_, ProposalBody("emp-7", "SEC-1"), "conflict"},
      {412,
       "POST",
       s1 + "/feedback",
       home_,
       R"({"text":"ok"})",
       "precondition_failed",
       {{"If-Match", "\"1\""}}},
      {413, "POST", s1 + "/withdraw", hr_, std::string(70 << 10, ' '), "too_large"},
      {415,
       "POST",
       s1 + "/withdraw",
       hr_,
       R"({"reason":"x"})",
       "unsupported_media_type",
       {{"Content-Type", "text/plain"}}},
      {422, "POST", s1 + "/start", hr_, "", "rule_violation"},
      {422, "POST", s1 + "/return", hr_, R"({"date":")" + Today(-10) + "\"}", "rule_violation"},
  };
  for (const Case& c : cases) {
    HttpHeaderList headers = c.headers;
    if (!c.token.empty()) headers.emplace_back("Authorization", "Bearer " + c.token);
    bool typed = false;
    for (const auto& [name, value] : headers) typed = typed || name == "Content-Type";
    if (c.method == "POST" && !typed) headers.emplace_back("Content-Type", "application/json");
    auto reply = HttpCall(port_, c.method, c.target, headers, c.body);
    SCOPED_TRACE(c.method + " " + c.target + " " + c.body.substr(0, 60));
    EXPECT_EQ(reply.status, c.status) << reply.body;
    EXPECT_EQ(reply.Header("content-type"), "application/problem+json");
    EXPECT_TRUE(Has(reply.body, "\"status\":" + std::to_string(c.status) + ",")) << reply.body;
    EXPECT_TRUE(Has(reply.body, "\"code\":\"" + c.code + "\"")) << reply.body;
    EXPECT_TRUE(Has(reply.body, "\"detail\":\"")) << reply.body;
    EXPECT_EQ(reply.body.find('\n'), std::string::npos);
    if (c.status == 401) EXPECT_EQ(reply.Header("www-authenticate"), "Bearer realm=\"secondment\"");
    if (c.status == 405) EXPECT_EQ(reply.Header("allow"), "GET");
    EXPECT_EQ(ledger_->Head(), head);
  }
  // The refusal names the field it concerns, for the page to show it there.
  auto dated = Post(hr_, s1 + "/return", R"({"date":")" + Today(-10) + "\"}");
  EXPECT_TRUE(Has(dated.body, "\"field\":\"date\"")) << dated.body;
  auto missing = Post(hr_, s1 + "/request-extension", R"({"rationale":"more"})");
  EXPECT_TRUE(Has(missing.body, "\"field\":\"until\"")) << missing.body;
  std::string backwards = ProposalBody("emp-8", "SEC-8");
  backwards.replace(backwards.find(Today(180)), 10, Today(-30));
  auto ends_first = Post(hr_, "/api/v1/secondments", backwards);
  EXPECT_EQ(ends_first.status, 400) << ends_first.body;
  EXPECT_TRUE(Has(ends_first.body, "\"field\":\"end\"")) << ends_first.body;
}

TEST_F(HttpTest, ARevokedTokenIsRefusedAtItsNextRequest) {
  ASSERT_EQ(Get(home_, "/api/v1/todo").status, 200);
  Revoke("mgr-home");
  auto refused = Get(home_, "/api/v1/todo");
  EXPECT_EQ(refused.status, 401);
  EXPECT_TRUE(Has(refused.body, "not known or revoked")) << refused.body;
  EXPECT_EQ(Get(hr_, "/api/v1/todo").status, 200);
}

TEST_F(HttpTest, ListsDownloadAsCsv) {
  Active("SEC-1", "emp-1");
  auto csv = Get(hr_, "/api/v1/placements?format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.substr(0, csv.body.find("\r\n")),
            "id,employeeId,homeOrg,homeUnit,hostOrg,hostUnit,kind,country,roleTitle,start,"
            "plannedEnd,end");
  EXPECT_TRUE(Has(csv.body, "\r\nSEC-1,emp-1,acme,finance,acme,labs,internal,,Analyst," + Today()))
      << csv.body;
  auto by_accept = Get(hr_, "/api/v1/secondments", {{"Accept", "text/csv"}});
  EXPECT_EQ(by_accept.body.rfind("id,state,employeeId,", 0), 0u) << by_accept.body;
  EXPECT_TRUE(Has(Get(hr_, "/api/v1/secondments/SEC-1/history?format=csv").body,
                  "position,recordedAt,streamId,"));
  // An empty list is its header row.
  EXPECT_EQ(Get(hr_, "/api/v1/alerts?format=csv").body, "alert,id,why\r\n");
  EXPECT_EQ(Get(hr_, "/api/v1/placements?format=csv&hostOrg=none").body.substr(0, 14),
            "id,employeeId,");
}

TEST_F(HttpTest, HealthAndPrometheusMetrics) {
  Active("SEC-1", "emp-1");
  auto health = Get("", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "{\"status\":\"ok\",\"head\":" + std::to_string(ledger_->Head()) + "}");
  auto metrics = Get("", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.Header("content-type"), "text/plain; version=0.0.4");
  for (const char* line :
       {"# TYPE secondment_appends_total counter\nsecondment_appends_total 6\n",
        "secondment_fsync_seconds_bucket{le=\"+Inf\"} 6\n", "secondment_fsync_seconds_count 6\n",
        "secondment_group_commit_size_count 6\n", "secondment_projection_lag_events 0\n",
        "secondment_open_feeds 0\n", "secondment_log_head "}) {
    EXPECT_TRUE(Has(metrics.body, line)) << line << "\n" << metrics.body;
  }
  EXPECT_FALSE(Has(metrics.body, "emp-1"));
}

TEST_F(HttpTest, ThePageIsServedFromTheBinary) {
  auto page = Get("", "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_TRUE(Has(page.body, "<html")) << page.body.substr(0, 200);
  EXPECT_TRUE(Has(page.Header("content-security-policy"), "default-src 'self'"));
  EXPECT_EQ(Get("", "/app.js").Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(Get("", "/style.css").Header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(Get("", "/no-such-file.js").status, 404);
}

TEST_F(HttpTest, AServerWithNoRoomLeftAnswers503WithRetryAfter) {
  max_waiting_ = 0;  // every request finds the workers' queue full
  Restart();
  auto busy = Get(hr_, "/api/v1/placements");
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.Header("retry-after"), "1");
  EXPECT_TRUE(Has(busy.body, "\"code\":\"unavailable\"")) << busy.body;
  EXPECT_TRUE(Has(busy.body, "\"exitStatus\":7")) << busy.body;
  EXPECT_EQ(Post(hr_, "/api/v1/secondments", ProposalBody("emp-1")).status, 503);
  EXPECT_EQ(ledger_->Head(), 0u);
}

TEST_F(HttpTest, TlsWithTheSameCertificateOptionsAsTheRpc) {
  std::string cert_path = dir_.Sub("cert.pem"), key_path = dir_.Sub("key.pem");
  ASSERT_TRUE(MakeLoopbackCertificate(cert_path, key_path));
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  cert_ = read(cert_path);
  key_ = read(key_path);
  Restart();
  std::string url = "https://127.0.0.1:" + std::to_string(port_);
  auto trusted =
      RunCommand("curl -s --max-time 10 --cacert " + Quote(cert_path) + " " + url + "/healthz");
  EXPECT_EQ(trusted.exit_code, 0);
  EXPECT_EQ(trusted.output, "{\"status\":\"ok\",\"head\":0}");
  auto whoami = RunCommand("curl -s --max-time 10 --cacert " + Quote(cert_path) +
                           " -H 'Authorization: Bearer " + hr_ + "' " + url + "/api/v1/whoami");
  EXPECT_TRUE(Has(whoami.output, "\"principal\":\"hr-1\"")) << whoami.output;
  // Not trusted without the certificate; plain HTTP on the TLS port gets no answer.
  EXPECT_NE(RunCommand("curl -s --max-time 10 " + url + "/healthz").exit_code, 0);
  EXPECT_EQ(Get("", "/healthz").status, 0);
}

TEST_F(HttpTest, AnAuditorStoresACheckpointSignedElsewhereAndDownloadsAProof) {
  Active("SEC-1", "emp-1");
  auto key = SigningKey::Generate();
  ASSERT_TRUE(key.ok());
  auto head = ledger_->GetTreeHead(service::Caller::Administrator());
  ASSERT_TRUE(head.ok());
  SignedCheckpoint signed_note = key->Sign(
      Checkpoint{head->ledger_id, head->head.size, head->head.root, SystemClock().NowMicros()});
  std::string body = "{\"note\":" + JsonString(signed_note.Note()) +
                     ",\"publicKey\":" + JsonString(key->Public().Pem()) + "}";
  EXPECT_EQ(Post(hr_, "/api/v1/checkpoints", body).status, 403);
  auto stored = Post(auditor_, "/api/v1/checkpoints", body);
  ASSERT_EQ(stored.status, 201) << stored.body;
  EXPECT_TRUE(Has(stored.body, "\"size\":" + std::to_string(head->head.size) + ","));
  EXPECT_TRUE(
      Has(Get(auditor_, "/api/v1/checkpoints").body, "\"keyId\":\"" + key->Public().KeyId()));
  auto proof = Get(auditor_, "/api/v1/secondments/SEC-1/proof");
  ASSERT_EQ(proof.status, 200) << proof.body;
  auto parsed = HistoryProof::FromJson(proof.body);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(Get(auditor_, "/api/v1/secondments/SEC-1/proof?size=1").status, 404);
  EXPECT_EQ(Post(auditor_, "/api/v1/checkpoints", R"({"note":"x","publicKey":"y"})").status, 400);
}

}  // namespace
}  // namespace secondment::testing
