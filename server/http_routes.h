// The HTTP API's routes (docs/http.md): each request, read off the loop into plain values, is
// answered on a worker thread by calling the application as the token's principal. Nothing
// here touches kj's HTTP objects: server/http.cc reads requests and sends answers.

#ifndef SECONDMENT_SERVER_HTTP_ROUTES_H_
#define SECONDMENT_SERVER_HTTP_ROUTES_H_

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/integrity/checkpoint.h"
#include "server/tokens.h"
#include "service/caller.h"
#include "service/ledger_service.h"

namespace secondment::server {

inline constexpr size_t kMaxHttpBody = 64 << 10;

struct HttpRequest {
  std::string method;             // "GET", "POST", ...
  std::vector<std::string> path;  // decoded segments: {"api", "v1", "secondments", "SEC-1"}
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::optional<std::string> authorization, role, idempotency_key, if_match, accept, content_type;
  std::string body;
};

struct HttpAnswer {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool appended = false;  // the request appended events (feeds wake)
};

// Counters for /metrics that the doors keep (the log keeps its own: ledger/log/stats.h).
struct HttpCounters {
  std::atomic<uint64_t> open_feeds{0};
  std::atomic<uint64_t> answers_2xx{0}, answers_4xx{0}, answers_5xx{0};
};

// A route's path pattern and method, as "GET /api/v1/secondments/{id}": what the server
// serves, for docs/http.md and the OpenAPI document to be checked against.
std::vector<std::string> HttpRouteList();

// The principal and role a request acts as (docs/http.md, "Signing in"): 401 unless the
// Authorization header holds a known token, 403 for a Secondment-Role the principal lacks.
struct Authenticated {
  Principal principal;
  service::Caller caller;
};

class HttpRoutes {
 public:
  // `ledger`, `tokens` and `counters` are borrowed and must outlive the routes. Thread-safe.
  HttpRoutes(service::LedgerService& ledger, TokenSource& tokens, HttpCounters& counters)
      : ledger_(ledger), tokens_(tokens), counters_(counters) {}

  // Answers `request` (on a worker thread: it may block on the disk).
  HttpAnswer Handle(const HttpRequest& request);

  // The caller of `request` for `operation` (the role header or ChooseRole), or the refusal
  // to answer with Problem (a refused token is 401 there).
  Result<Authenticated> Authenticate(const HttpRequest& request, service::Operation operation);
  // Whether the token of `principal` still names it (a revoked one ends an open feed).
  bool StillValid(const HttpRequest& request, const Principal& principal);

  // The problem+json answer for a refusal (docs/http.md, "Errors"). `if_match`: the request was
  // conditional (a Conflict is then 412); `fields`: the body fields to name in "field".
  static HttpAnswer Problem(const Status& status, bool if_match = false,
                            const std::vector<std::string_view>& fields = {});

  service::LedgerService& ledger() { return ledger_; }

 private:
  service::LedgerService& ledger_;
  TokenSource& tokens_;
  HttpCounters& counters_;
};

// "OK", "Created", "Not Found", ...
std::string HttpStatusText(unsigned status);

// A problem+json answer with exactly these members (Problem picks them for a Status).
HttpAnswer ProblemAnswer(unsigned http, std::string_view code, int exit_status,
                         std::string_view detail, std::optional<std::string_view> field);

// ---- Pieces the route handlers share (server/http_reads.cc, http_writes.cc) ----

// What one handler is given.
struct RouteCall {
  const HttpRequest& request;
  std::map<std::string, std::string> params;  // the path's {names}
  service::Caller caller;
  HttpRoutes& routes;
  // Set by a handler that reads a body: the fields a refusal may be about.
  std::vector<std::string_view> fields;
};

using RouteHandler = std::function<Result<HttpAnswer>(RouteCall&)>;

// The query parameter `name`, if given (InvalidArgument when given twice).
Result<std::optional<std::string>> QueryParam(const HttpRequest& request, std::string_view name);
// InvalidArgument naming the first query parameter not in `allowed`.
Status CheckQueryParams(const HttpRequest& request, const std::vector<std::string_view>& allowed);
// The list `name` of `items` (JSON objects) as {"name":[...]}, or as CSV when the request asks
// for it (Accept: text/csv, or ?format=csv), with `header` as its first columns (an empty
// list is that header row).
Result<HttpAnswer> ListAnswer(const HttpRequest& request, std::string_view name,
                              const std::vector<std::string>& items,
                              const std::vector<std::string_view>& header);
// A JSON answer.
HttpAnswer JsonAnswer(std::string body, unsigned status = 200);

// The handlers, by route.
Result<HttpAnswer> GetWhoAmI(RouteCall& call);
Result<HttpAnswer> ListSecondments(RouteCall& call);
Result<HttpAnswer> GetSecondment(RouteCall& call);
Result<HttpAnswer> GetHistory(RouteCall& call);
Result<HttpAnswer> GetProof(RouteCall& call);
Result<HttpAnswer> GetEmployeeHistory(RouteCall& call);
Result<HttpAnswer> ListPlacements(RouteCall& call);
Result<HttpAnswer> ListAlerts(RouteCall& call);
Result<HttpAnswer> GetToDo(RouteCall& call);
Result<HttpAnswer> ReadLog(RouteCall& call);
Result<HttpAnswer> GetTreeHead(RouteCall& call);
Result<HttpAnswer> ListCheckpoints(RouteCall& call);
// POST: a checkpoint signed elsewhere ({"note","publicKey"}), checked against this log.
Result<HttpAnswer> StoreCheckpoint(RouteCall& call);
Result<HttpAnswer> Verify(RouteCall& call);
Result<HttpAnswer> GetPolicy(RouteCall& call);
Result<HttpAnswer> Propose(RouteCall& call);
Result<HttpAnswer> Step(RouteCall& call);  // params["step"] names it
// The body fields of step `step` as a body spells them ("newRole"), for refusals to name.
std::vector<std::string_view> StepBodyFields(std::string_view step);
// OK when the request's body reads as step `step` (empty: a proposal), else what is wrong:
// malformed input is 400 whoever sends it, before the role's permission is asked.
Status CheckBody(const HttpRequest& request, const std::string& step);

// A stored checkpoint as JSON: ledger, size, root, time, keyId, note.
std::string CheckpointJson(const SignedCheckpoint& checkpoint);

// Prometheus text of the ledger's and the doors' counters.
std::string MetricsText(service::LedgerService& ledger, const HttpCounters& counters);

}  // namespace secondment::server

#endif  // SECONDMENT_SERVER_HTTP_ROUTES_H_
