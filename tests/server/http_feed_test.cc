// The HTTP API's event stream (Server-Sent Events: no gap, no duplicate, resumable with
// Last-Event-ID), the hostile-input corpus sent as JSON bodies, and the OpenAPI document
// checked against the routes the server serves.

#include <capnp/compat/json.h>
#include <capnp/message.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "ledger/event/event_json.h"
#include "server/http_routes.h"
#include "tests/common/command.h"
#include "tests/server/http_fixture.h"

namespace secondment::testing {
namespace {

// A JSON string of `text`'s bytes as they are (bad UTF-8 included: the server must refuse it,
// not this client mend it).
std::string RawJsonString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\', out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::vector<Position> Positions(const std::vector<SseClient::Event>& events) {
  std::vector<Position> out;
  for (const auto& e : events) out.push_back(std::stoull(e.id));
  return out;
}

TEST_F(HttpTest, TheStreamHandsOverFromHistoryToLiveAndResumesAfterADrop) {
  Active("SEC-1", "emp-1");
  Position head = ledger_->Head();
  HttpHeaderList auth = {{"Authorization", "Bearer " + payroll_}};
  std::vector<Position> seen;
  {
    SseClient client(port_, "/api/v1/events/stream", auth);
    auto events = client.Read(head, std::chrono::seconds(10));
    ASSERT_EQ(client.head().status, 200);
    EXPECT_EQ(client.head().Header("content-type"), "text/event-stream; charset=utf-8");
    ASSERT_EQ(events.size(), head);
    EXPECT_EQ(events[0].type, "proposed");
    EXPECT_EQ(events[0].data.rfind("{\"position\":1,", 0), 0u) << events[0].data;
    // Live: an append wakes the stream.
    ASSERT_EQ(Post(hr_, "/api/v1/secondments/SEC-1/feedback", R"({"text":"fine"})",
                   {{"Secondment-Role", "hr"}})
                  .status,
              403);  // (hr gives no feedback: nothing is appended)
    ASSERT_EQ(Post(host_, "/api/v1/secondments/SEC-1/feedback", R"({"text":"fine"})").status, 200);
    events = client.Read(head + 1, std::chrono::seconds(10));
    ASSERT_EQ(events.size(), head + 1);
    EXPECT_EQ(events.back().type, "feedbackRecorded");
    seen = Positions(events);
  }  // the client drops
  ASSERT_EQ(Post(home_, "/api/v1/secondments/SEC-1/feedback", R"({"text":"good"})").status, 200);
  ASSERT_EQ(Post(host_, "/api/v1/secondments/SEC-1/handover",
                 R"({"direction":"inbound","from":"a","to":"b"})")
                .status,
            200);
  Position last = seen.back();
  HttpHeaderList resume = auth;
  resume.emplace_back("Last-Event-ID", std::to_string(last));
  SseClient again(port_, "/api/v1/events/stream", resume);
  auto rest = again.Read(ledger_->Head() - last, std::chrono::seconds(10));
  for (Position p : Positions(rest)) seen.push_back(p);
  std::vector<Position> expected(ledger_->Head());
  for (size_t i = 0; i < expected.size(); ++i) expected[i] = i + 1;
  EXPECT_EQ(seen, expected);  // every position once, in order

  // Filtered by type, from a position.
  SseClient filtered(port_, "/api/v1/events/stream?from=1&types=feedbackRecorded,started", auth);
  auto some = filtered.Read(3, std::chrono::seconds(10));
  ASSERT_EQ(some.size(), 3u);
  EXPECT_EQ(some[0].type, "started");
  EXPECT_EQ(some[1].type, "feedbackRecorded");
  EXPECT_EQ(some[2].type, "feedbackRecorded");
}

TEST_F(HttpTest, TheStreamRefusesBadInputAndEndsWhenTheTokenIsRevoked) {
  HttpHeaderList auth = {{"Authorization", "Bearer " + payroll_}};
  EXPECT_EQ(Get(payroll_, "/api/v1/events/stream?types=no_such_type").status, 400);
  EXPECT_EQ(Get(payroll_, "/api/v1/events/stream?from=abc").status, 400);
  EXPECT_EQ(Get("", "/api/v1/events/stream").status, 401);
  EXPECT_EQ(Get(home_, "/api/v1/events/stream").status, 403);
  SseClient client(port_, "/api/v1/events/stream", auth);
  client.Read(1, std::chrono::milliseconds(300));
  ASSERT_EQ(client.head().status, 200);
  Revoke("payroll");
  client.Read(1, std::chrono::seconds(5));
  EXPECT_TRUE(client.ended());
}

// The hostile-input corpus (tests/data/hostile/cases.txt) as JSON bodies: every proposal file,
// every proposal option and every step's options, each refused with 400 or 422 (413 for the
// body over 64 KiB) and nothing written.
TEST_F(HttpTest, TheHostileCorpusAsJsonBodiesIsRefusedAndWritesNothing) {
  Active("SEC-1", "emp-1");
  Position head = ledger_->Head();
  std::ifstream cases(std::string(HOSTILE_DIR) + "/cases.txt");
  ASSERT_TRUE(cases.good());
  std::string line;
  int sent = 0;
  auto expect_refused = [&](const HttpReply& reply, const std::string& what) {
    ++sent;
    EXPECT_TRUE(reply.status == 400 || reply.status == 422 || reply.status == 413)
        << what << " -> " << reply.status << " " << reply.body;
    EXPECT_EQ(reply.Header("content-type"), "application/problem+json") << what;
    EXPECT_EQ(ledger_->Head(), head) << what;
  };
  // Shell words to argv (the corpus quotes with bash's $'...').
  auto words = [&](const std::string& text) {
    auto out =
        RunCommand("bash -c " + Quote("for a in " + text + "; do printf '%s\\037' \"$a\"; done"));
    std::vector<std::string> argv;
    std::string word;
    for (char c : out.output) {
      if (c == '\037') {
        argv.push_back(word), word.clear();
      } else {
        word += c;
      }
    }
    return argv;
  };
  // Options to a JSON object: "--home-manager x" is "home-manager":"x" (loose names); an option
  // with no value is true (a wrong type).
  auto body_of = [&](const std::vector<std::string>& argv, size_t from) {
    std::string body = "{";
    for (size_t i = from; i < argv.size(); ++i) {
      if (argv[i].rfind("--", 0) != 0) continue;
      bool has_value = i + 1 < argv.size() && argv[i + 1].rfind("--", 0) != 0;
      body += (body.size() > 1 ? "," : "") + JsonString(argv[i].substr(2)) + ":" +
              (has_value ? RawJsonString(argv[i + 1]) : "true");
    }
    return body + "}";
  };
  while (std::getline(cases, line)) {
    if (line.size() < 3 || line[0] == '#') continue;
    std::string rest = line.substr(2);
    if (line[0] == 'W' && rest.find("{DIR}/") != std::string::npos) {
      std::string path = std::string(HOSTILE_DIR) + "/" + rest.substr(rest.find("{DIR}/") + 6);
      std::ifstream file(path, std::ios::binary);
      if (!file.good()) continue;  // (the missing file is the command line's case)
      std::stringstream text;
      text << file.rdbuf();
      expect_refused(Post(hr_, "/api/v1/secondments", text.str()), path);
    } else if (line[0] == 'P') {
      // A valid proposal, each hostile option replacing the field of its name.
      std::vector<std::pair<std::string, std::string>> fields = {
          {"id", "SEC-H9"},          {"employee", "emp-h9"}, {"home-org", "acme"},
          {"home-unit", "finance"},  {"home-manager", "mh"}, {"host-org", "acme"},
          {"host-unit", "labs"},     {"host-manager", "mv"}, {"kind", "internal"},
          {"role-title", "Analyst"}, {"start", Today()},     {"end", Today(180)}};
      auto argv = words(rest);
      std::string body = "{";
      for (const auto& [name, value] : fields) {
        if (std::find(argv.begin(), argv.end(), "--" + name) != argv.end()) continue;
        body += (body.size() > 1 ? "," : "") + JsonString(name) + ":" + JsonString(value);
      }
      std::string hostile = body_of(argv, 0);
      if (hostile.size() > 2) body += "," + hostile.substr(1, hostile.size() - 2);
      expect_refused(Post(hr_, "/api/v1/secondments", body + "}"), line);
    } else if (line[0] == 'A') {
      auto argv = words(rest);
      if (argv.size() < 2) continue;
      std::string target = "/api/v1/secondments/";
      for (char c : argv[1]) {
        target += std::isalnum(static_cast<unsigned char>(c)) || c == '-'
                      ? std::string(1, c)
                      : fmt::format("%{:02X}", static_cast<unsigned char>(c));
      }
      expect_refused(Post(hr_, target + "/" + argv[0], body_of(argv, 2)), line);
    }
  }
  EXPECT_GT(sent, 80);
}

TEST_F(HttpTest, TheOpenApiDocumentDescribesExactlyTheRoutesServed) {
  auto doc = Get("", "/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  capnp::JsonCodec codec;
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<capnp::JsonValue>();
  codec.decodeRaw(kj::StringPtr(doc.body.c_str(), doc.body.size()), root);
  std::set<std::string> documented;
  std::string version;
  for (auto field : root.getObject()) {
    std::string name = field.getName().cStr();
    if (name == "openapi") version = field.getValue().getString().cStr();
    if (name != "paths") continue;
    for (auto path : field.getValue().getObject()) {
      for (auto op : path.getValue().getObject()) {
        std::string method = op.getName().cStr();
        if (method == "parameters" || method == "summary" || method == "description") continue;
        for (char& c : method) c = static_cast<char>(std::toupper(c));
        documented.insert(method + " " + path.getName().cStr());
      }
    }
  }
  EXPECT_EQ(version.substr(0, 4), "3.1.");
  auto served_list = server::HttpRouteList();
  std::set<std::string> served(served_list.begin(), served_list.end());
  EXPECT_EQ(documented, served);

  // Every documented route answers as a route (not 404 "no such route", not 405) for a
  // principal who may use it.
  std::string both = Token("all-1", {service::Role::kHr, service::Role::kAuditor});
  for (const std::string& route : served) {
    std::string method = route.substr(0, route.find(' '));
    std::string path = route.substr(route.find(' ') + 1);
    if (path == "/api/v1/events/stream") continue;  // (a stream: its own test)
    for (auto [from, to] :
         {std::pair<std::string, std::string>{"{id}", "SEC-X"}, {"{employee}", "emp-x"}}) {
      if (size_t at = path.find(from); at != std::string::npos) path.replace(at, from.size(), to);
    }
    HttpHeaderList headers = {{"Authorization", "Bearer " + both},
                              {"Secondment-Role", route.find("verify") != std::string::npos ||
                                                          route.find("proof") != std::string::npos
                                                      ? "auditor"
                                                      : "hr"}};
    if (method == "POST") headers.emplace_back("Content-Type", "application/json");
    auto reply = HttpCall(port_, method, path, headers, method == "POST" ? "{}" : "");
    EXPECT_NE(reply.status, 405) << route << " " << reply.body;
    EXPECT_FALSE(reply.body.find("no such route") != std::string::npos) << route;
  }
}

}  // namespace
}  // namespace secondment::testing
