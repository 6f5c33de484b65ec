#include "server/http.h"

#include <fmt/format.h>
#include <kj/compat/http.h>
#include <kj/compat/url.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <memory>
#include <stdexcept>

#include "ledger/event/event_json.h"
#include "ledger/event/vocabulary.h"
#include "ledger/log/subscription.h"
#include "server/http_routes.h"

namespace secondment::server {
namespace {

constexpr size_t kFeedBatch = 1024;
constexpr auto kFeedIdle = 250 * kj::MILLISECONDS;
constexpr auto kKeepAlive = std::chrono::seconds(15);
constexpr auto kRecheckToken = std::chrono::seconds(1);

// Response headers the routes set by name.
constexpr const char* kResponseHeaders[] = {"ETag",
                                            "Idempotent-Replayed",
                                            "Retry-After",
                                            "WWW-Authenticate",
                                            "Allow",
                                            "Cache-Control",
                                            "Content-Disposition",
                                            "Content-Security-Policy",
                                            "X-Content-Type-Options",
                                            "X-Accel-Buffering"};

// One open event stream.
struct Feed {
  HttpRequest request;  // for the token's re-checks
  Authenticated who;
  Position next = 1;
  std::vector<std::string> types;
  kj::Own<kj::AsyncOutputStream> stream;
  std::chrono::steady_clock::time_point last_write = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_check = std::chrono::steady_clock::now();
};

}  // namespace

struct HttpApi::Impl final : public kj::HttpServerCallbacks {
  Impl(ServerContext& context, kj::TlsContext* tls, kj::Own<kj::ConnectionReceiver> port,
       size_t max_waiting)
      : context(context),
        max_waiting(max_waiting),
        routes(context.ledger, context.tokens, counters),
        table(MakeTable()),
        listener(tls ? tls->wrapPort(kj::mv(port)) : kj::mv(port)),
        server(kj::heap<kj::HttpServer>(
            context.timer, *table->table,
            [this](kj::AsyncIoStream& connection) -> kj::Own<kj::HttpService> {
              return kj::heap<Connection>(*this, connection);
            },
            Settings(*this))) {}

  // One client connection's service: the API's, knowing its stream (to close it after an answer
  // to "Connection: close").
  class Connection final : public kj::HttpService {
   public:
    Connection(Impl& api, kj::AsyncIoStream& stream) : api_(api), stream_(stream) {}
    kj::Promise<void> request(kj::HttpMethod method, kj::StringPtr url,
                              const kj::HttpHeaders& headers, kj::AsyncInputStream& body,
                              Response& response) override {
      return api_.Request(method, url, headers, body, response, stream_);
    }

   private:
    Impl& api_;
    kj::AsyncIoStream& stream_;
  };

  static kj::HttpServerSettings Settings(kj::HttpServerCallbacks& callbacks) {
    kj::HttpServerSettings settings;
    settings.callbacks = callbacks;
    return settings;
  }

  // A client that sent "Connection: close" has its connection closed after the answer (kj asks
  // this as each answer begins, on the loop, right after Send set it).
  bool shouldClose() override { return closing; }

  ~Impl() {
    server = nullptr;  // closes the connections, drops their promises
    context.workers.WaitIdle();
  }

  struct Table {
    kj::Own<kj::HttpHeaderTable> table;
    kj::HttpHeaderId authorization, role, idempotency_key, if_match, accept, last_event_id;
  };

  static kj::Own<Table> MakeTable() {
    kj::HttpHeaderTable::Builder builder;
    auto t = kj::heap<Table>();
    t->authorization = builder.add("Authorization");
    t->role = builder.add("Secondment-Role");
    t->idempotency_key = builder.add("Idempotency-Key");
    t->if_match = builder.add("If-Match");
    t->accept = builder.add("Accept");
    t->last_event_id = builder.add("Last-Event-ID");
    for (const char* name : kResponseHeaders) builder.add(name);
    t->table = builder.build();
    return t;
  }

  using Response = kj::HttpService::Response;

