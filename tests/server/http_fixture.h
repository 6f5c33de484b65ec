// A ledger served over HTTP from this process (server::Serve with --http's option) on a real
// socket on 127.0.0.1, with tokens for each role and helpers to call the API as them.

#ifndef SECONDMENT_TESTS_SERVER_HTTP_FIXTURE_H_
#define SECONDMENT_TESTS_SERVER_HTTP_FIXTURE_H_

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "bench/http_client.h"
#include "ledger/base/clock.h"
#include "ledger/base/date.h"
#include "server/rpc.h"
#include "server/tokens.h"
#include "tests/ledger/test_util.h"

namespace secondment::testing {

using namespace secondment::http_client;  // NOLINT: the tests' client

class HttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(service::LedgerService::Create(Data()).ok());
    service::OpenOptions options;
    options.access = service::Access::kWrite;
    auto opened = service::LedgerService::Open(Data(), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    ledger_ = std::move(opened).value();
    hr_ = Token("hr-1", {service::Role::kHr});
    hr2_ = Token("hr-2", {service::Role::kHr});
    home_ = Token("mgr-home", {service::Role::kHomeManager});
    host_ = Token("mgr-host", {service::Role::kHostManager});
    auditor_ = Token("aud-1", {service::Role::kAuditor});
    payroll_ = Token("payroll", {service::Role::kSubscriber});
    Start();
  }
  void TearDown() override { Stop(); }

  std::string Data() const { return dir_.Sub("ledger"); }
  std::string Token(const std::string& principal, std::vector<service::Role> roles) {
    auto file = server::TokenFile::Load(dir_.Sub("tokens"));
    EXPECT_TRUE(file.ok());
    auto token = file->Add({principal, std::move(roles)});
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    EXPECT_TRUE(file->Save(dir_.Sub("tokens")).ok());
    return *token;
  }
  void Revoke(const std::string& principal) {
    auto file = server::TokenFile::Load(dir_.Sub("tokens"));
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE(file->Revoke(principal).ok());
    ASSERT_TRUE(file->Save(dir_.Sub("tokens")).ok());
  }

  void Start() {
    std::promise<unsigned> listening;
    auto port = listening.get_future();
    server_ = std::thread([this, listening = std::move(listening)]() mutable {
      server::ServeOptions options;
      options.http_listen = "127.0.0.1:0";
      options.tokens_path = dir_.Sub("tokens");
      options.stop_on_signals = false;
      options.stop = &stop_;
      options.http_max_waiting = max_waiting_;
      options.tls_certificate_pem = cert_;
      options.tls_key_pem = key_;
      served_ = server::Serve(*ledger_, options, [&](const server::Listening& ports) {
        listening.set_value(ports.http_port);
      });
    });
    ASSERT_EQ(port.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    port_ = static_cast<int>(port.get());
  }
  void Stop() {
    if (!server_.joinable()) return;
    stop_ = true;
    server_.join();
    stop_ = false;
    EXPECT_TRUE(served_.ok()) << served_.ToString();
  }
  // Serves again with the options as they are now.
  void Restart() {
    Stop();
    Start();
  }

  static std::string Today(int plus_days = 0) {
    CivilDate today = DateOfMicros(SystemClock().NowMicros());
    return FormatDate(CivilFromDays(DaysFromCivil(today) + plus_days));
  }

  HttpReply Get(const std::string& token, const std::string& target, HttpHeaderList headers = {}) {
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return HttpCall(port_, "GET", target, headers);
  }
  HttpReply Post(const std::string& token, const std::string& target, const std::string& body,
                 HttpHeaderList headers = {}) {
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    headers.emplace_back("Content-Type", "application/json");
    return HttpCall(port_, "POST", target, headers, body);
  }

  // A proposal body for `employee`, starting today and running `days`.
  static std::string ProposalBody(const std::string& employee, const std::string& id = "",
                                  int days = 180) {
    return "{" + (id.empty() ? std::string() : "\"id\":\"" + id + "\",") + "\"employee\":\"" +
           employee +
           "\",\"homeOrg\":\"acme\",\"homeUnit\":\"finance\",\"homeManager\":\"mgr-home\","
           "\"hostOrg\":\"acme\",\"hostUnit\":\"labs\",\"hostManager\":\"mgr-host\","
           "\"kind\":\"internal\",\"roleTitle\":\"Analyst\",\"start\":\"" +
           Today() + "\",\"end\":\"" + Today(days) + "\"}";
  }

  // Proposes, approves as the three approvers, signs and starts `id`; expects each to pass.
  void Active(const std::string& id, const std::string& employee, int days = 180) {
    ASSERT_EQ(Post(hr_, "/api/v1/secondments", ProposalBody(employee, id, days)).status, 201);
    std::string base = "/api/v1/secondments/" + id;
    for (const std::string* token : {&home_, &host_, &hr2_}) {
      auto approved = Post(*token, base + "/approve", R"({"scope":"placement"})");
      ASSERT_EQ(approved.status, 200) << approved.body;
    }
    ASSERT_EQ(Post(hr_, base + "/sign", R"({"agreement":"AG-1"})").status, 200);
    auto started = Post(hr_, base + "/start", "");
    ASSERT_EQ(started.status, 200) << started.body;
  }

  TempDir dir_;
  std::unique_ptr<service::LedgerService> ledger_;
  std::atomic<bool> stop_{false};
  std::thread server_;
  Status served_;
  int port_ = 0;
  size_t max_waiting_ = 4096;
  std::optional<std::string> cert_, key_;
  std::string hr_, hr2_, home_, host_, auditor_, payroll_;
};

}  // namespace secondment::testing

#endif  // SECONDMENT_TESTS_SERVER_HTTP_FIXTURE_H_
