// The route table, who is calling, and how a refusal is answered.

#include "server/http_routes.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "ledger/base/text.h"
#include "ledger/event/event_json.h"
#include "ledger/lifecycle/step_input.h"
#include "server/http_csv.h"
#include "server/web_assets.h"

namespace secondment::server {
namespace {

using service::Operation;

// How Authenticate marks a refused token (Problem answers it 401): the Status codes have no
// "unauthenticated" of their own.
constexpr std::string_view kUnauthenticated = "unauthenticated: ";

struct Route {
  std::string_view method;
  std::vector<std::string_view> pattern;  // segments; "{name}" matches any one
  // The operation that picks the caller's role; nullopt: no token needed.
  std::optional<Operation> operation;
  RouteHandler handler;
};

HttpAnswer Text(std::string body, std::string content_type) {
  HttpAnswer answer;
  answer.content_type = std::move(content_type);
  answer.body = std::move(body);
  return answer;
}

Result<HttpAnswer> Health(RouteCall& call) {
  return JsonAnswer(fmt::format("{{\"status\":\"ok\",\"head\":{}}}", call.routes.ledger().Head()));
}

const std::vector<Route>& Table() {
  static const std::vector<Route> kRoutes = {
      {"GET", {"healthz"}, std::nullopt, Health},
      {"GET",
       {"api", "v1", "openapi.json"},
       std::nullopt,
       [](RouteCall&) -> Result<HttpAnswer> {
         const WebAsset* doc = FindWebAsset("/openapi.json");
         if (doc == nullptr) return NotFound("no OpenAPI document was built in");
         return Text(std::string(doc->body), "application/json");
       }},
      {"GET", {"api", "v1", "whoami"}, Operation::kList, GetWhoAmI},
      {"GET", {"api", "v1", "secondments"}, Operation::kList, ListSecondments},
      {"POST", {"api", "v1", "secondments"}, Operation::kPropose, Propose},
      {"GET", {"api", "v1", "secondments", "{id}"}, Operation::kReadSecondment, GetSecondment},
      {"GET",
       {"api", "v1", "secondments", "{id}", "history"},
       Operation::kReadSecondment,
       GetHistory},
      {"GET", {"api", "v1", "secondments", "{id}", "proof"}, Operation::kAudit, GetProof},
      {"GET",
       {"api", "v1", "employees", "{employee}", "history"},
       Operation::kReadEmployee,
       GetEmployeeHistory},
      {"GET", {"api", "v1", "placements"}, Operation::kList, ListPlacements},
      {"GET", {"api", "v1", "alerts"}, Operation::kAlerts, ListAlerts},
      {"GET", {"api", "v1", "todo"}, Operation::kList, GetToDo},
      {"GET", {"api", "v1", "log"}, Operation::kReadLog, ReadLog},
      {"GET", {"api", "v1", "tree-head"}, Operation::kTreeHead, GetTreeHead},
      {"GET", {"api", "v1", "checkpoints"}, Operation::kTreeHead, ListCheckpoints},
      {"POST", {"api", "v1", "checkpoints"}, Operation::kStoreCheckpoint, StoreCheckpoint},
      {"GET", {"api", "v1", "verify"}, Operation::kAudit, Verify},
      {"GET", {"api", "v1", "policy"}, Operation::kReadSecondment, GetPolicy},
  };
  return kRoutes;
}

// The step routes: POST /api/v1/secondments/{id}/<step>, one per step.
std::optional<Operation> StepOperation(std::string_view step) {
  static const std::vector<std::pair<std::string_view, Operation>> kSteps = {
      {"approve", Operation::kApprove},   {"refuse", Operation::kRefuse},
      {"withdraw", Operation::kWithdraw}, {"sign", Operation::kSign},
      {"start", Operation::kStart},       {"handover", Operation::kHandover},
      {"feedback", Operation::kFeedback}, {"request-extension", Operation::kRequestExtension},
      {"return", Operation::kReturn},     {"propose-conversion", Operation::kProposeConversion},
      {"correct", Operation::kCorrect},   {"void", Operation::kVoid}};
  for (const auto& [name, operation] : kSteps) {
    if (name == step) return operation;
  }
  return std::nullopt;
}

bool Matches(const std::vector<std::string_view>& pattern, const std::vector<std::string>& path,
             std::map<std::string, std::string>* params) {
  if (pattern.size() != path.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    std::string_view want = pattern[i];
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      (*params)[std::string(want.substr(1, want.size() - 2))] = path[i];
    } else if (want != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string HttpStatusText(unsigned status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 503:
      return "Service Unavailable";
    default:
      return "Internal Server Error";
  }
}

namespace {

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// Where `word` first appears in `text` as a whole word, ignoring case; npos when it does not.
size_t FindWord(std::string_view text, std::string_view word) {
  if (word.empty()) return std::string_view::npos;
  auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  for (size_t i = 0; i + word.size() <= text.size(); ++i) {
    bool same = true;
    for (size_t j = 0; j < word.size() && same; ++j) same = lower(text[i + j]) == lower(word[j]);
    if (!same) continue;
    bool starts = i == 0 || !IsWordChar(text[i - 1]);
    bool ends = i + word.size() == text.size() || !IsWordChar(text[i + word.size()]);
    if (starts && ends) return i;
  }
  return std::string_view::npos;
}

bool HasWord(std::string_view text, std::string_view word) {
  return FindWord(text, word) != std::string_view::npos;
}

// The body field a message is about: one the message names (after "cannot VERB ID: "), else
// the business date for a date rule.
std::optional<std::string_view> FieldOf(std::string_view message,
                                        const std::vector<std::string_view>& fields) {
  if (message.substr(0, 7) == "cannot ") {
    if (size_t colon = message.find(": "); colon != std::string_view::npos) {
      message.remove_prefix(colon + 2);
    }
  }
  // The field named first is the one the message is about ("end date D is not after start
  // date S" is about the end).
  std::optional<std::string_view> first;
  size_t first_at = std::string_view::npos;
  for (std::string_view field : fields) {
    size_t at = FindWord(message, field);
    if (at < first_at) first = field, first_at = at;
  }
  if (first) return first;
  bool has_date = std::find(fields.begin(), fields.end(), "date") != fields.end();
  if (has_date && (HasWord(message, "today") || HasWord(message, "dated") ||
                   HasWord(message, "before") || HasWord(message, "after"))) {
    return "date";
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string_view> StepBodyFields(std::string_view step) {
  // (Spelled as a body spells them; kept for the life of the process.)
  static const std::map<std::string, std::vector<std::string>, std::less<>> kFields = [] {
    std::map<std::string, std::vector<std::string>, std::less<>> fields;
    for (std::string_view name : StepNames()) {
      auto& list = fields[std::string(name)];
      for (std::string_view field : StepFields(name)) list.push_back(JsonFieldName(field));
      if (name == "handover") list.push_back("duties");
    }
    return fields;
  }();
  auto it = kFields.find(step);
  if (it == kFields.end()) return {};
  return std::vector<std::string_view>(it->second.begin(), it->second.end());
}

std::vector<std::string> HttpRouteList() {
  std::vector<std::string> routes;
  auto path = [](const std::vector<std::string_view>& pattern) {
    std::string out;
    for (std::string_view segment : pattern) out += fmt::format("/{}", segment);
    return out;
  };
  for (const Route& route : Table()) {
    routes.push_back(fmt::format("{} {}", route.method, path(route.pattern)));
  }
  for (std::string_view step : StepNames()) {
    routes.push_back(fmt::format("POST /api/v1/secondments/{{id}}/{}", step));
  }
  routes.push_back("GET /api/v1/events/stream");
  routes.push_back("GET /metrics");
  return routes;
}

HttpAnswer JsonAnswer(std::string body, unsigned status) {
  HttpAnswer answer;
  answer.status = status;
  answer.body = std::move(body);
  return answer;
}

HttpAnswer ProblemAnswer(unsigned http, std::string_view code, int exit_status,
                         std::string_view detail, std::optional<std::string_view> field) {
  HttpAnswer answer = JsonAnswer(
      fmt::format("{{\"type\":\"about:blank\",\"title\":{},\"status\":{},\"code\":{},"
                  "\"exitStatus\":{},\"detail\":{}{}}}",
                  JsonString(HttpStatusText(http)), http, JsonString(code), exit_status,
                  JsonString(Printable(detail, 400)),
                  field ? fmt::format(",\"field\":{}", JsonString(*field)) : std::string()),
      http);
  answer.content_type = "application/problem+json";
  if (http == 503) answer.headers.emplace_back("Retry-After", "1");
  if (http == 401) answer.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"secondment\"");
  return answer;
}

HttpAnswer HttpRoutes::Problem(const Status& status, bool if_match,
                               const std::vector<std::string_view>& fields) {
  unsigned http = 500;
  std::string code = "internal";
  int exit_status = 6;
  const std::string& message = status.message();
  switch (status.code()) {
    case StatusCode::kOk:
    case StatusCode::kCorruption:
    case StatusCode::kIOError:
      break;
    case StatusCode::kInvalidArgument:
      http = 400, code = "invalid_argument", exit_status = 2;
      break;
    case StatusCode::kRuleViolation:
      exit_status = 3;
      if (message.rfind("not permitted", 0) == 0) {
        http = 403, code = "forbidden";
      } else {
        http = 422, code = "rule_violation";
      }
      break;
    case StatusCode::kConflict:
      exit_status = 4;
      if (if_match) {
        http = 412, code = "precondition_failed";
      } else {
        http = 409, code = "conflict";
      }
      break;
    case StatusCode::kNotFound:
      http = 404, code = "not_found", exit_status = 5;
      break;
    case StatusCode::kUnavailable:
      if (message.rfind(kUnauthenticated, 0) == 0) {
        return ProblemAnswer(401, "unauthenticated", 2,
                             std::string_view(message).substr(kUnauthenticated.size()),
                             std::nullopt);
      }
      http = 503, code = "unavailable", exit_status = 7;
      break;
  }
  std::string detail = Printable(message, 400);
  return ProblemAnswer(http, code, exit_status, detail, FieldOf(detail, fields));
}

Result<Authenticated> HttpRoutes::Authenticate(const HttpRequest& request, Operation operation) {
  constexpr std::string_view kBearer = "Bearer ";
  if (!request.authorization || request.authorization->size() <= kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), request.authorization->begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return Status(StatusCode::kUnavailable,
                  std::string(kUnauthenticated) + "no Authorization: Bearer token");
  }
  std::string_view token = std::string_view(*request.authorization).substr(kBearer.size());
  ASSIGN_OR_RETURN(std::optional<Principal> principal, tokens_.Authenticate(token));
  if (!principal) {
    return Status(StatusCode::kUnavailable,
                  std::string(kUnauthenticated) + "the token is not known or revoked");
  }
  service::Role role;
  if (request.role) {
    auto parsed = ParseRole(*request.role);
    if (!parsed.ok())
      return InvalidArgument(fmt::format("Secondment-Role: {}", parsed.status().message()));
    role = *parsed;
    if (!principal->Has(role)) {
      return RuleViolation(fmt::format("not permitted: principal {} does not act as {}",
                                       principal->id, RoleName(role)));
    }
  } else {
    ASSIGN_OR_RETURN(role, service::ChooseRole(principal->id, principal->roles, operation,
                                               "the Secondment-Role header"));
  }
  return Authenticated{*principal, {principal->id, role}};
}

bool HttpRoutes::StillValid(const HttpRequest& request, const Principal& principal) {
  auto now = Authenticate(request, Operation::kReadLog);
  return now.ok() && now->principal.id == principal.id;
}

HttpAnswer HttpRoutes::Handle(const HttpRequest& request) {
  HttpAnswer answer = [&]() -> HttpAnswer {
    // The page and its files.
    if (request.path.empty() || (request.path.size() == 1 && request.path[0] != "healthz" &&
                                 request.path[0] != "metrics" && request.path[0] != "api")) {
      std::string path = request.path.empty() ? "/" : "/" + request.path[0];
      const WebAsset* asset = FindWebAsset(path == "/" ? "/index.html" : path);
      if (asset != nullptr && path != "/openapi.json") {
        if (request.method != "GET" && request.method != "HEAD") {
          HttpAnswer refused = ProblemAnswer(405, "method_not_allowed", 2,
                                             "the page is read with GET", std::nullopt);
          refused.headers.emplace_back("Allow", "GET, HEAD");
          return refused;
        }
        HttpAnswer page = Text(std::string(asset->body), std::string(asset->content_type));
        page.headers.emplace_back("Cache-Control", "no-cache");
        page.headers.emplace_back(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        page.headers.emplace_back("X-Content-Type-Options", "nosniff");
        return page;
      }
    }
    if (request.path.size() == 1 && request.path[0] == "metrics") {
      if (request.method != "GET") return Problem(NotFound("no such route"));
      return Text(MetricsText(ledger_, counters_), "text/plain; version=0.0.4");
    }
    // The API.
    const Route* found = nullptr;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed;
    for (const Route& route : Table()) {
      std::map<std::string, std::string> matched;
      if (!Matches(route.pattern, request.path, &matched)) continue;
      allowed.emplace_back(route.method);
      if (route.method == request.method) found = &route, params = std::move(matched);
    }
    std::optional<Operation> step_operation;
    static const std::vector<std::string_view> kStepPattern = {"api", "v1", "secondments", "{id}",
                                                               "{step}"};
    if (found == nullptr && Matches(kStepPattern, request.path, &params)) {
      step_operation = StepOperation(params["step"]);
      if (step_operation) allowed.emplace_back("POST");
    }
    if (found == nullptr && !(step_operation && request.method == "POST")) {
      if (allowed.empty()) return Problem(NotFound("no such route; see /api/v1/openapi.json"));
      std::string list;
      for (const auto& method : allowed) list += (list.empty() ? "" : ", ") + method;
      HttpAnswer refused = ProblemAnswer(
          405, "method_not_allowed", 2,
          fmt::format("{} is not served here; use {}", Printable(request.method, 10), list),
          std::nullopt);
      refused.headers.emplace_back("Allow", list);
      return refused;
    }
    if (request.method == "POST" && request.content_type) {
      std::string_view type = *request.content_type;
      type = type.substr(0, type.find(';'));
      while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
      if (type != "application/json") {
        return ProblemAnswer(
            415, "unsupported_media_type", 2,
            fmt::format("the body must be application/json, not {}", Printable(type, 60)),
            std::nullopt);
      }
    }
    std::optional<Operation> operation = found ? found->operation : step_operation;
    RouteCall call{request, std::move(params), service::Caller::Administrator(), *this, {}};
    if (operation) {
      auto who = Authenticate(request, *operation);
      if (!who.ok()) {
        // (A proposal's or a step's body: checked before the permission.)
        bool lifecycle =
            step_operation.has_value() || (found && found->operation == Operation::kPropose);
        if (who.status().code() == StatusCode::kRuleViolation && lifecycle) {
          std::string step = found ? "" : call.params["step"];
          std::vector<std::string_view> fields;
          if (!step.empty()) fields = StepBodyFields(step);
          if (Status body = CheckBody(request, step); !body.ok())
            return Problem(body, false, fields);
        }
        return Problem(who.status());
      }
      call.caller = who->caller;
    }
    Result<HttpAnswer> answered = found ? found->handler(call) : Step(call);
    if (!answered.ok())
      return Problem(answered.status(), request.if_match.has_value(), call.fields);
    return std::move(*answered);
  }();
  auto& counter = answer.status < 400   ? counters_.answers_2xx
                  : answer.status < 500 ? counters_.answers_4xx
                                        : counters_.answers_5xx;
  counter.fetch_add(1, std::memory_order_relaxed);
  return answer;
}

Result<std::optional<std::string>> QueryParam(const HttpRequest& request, std::string_view name) {
  std::optional<std::string> value;
  for (const auto& [key, v] : request.query) {
    if (key != name) continue;
    if (value) return InvalidArgument(fmt::format("query parameter {} is given twice", name));
    value = v;
  }
  return value;
}

Status CheckQueryParams(const HttpRequest& request, const std::vector<std::string_view>& allowed) {
  for (const auto& [key, value] : request.query) {
    if (key == "format") {
      if (value != "csv" && value != "json") {
        return InvalidArgument(fmt::format("format '{}' is not csv or json", Printable(value, 20)));
      }
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return InvalidArgument(fmt::format("unknown query parameter '{}'", Printable(key, 40)));
    }
  }
  return Status::Ok();
}

Result<HttpAnswer> ListAnswer(const HttpRequest& request, std::string_view name,
                              const std::vector<std::string>& items,
                              const std::vector<std::string_view>& header) {
  ASSIGN_OR_RETURN(auto format, QueryParam(request, "format"));
  bool csv = format ? *format == "csv"
                    : request.accept && request.accept->find("text/csv") != std::string::npos;
  if (csv) {
    ASSIGN_OR_RETURN(std::string text, JsonObjectsToCsv(items, header));
    HttpAnswer answer;
    answer.content_type = "text/csv; charset=utf-8";
    answer.body = std::move(text);
    answer.headers.emplace_back("Content-Disposition",
                                fmt::format("attachment; filename=\"{}.csv\"", name));
    return answer;
  }
  std::string body = fmt::format("{{\"{}\":[", name);
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) body += ',';
    body += items[i];
  }
  body += "]}";
  return JsonAnswer(std::move(body));
}

}  // namespace secondment::server
