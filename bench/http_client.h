// A small blocking HTTP/1.1 client over a real socket on 127.0.0.1, for the HTTP API's tests
// and benchmark: one request per connection (Connection: close), requests one after another
// on a kept-alive connection, or an event stream read as it comes.

#ifndef SECONDMENT_BENCH_HTTP_CLIENT_H_
#define SECONDMENT_BENCH_HTTP_CLIENT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace secondment::http_client {

struct HttpReply {
  int status = 0;                              // 0: no answer
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

using HttpHeaderList = std::vector<std::pair<std::string, std::string>>;

inline int HttpConnect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline bool HttpSendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

inline std::string HttpRequestText(const std::string& method, const std::string& target,
                                   const HttpHeaderList& headers, const std::string& body,
                                   bool close = true) {
  std::string out = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (close) out += "Connection: close\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST")
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return out + "\r\n" + body;
}

// Parses the status line and headers at the start of `raw`; returns where the body begins
// (npos while the head is incomplete).
inline size_t HttpParseHead(const std::string& raw, HttpReply* reply) {
  size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return std::string::npos;
  size_t line_end = raw.find("\r\n");
  std::string status_line = raw.substr(0, line_end);
  if (status_line.size() >= 12) reply->status = std::stoi(status_line.substr(9, 3));
  size_t at = line_end + 2;
  while (at < end) {
    size_t next = raw.find("\r\n", at);
    std::string line = raw.substr(at, next - at);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(value.begin());
      reply->headers[name] = value;
    }
    at = next + 2;
  }
  return end + 4;
}

inline std::string HttpDechunk(const std::string& body) {
  std::string out;
  size_t at = 0;
  while (at < body.size()) {
    size_t line_end = body.find("\r\n", at);
    if (line_end == std::string::npos) break;
    size_t size = std::stoul(body.substr(at, line_end - at), nullptr, 16);
    if (size == 0) break;
    out += body.substr(line_end + 2, size);
    at = line_end + 2 + size + 2;
  }
  return out;
}

// One request and its whole answer.
inline HttpReply HttpCall(int port, const std::string& method, const std::string& target,
                          const HttpHeaderList& headers = {}, const std::string& body = "") {
  HttpReply reply;
  int fd = HttpConnect(port);
  if (fd < 0) return reply;
  HttpSendAll(fd, HttpRequestText(method, target, headers, body));
  std::string raw;
  char buffer[65536];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 30000) <= 0) break;
    ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    raw.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  size_t body_at = HttpParseHead(raw, &reply);
  if (body_at == std::string::npos) return reply;
  reply.body = raw.substr(body_at);
  if (reply.Header("transfer-encoding") == "chunked") reply.body = HttpDechunk(reply.body);
  return reply;
}

// Requests one after another on one kept-alive connection (answers with Content-Length).
class KeptAlive {
 public:
  explicit KeptAlive(int port) : fd_(HttpConnect(port)) {}
  ~KeptAlive() {
    if (fd_ >= 0) ::close(fd_);
  }
  KeptAlive(const KeptAlive&) = delete;
  KeptAlive& operator=(const KeptAlive&) = delete;

  HttpReply Call(const std::string& method, const std::string& target,
                 const HttpHeaderList& headers = {}, const std::string& body = "") {
    HttpReply reply;
    if (fd_ < 0 || !HttpSendAll(fd_, HttpRequestText(method, target, headers, body, false))) {
      return reply;
    }
    size_t body_at = std::string::npos;
    for (;;) {
      if (body_at == std::string::npos) body_at = HttpParseHead(raw_, &reply);
      if (body_at != std::string::npos) {
        size_t length = std::stoul(
            reply.Header("content-length").empty() ? "0" : reply.Header("content-length"));
        if (raw_.size() >= body_at + length) {
          reply.body = raw_.substr(body_at, length);
          raw_.erase(0, body_at + length);
          return reply;
        }
      }
      char buffer[65536];
      ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) return HttpReply{};
      raw_.append(buffer, static_cast<size_t>(n));
    }
  }

 private:
  int fd_;
  std::string raw_;
};

