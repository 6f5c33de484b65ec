// The typed RPC API's values (schemas/api.capnp) in and out of the application's
// (service/requests.h, projections/queries.h, ledger/lifecycle/lifecycle.h), shared by the
// server and its client so that both read and write them the same way. Reading what came over
// the network is bounds-checked: a malformed value is Corruption, never an exception.

#ifndef SECONDMENT_SERVER_WIRE_H_
#define SECONDMENT_SERVER_WIRE_H_

#include <kj/exception.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/date.h"
#include "ledger/base/status.h"
#include "ledger/event/event.h"
#include "ledger/lifecycle/lifecycle.h"
#include "projections/queries.h"
#include "schemas/api.capnp.h"
#include "service/requests.h"
#include "service/secondments.h"

namespace secondment::server {

// The name of an error code on the wire, as api.capnp lists them ("InvalidArgument",
// "IOError", "Unauthenticated").
std::string ErrorCodeName(api::ErrorCode code);

// The typed error (api.capnp `Error`) an exception's description carries, after Cap'n Proto's
// "remote exception: " when there is one; nullopt for any other description.
struct WireError {
  api::ErrorCode code;
  std::string message;  // one line
};
std::optional<WireError> ParseError(std::string_view description);

// A refusal as the exception an RPC call fails with: "<Code>: <message>" (api.capnp).
kj::Exception ToException(const Status& status);
// Throws ToException(status) unless it is OK.
void ThrowIfError(const Status& status);
// The value of `result`, or throws its status.
template <typename T>
T ValueOrThrow(Result<T> result) {
  ThrowIfError(result.status());
  return std::move(result).value();
}

// The status a failed call stands for: the refusal it carried, InvalidArgument "the server
// refused the token (...)" for an authentication failure, and IOError naming `what` for
// anything else (a connection that broke, a server that cannot be reached).
Status FromException(const kj::Exception& exception, std::string_view what);

// "Unauthenticated: <detail>": what a missing, unknown or revoked token gets.
kj::Exception Unauthenticated(std::string_view detail);

// Texts, dates and optional values: an empty Text or an all-zero Date is "not given".
std::string TextOf(capnp::Text::Reader text);
std::optional<std::string> OptionalText(capnp::Text::Reader text);
std::optional<CivilDate> OptionalDate(schema::Date::Reader date);
void SetOptionalDate(schema::Date::Builder out, const std::optional<CivilDate>& date);

// Now (nullopt) or a past position.
void WriteAt(api::At::Builder out, std::optional<Position> at);
std::optional<Position> ReadAt(api::At::Reader at);

void WriteFilter(api::Filter::Builder out, const projections::PlacementFilter& filter);
projections::PlacementFilter ReadFilter(api::Filter::Reader filter);

void WriteOutcome(api::Outcome::Builder out, const Outcome& outcome);
Result<Outcome> ReadOutcome(api::Outcome::Reader outcome);

void WriteEvents(capnp::List<api::RecordedEvent>::Builder out,
                 const std::vector<RecordedEvent>& events);
// Each event's bytes checked field by field (RecordedEvent::DecodeForeign).
Result<std::vector<RecordedEvent>> ReadEvents(capnp::List<api::RecordedEvent>::Reader events);

}  // namespace secondment::server

#endif  // SECONDMENT_SERVER_WIRE_H_
