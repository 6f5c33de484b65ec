// rpc_client: a complete client of the secondment ledger's RPC API (schemas/api.capnp,
// version 2), written against the schema and Cap'n Proto alone.
//
//   rpc_client HOST:PORT TOKEN_FILE [--tls-ca CA.pem]
//
// It logs in with the token (the first line of TOKEN_FILE), says who it is, proposes one
// secondment as "hr", reads it back, then reads the log's head and its first ten events.
// Plain TCP is for a server on this machine only; otherwise give --tls-ca with the CA that
// signed the server's certificate, and connect by the name on that certificate.
//
// Exit status: 0 when every call succeeded; 1 when one failed, after printing its one line
// "<Code>: <message>" on stderr; 2 for a bad command line or an unreadable file.

#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>
#include <kj/compat/tls.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "schemas/api.capnp.h"  // generated; includes event.capnp.h and projection.capnp.h

namespace api = secondment::api;
namespace schema = secondment::schema;

namespace {

std::optional<std::string> ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string FirstLineTrimmed(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  size_t begin = line.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  return line.substr(begin, line.find_last_not_of(" \t\r") + 1 - begin);
}

// SecondmentRow.status is a number; these are the ledger's names for it, in order.
const char* StateName(uint8_t status) {
  static const char* const kNames[] = {"none",     "proposed",  "approved", "active",
                                       "returned", "converted", "rejected", "withdrawn"};
  return status < sizeof(kNames) / sizeof(kNames[0]) ? kNames[status] : "unknown";
}

void SetDate(schema::Date::Builder date, uint16_t year, uint8_t month, uint8_t day) {
  date.setYear(year);
  date.setMonth(month);
  date.setDay(day);
}

std::string DateText(schema::Date::Reader date) {
  if (date.getYear() == 0 && date.getMonth() == 0 && date.getDay() == 0) return "-";  // no date
  char text[16];
  std::snprintf(text, sizeof(text), "%04u-%02u-%02u", unsigned{date.getYear()},
                unsigned{date.getMonth()}, unsigned{date.getDay()});
  return text;
}

void PrintSecondment(schema::SecondmentRow::Reader row) {
  schema::Party::Reader home = row.getHome(), host = row.getHost();
  std::cout << "secondment " << row.getId().cStr() << ": " << StateName(row.getStatus())
            << ", employee " << row.getEmployeeId().cStr() << "\n  from " << home.getOrg().cStr()
            << "/" << home.getUnit().cStr() << " to " << host.getOrg().cStr() << "/"
            << host.getUnit().cStr() << ", planned " << DateText(row.getPlannedStart()) << " to "
            << DateText(row.getPlannedEnd()) << "\n";
}

// The "<Code>: <message>" line of a failed call. Cap'n Proto's C++ RPC prefixes a refusal that
// crossed the connection with "remote exception: "; a local failure (connection refused, a
// bad certificate) carries no ledger code and is printed as it is.
std::string Description(const kj::Exception& exception) {
  std::string text = exception.getDescription().cStr();
  const std::string remote = "remote exception: ";
  if (text.compare(0, remote.size(), remote) == 0) text.erase(0, remote.size());
  return text.substr(0, text.find('\n'));
}

// Every call below throws kj::Exception when it fails.
void Run(const std::string& address, const std::string& token,
         const std::optional<std::string>& ca_pem) {
  kj::AsyncIoContext io = kj::setupAsyncIo();
  kj::WaitScope& wait = io.waitScope;
  kj::Network* network = &io.provider->getNetwork();
  std::optional<kj::TlsCertificate> ca;  // these three outlive the connection
  kj::Own<kj::TlsContext> tls;
  kj::Own<kj::Network> tls_network;
  if (ca_pem) {  // TLS, trusting this CA only
    ca.emplace(kj::StringPtr(ca_pem->c_str()));
    kj::TlsContext::Options options;
    options.useSystemTrustStore = false;
    options.trustedCertificates = kj::arrayPtr(&*ca, 1);
    tls = kj::heap<kj::TlsContext>(kj::mv(options));
    tls_network = tls->wrapNetwork(*network);
    network = tls_network.get();
  }
  kj::Own<kj::NetworkAddress> server = network->parseAddress(address.c_str()).wait(wait);
  kj::Own<kj::AsyncIoStream> stream = server->connect().wait(wait);
  capnp::TwoPartyClient client(*stream);

  // Log in, then use the Session and the Desk before they arrive: Cap'n Proto pipelines these
  // calls, so authenticate, whoami, desk and propose cost one round trip. A failure of an
  // early call (say, an unknown token) is what the later ones fail with.
  auto authenticate = client.bootstrap().castAs<api::Login>().authenticateRequest();
  authenticate.setToken(token);
  api::Session::Client session = authenticate.send().getSession();
  auto whoami = session.whoamiRequest().send();
  auto desk_request = session.deskRequest();
  desk_request.setRole("hr");
  api::Desk::Client desk = desk_request.send().getDesk();

  // The proposal is event.capnp's Proposed; an empty id asks the server to generate one.
  auto propose = desk.proposeRequest();
  schema::Proposed::Builder proposal = propose.initProposal();
  proposal.setEmployeeId("e-example");
  auto home = proposal.initHome();
  home.setOrg("acme");
  home.setUnit("finance");
  home.setManagerId("m-home");
  auto host = proposal.initHost();
  host.setOrg("acme");
  host.setUnit("payroll");
  host.setManagerId("m-host");
  proposal.setKind(schema::Kind::INTERNAL);
  proposal.setRoleTitle("Payroll analyst");
  SetDate(proposal.initPlannedStart(), 2026, 3, 1);
  SetDate(proposal.initPlannedEnd(), 2026, 8, 31);
  auto proposed = propose.send();

  // Keep each Response while reading it: the readers point into its message.
  auto me = whoami.wait(wait);
  std::cout << "principal " << me.getPrincipal().cStr() << ", roles:";
  for (capnp::Text::Reader role : me.getRoles()) std::cout << " " << role.cStr();
  std::cout << "\n";

  auto proposed_response = proposed.wait(wait);
  api::Outcome::Reader outcome = proposed_response.getOutcome();
  std::cout << "proposed " << outcome.getId().cStr() << " at positions";
  for (uint64_t position : outcome.getPositions()) std::cout << " " << position;
  std::cout << ", state " << StateName(outcome.getSecondment().getStatus()) << "\n";

  // Three reads, sent together. `show`'s `at` is left unset: its union defaults to `now`.
  auto show = desk.showRequest();
  show.setId(outcome.getId());
  auto shown = show.send();
  auto head = desk.headRequest().send();
  auto log = desk.logRequest();
  log.setFrom(1);  // positions start at 1
  log.setLimit(10);
  auto logged = log.send();

  PrintSecondment(shown.wait(wait).getSecondment());
  std::cout << "head " << head.wait(wait).getPosition() << "\n";
  auto log_response = logged.wait(wait);
  for (api::RecordedEvent::Reader event : log_response.getEvents()) {
    // `canonical`: the stored bytes of an event.capnp Event, checkable against the proofs.
    std::cout << "event " << event.getPosition() << ": " << event.getCanonical().size()
              << " bytes\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && !(argc == 5 && std::string(argv[3]) == "--tls-ca")) {
    std::cerr << "usage: rpc_client HOST:PORT TOKEN_FILE [--tls-ca CA.pem]\n";
    return 2;
  }
  std::optional<std::string> token_file = ReadFile(argv[2]);
  std::string token = token_file ? FirstLineTrimmed(*token_file) : "";
  std::optional<std::string> ca_pem = argc == 5 ? ReadFile(argv[4]) : std::nullopt;
  if (token.empty() || (argc == 5 && !ca_pem)) {
    std::cerr << "cannot read " << (token.empty() ? argv[2] : argv[4]) << "\n";
    return 2;
  }
  // The token is a bearer secret: it crosses the network in clear only to this machine.
  std::string address = argv[1];
  bool loopback = address.rfind("127.", 0) == 0 || address.rfind("localhost:", 0) == 0 ||
                  address.rfind("[::1]:", 0) == 0;
  if (!ca_pem && !loopback) {
    std::cerr << "plain TCP is for 127.0.0.1 and localhost only: give --tls-ca\n";
    return 2;
  }
  try {
    Run(address, token, ca_pem);
  } catch (const kj::Exception& exception) {
    std::cerr << Description(exception) << "\n";
    return 1;
  }
  return 0;
}