// An open event stream (Server-Sent Events), read as events come.
class SseClient {
 public:
  struct Event {
    std::string id, type, data;
  };

  SseClient(int port, const std::string& target, const HttpHeaderList& headers) {
    fd_ = HttpConnect(port);
    if (fd_ >= 0) HttpSendAll(fd_, HttpRequestText("GET", target, headers, "", false));
  }
  ~SseClient() { Close(); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Reads until `count` events have come or `timeout` passes; returns those read so far.
  std::vector<Event> Read(size_t count, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (events_.size() < count && fd_ >= 0 && !ended_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buffer[65536];
      ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        ended_ = true;
        break;
      }
      raw_.append(buffer, static_cast<size_t>(n));
      Parse();
    }
    return events_;
  }
  // Reads until `count` events have come or `timeout` passes, counting them without keeping
  // them (each event ends with a blank line; the server never splits one across chunks).
  // Returns the number read so far.
  size_t Drain(size_t count, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<char> buffer(1 << 20);
    bool head_done = false;
    std::string head_text;
    char last = 0;
    auto count_in = [&](std::string_view got) {
      if (got.empty()) return;
      if (last == '\n' && got[0] == '\n') ++drained_;
      for (size_t i = 0; i + 1 < got.size(); ++i) drained_ += got[i] == '\n' && got[i + 1] == '\n';
      last = got.back();
    };
    while (drained_ < count && fd_ >= 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
      if (n <= 0) break;
      std::string_view got(buffer.data(), static_cast<size_t>(n));
      if (head_done) {
        count_in(got);
        continue;
      }
      head_text.append(got);
      size_t end = head_text.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      HttpParseHead(head_text, &head_);
      head_done = true;
      count_in(std::string_view(head_text).substr(end + 4));
    }
    return drained_;
  }

  const HttpReply& head() const { return head_; }
  bool ended() const { return ended_; }

 private:
  void Parse() {
    if (body_at_ == std::string::npos) {
      body_at_ = HttpParseHead(raw_, &head_);
      if (body_at_ == std::string::npos) return;
    }
    // The body is chunked: take whole chunks into the event text.
    for (;;) {
      size_t line_end = raw_.find("\r\n", body_at_);
      if (line_end == std::string::npos) break;
      size_t size = std::stoul(raw_.substr(body_at_, line_end - body_at_), nullptr, 16);
      if (raw_.size() < line_end + 2 + size + 2) break;
      text_.append(raw_, line_end + 2, size);
      body_at_ = line_end + 2 + size + 2;
      if (size == 0) ended_ = true;
    }
    Split();
    raw_.erase(0, body_at_);  // what is parsed goes
    body_at_ = 0;
  }

  // Moves the complete events of the text read into events_.
  void Split() {
    size_t begin = 0;  // (the text is cut once at the end, not once an event)
    for (size_t end; (end = text_.find("\n\n", begin)) != std::string::npos; begin = end + 2) {
      std::string_view block(text_.data() + begin, end - begin);
      Event e;
      size_t at = 0;
      while (at <= block.size()) {
        size_t next = block.find('\n', at);
        std::string_view line =
            block.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at);
        if (line.substr(0, 4) == "id: ") e.id = line.substr(4);
        if (line.substr(0, 7) == "event: ") e.type = line.substr(7);
        if (line.substr(0, 6) == "data: ") e.data = line.substr(6);
        if (next == std::string_view::npos) break;
        at = next + 1;
      }
      if (!e.id.empty()) events_.push_back(std::move(e));
    }
    text_.erase(0, begin);
  }

 private:
  int fd_ = -1;
  std::string raw_, text_;
  size_t body_at_ = std::string::npos;
  HttpReply head_;
  std::vector<Event> events_;
  size_t drained_ = 0;
  bool ended_ = false;
};

}  // namespace secondment::http_client

#endif  // SECONDMENT_BENCH_HTTP_CLIENT_H_