  kj::Promise<void> Request(kj::HttpMethod method, kj::StringPtr url,
                            const kj::HttpHeaders& headers, kj::AsyncInputStream& body,
                            Response& response, kj::AsyncIoStream& connection_stream) {
    HttpRequest r;
    r.method = kj::str(method).cStr();
    KJ_IF_MAYBE (parsed, kj::Url::tryParse(url, kj::Url::HTTP_REQUEST)) {
      for (auto& segment : parsed->path) r.path.emplace_back(segment.cStr());
      for (auto& param : parsed->query) r.query.emplace_back(param.name.cStr(), param.value.cStr());
    } else {
      return Send(response, ProblemAnswer(400, "invalid_argument", 2,
                                          "the request target is not a valid path", std::nullopt));
    }
    auto get = [&](kj::HttpHeaderId id) -> std::optional<std::string> {
      KJ_IF_MAYBE (value, headers.get(id)) return std::string(value->cStr());
      return std::nullopt;
    };
    r.authorization = get(table->authorization);
    r.role = get(table->role);
    r.idempotency_key = get(table->idempotency_key);
    r.if_match = get(table->if_match);
    r.accept = get(table->accept);
    r.content_type = get(kj::HttpHeaderId::CONTENT_TYPE);
    std::optional<std::string> connection = get(kj::HttpHeaderId::CONNECTION);
    kj::AsyncIoStream* close = connection && (*connection == "close" || *connection == "Close")
                                   ? &connection_stream
                                   : nullptr;
    KJ_IF_MAYBE (length, headers.get(kj::HttpHeaderId::CONTENT_LENGTH)) {
      if (length->size() > 12 || std::strtoull(length->cStr(), nullptr, 10) > kMaxHttpBody) {
        return Send(response, TooLarge(), close);
      }
    }
    bool stream = r.method == "GET" && r.path.size() == 4 && r.path[0] == "api" &&
                  r.path[1] == "v1" && r.path[2] == "events" && r.path[3] == "stream";
    std::optional<std::string> last_event_id = get(table->last_event_id);
    // A chunked body past the limit fails the read: that is 413 too.
    return body.readAllText(kMaxHttpBody + 1)
        .then([](kj::String text) -> kj::Maybe<kj::String> { return kj::mv(text); },
              [](kj::Exception&&) -> kj::Maybe<kj::String> { return nullptr; })
        .then([this, r = std::move(r), stream, last_event_id, close,
               &response](kj::Maybe<kj::String> read) mutable -> kj::Promise<void> {
          kj::String* text = nullptr;
          KJ_IF_MAYBE (t, read) text = t;
          if (text == nullptr || text->size() > kMaxHttpBody) {
            return Send(response, TooLarge(), close);
          }
          r.body = std::string(text->cStr(), text->size());
          if (stream) return Stream(std::move(r), last_event_id, response, close);
          if (queued >= max_waiting) {
            return Send(response,
                        ProblemAnswer(503, "unavailable", 7, "the server is too busy; try again",
                                      std::nullopt),
                        close);
          }
          ++queued;
          return context.workers
              .Run<HttpAnswer>([routes = &routes, r = std::move(r)] { return routes->Handle(r); })
              .then(
                  [this, &response, close](HttpAnswer answer) {
                    --queued;
                    if (answer.appended) context.appended.Notify();
                    return Send(response, std::move(answer), close);
                  },
                  [this](kj::Exception&& e) -> kj::Promise<void> {
                    --queued;
                    return kj::mv(e);
                  });
        });
  }

  static HttpAnswer TooLarge() {
    return ProblemAnswer(413, "too_large", 2,
                         fmt::format("the body is over {} bytes", kMaxHttpBody), std::nullopt);
  }

  // Sends `answer`; with `close`, the connection is closed after it ("Connection: close").
  kj::Promise<void> Send(Response& response, HttpAnswer answer,
                         kj::AsyncIoStream* close = nullptr) {
    kj::HttpHeaders headers(*table->table);
    headers.set(kj::HttpHeaderId::CONTENT_TYPE, kj::str(answer.content_type.c_str()));
    for (auto& [name, value] : answer.headers) {
      if (name == "Location") {
        headers.set(kj::HttpHeaderId::LOCATION, kj::str(value.c_str()));
      } else {
        KJ_IF_MAYBE (id, table->table->stringToId(name.c_str())) {
          headers.set(*id, kj::str(value.c_str()));
        }
      }
    }
    auto body = kj::heap<std::string>(std::move(answer.body));
    std::string status_text = HttpStatusText(answer.status);
    closing = close != nullptr;
    auto out = response.send(answer.status, status_text.c_str(), headers,
                             static_cast<uint64_t>(body->size()));
    closing = false;
    auto written = out->write(body->data(), body->size()).attach(kj::mv(out), kj::mv(body));
    if (close == nullptr) return written;
    return written.then([close] { close->shutdownWrite(); });
  }

  // ---- The event stream ----

  kj::Promise<void> Stream(HttpRequest r, std::optional<std::string> last_event_id,
                           Response& response, kj::AsyncIoStream* close) {
    struct Opened {
      std::optional<Authenticated> who;
      std::optional<HttpAnswer> refused;
      Position next = 1;
      std::vector<std::string> types;
    };
    return context.workers
        .Run<Opened>([routes = &routes, r, last_event_id]() -> Opened {
          Opened opened;
          auto refuse = [&](const Status& status) {
            opened.refused = HttpRoutes::Problem(status);
            return std::move(opened);
          };
          if (Status s = CheckQueryParams(r, {"from", "types"}); !s.ok()) return refuse(s);
          auto who = routes->Authenticate(r, service::Operation::kReadLog);
          if (!who.ok()) return refuse(who.status());
          if (Status s = service::MayPerform(who->caller, service::Operation::kReadLog); !s.ok()) {
            return refuse(s);
          }
          auto from = QueryParam(r, "from");
          if (!from.ok()) return refuse(from.status());
          std::string start = last_event_id ? *last_event_id : from->value_or("1");
          bool digits = !start.empty() && start.size() <= 19 &&
                        start.find_first_not_of("0123456789") == std::string::npos;
          if (!digits) {
            return refuse(InvalidArgument(fmt::format("{} must be a position, a whole number",
                                                      last_event_id ? "Last-Event-ID" : "from")));
          }
          opened.next = std::stoull(start) + (last_event_id ? 1 : 0);
          if (opened.next == 0) opened.next = 1;
          auto types = QueryParam(r, "types");
          if (!types.ok()) return refuse(types.status());
          if (*types) {
            std::string_view list = **types;
            while (!list.empty()) {
              size_t comma = list.find(',');
              opened.types.emplace_back(list.substr(0, comma));
              list = comma == std::string_view::npos ? "" : list.substr(comma + 1);
            }
            SubscriptionOptions check;
            check.types = opened.types;
            if (Status s = ValidateSubscriptionOptions(check); !s.ok()) return refuse(s);
          }
          opened.who = std::move(*who);
          return opened;
        })
        .then(
            [this, r = std::move(r), &response, close](Opened opened) mutable -> kj::Promise<void> {
              if (opened.refused) return Send(response, std::move(*opened.refused), close);
              kj::HttpHeaders headers(*table->table);
              headers.set(kj::HttpHeaderId::CONTENT_TYPE, "text/event-stream; charset=utf-8");
              KJ_IF_MAYBE (id, table->table->stringToId("Cache-Control"))
                headers.set(*id, "no-cache");
              KJ_IF_MAYBE (id, table->table->stringToId("X-Accel-Buffering"))
                headers.set(*id, "no");
              auto feed = std::make_shared<Feed>();
              feed->request = std::move(r);
              feed->who = std::move(*opened.who);
              feed->next = opened.next;
              feed->types = std::move(opened.types);
              feed->stream = response.send(200, "OK", headers);
              counters.open_feeds.fetch_add(1, std::memory_order_relaxed);
              counters.answers_2xx.fetch_add(1, std::memory_order_relaxed);
              // The stream ends when the client goes (a write fails), the token is revoked, or the
              // server stops (the promise is dropped).
              return Pump(feed).catch_([](kj::Exception&&) {}).attach(kj::defer([this] {
                counters.open_feeds.fetch_sub(1, std::memory_order_relaxed);
              }));
            });
  }

  kj::Promise<void> Pump(std::shared_ptr<Feed> feed) {
    auto now = std::chrono::steady_clock::now();
    if (now - feed->last_check >= kRecheckToken) {
      feed->last_check = now;
      if (!routes.StillValid(feed->request, feed->who.principal)) return kj::READY_NOW;
    }
    service::LedgerService& ledger = context.ledger;
    if (feed->next > ledger.Head()) {
      if (now - feed->last_write >= kKeepAlive) {
        feed->last_write = now;
        static const char kComment[] = ": keep-alive\n\n";
        return feed->stream->write(kComment, sizeof(kComment) - 1).then([this, feed] {
          return Pump(feed);
        });
      }
      return context.appended.Next()
          .exclusiveJoin(context.timer.afterDelay(kFeedIdle))
          .then([this, feed] { return Pump(feed); });
    }
    return Render(feed, feed->next).then([this, feed](Rendered r) {
      return Deliver(feed, kj::mv(r));
    });
  }

  // A batch of the log from one position, as the stream's text (the type filter applied).
  struct Rendered {
    std::string text;
    Position next = 0;  // the position after the last event read
  };

  // Reads and renders on a worker, so that the loop writes one batch while the next is made.
  kj::Promise<Rendered> Render(const std::shared_ptr<Feed>& feed, Position from) {
    return context.workers.Run<Rendered>([ledger = &context.ledger, caller = feed->who.caller,
                                          types = feed->types, from]() -> Rendered {
      Rendered r{{}, from};
      auto events = ledger->ReadLog(caller, from, kFeedBatch);
      if (!events.ok()) throw std::runtime_error(events.status().ToString());
      r.text.reserve(events->size() * 600);
      for (const RecordedEvent& event : *events) {
        r.next = event.position() + 1;
        std::string_view type = EventTypeName(event.Get());
        if (!types.empty() && std::find(types.begin(), types.end(), type) == types.end()) {
          continue;
        }
        r.text += "id: ";
        fmt::format_to(std::back_inserter(r.text), "{}", event.position());
        r.text += "\nevent: ";
        r.text += type;
        r.text += "\ndata: ";
        AppendEventJson(r.text, event);
        r.text += "\n\n";
      }
      return r;
    });
  }

  // Writes a rendered batch; while it goes out, the next batch is rendered when there is more.
  kj::Promise<void> Deliver(std::shared_ptr<Feed> feed, Rendered r) {
    feed->next = std::max(feed->next, r.next);
    if (r.text.empty()) return kj::evalLater([this, feed] { return Pump(feed); });
    feed->last_write = std::chrono::steady_clock::now();
    auto text = kj::heap<std::string>(std::move(r.text));
    auto written = feed->stream->write(text->data(), text->size()).attach(kj::mv(text));
    if (feed->next > context.ledger.Head() ||
        feed->last_write - feed->last_check >= kRecheckToken) {
      return written.then([this, feed] { return Pump(feed); });  // (Pump waits, or rechecks)
    }
    auto next = Render(feed, feed->next);
    return written.then([next = kj::mv(next)]() mutable { return kj::mv(next); })
        .then([this, feed](Rendered more) { return Deliver(feed, kj::mv(more)); });
  }

  ServerContext& context;
  const size_t max_waiting;
  bool closing = false;  // what shouldClose() answers now
  HttpCounters counters;
  HttpRoutes routes;
  kj::Own<Table> table;
  kj::Own<kj::ConnectionReceiver> listener;
  size_t queued = 0;  // requests handed to workers and not answered yet (loop thread only)
  kj::Own<kj::HttpServer> server;
};

HttpApi::HttpApi(ServerContext& context, kj::TlsContext* tls,
                 kj::Own<kj::ConnectionReceiver> listener, size_t max_waiting)
    : impl_(kj::heap<Impl>(context, tls, kj::mv(listener), max_waiting)) {}

HttpApi::~HttpApi() = default;

kj::Promise<void> HttpApi::Serve() { return impl_->server->listenHttp(*impl_->listener); }

}  // namespace secondment::server
