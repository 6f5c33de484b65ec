#include "server/wire.h"

#include <capnp/schema.h>
#include <fmt/format.h>

#include "ledger/event/schema_date.h"
#include "projections/row.h"

namespace secondment::server {
namespace {

// ErrorCode's values follow StatusCode's, then Unauthenticated.
static_assert(static_cast<int>(api::ErrorCode::OK) == static_cast<int>(StatusCode::kOk));
static_assert(static_cast<int>(api::ErrorCode::INVALID_ARGUMENT) ==
              static_cast<int>(StatusCode::kInvalidArgument));
static_assert(static_cast<int>(api::ErrorCode::UNAVAILABLE) ==
              static_cast<int>(StatusCode::kUnavailable));

constexpr std::string_view kRemote = "remote exception: ";

kj::Exception Failed(std::string_view description) {
  return kj::Exception(kj::Exception::Type::FAILED, __FILE__, __LINE__,
                       kj::heapString(description.data(), description.size()));
}

kj::Exception Refusal(api::ErrorCode code, std::string_view message) {
  return Failed(fmt::format("{}: {}", ErrorCodeName(code), message));
}

}  // namespace

std::string ErrorCodeName(api::ErrorCode code) {
  if (code == api::ErrorCode::UNAUTHENTICATED) return "Unauthenticated";
  if (code > api::ErrorCode::UNAUTHENTICATED) return "Unknown";
  return std::string(StatusCodeName(static_cast<StatusCode>(code)));
}

std::optional<WireError> ParseError(std::string_view description) {
  if (description.substr(0, kRemote.size()) == kRemote) description.remove_prefix(kRemote.size());
  auto enumerants = capnp::Schema::from<api::ErrorCode>().getEnumerants();
  for (unsigned i = 1; i < enumerants.size(); ++i) {  // (0 is "ok", never sent)
    auto code = static_cast<api::ErrorCode>(i);
    std::string prefix = ErrorCodeName(code) + ": ";
    if (description.substr(0, prefix.size()) == prefix) {
      description.remove_prefix(prefix.size());
      return WireError{code, std::string(description.substr(0, description.find('\n')))};
    }
  }
  return std::nullopt;
}

kj::Exception ToException(const Status& status) {
  return Refusal(static_cast<api::ErrorCode>(status.code()), status.message());
}

void ThrowIfError(const Status& status) {
  if (!status.ok()) throw ToException(status);
}

kj::Exception Unauthenticated(std::string_view detail) {
  return Refusal(api::ErrorCode::UNAUTHENTICATED, detail);
}

Status FromException(const kj::Exception& exception, std::string_view what) {
  std::string_view description = exception.getDescription().cStr();
  auto error = ParseError(description);
  if (!error) {
    if (description.substr(0, kRemote.size()) == kRemote) description.remove_prefix(kRemote.size());
    return IOError(fmt::format("{}: {}", what, description.substr(0, description.find('\n'))));
  }
  if (error->code == api::ErrorCode::UNAUTHENTICATED) {
    return InvalidArgument(fmt::format("the server refused the token ({})", error->message));
  }
  return Status(static_cast<StatusCode>(error->code), std::move(error->message));
}

std::string TextOf(capnp::Text::Reader text) { return std::string(text.cStr(), text.size()); }

std::optional<std::string> OptionalText(capnp::Text::Reader text) {
  if (text.size() == 0) return std::nullopt;
  return TextOf(text);
}

std::optional<CivilDate> OptionalDate(schema::Date::Reader date) {
  CivilDate d = DateOf(date);
  if (d == CivilDate{}) return std::nullopt;
  return d;
}

void SetOptionalDate(schema::Date::Builder out, const std::optional<CivilDate>& date) {
  if (date) SetDate(out, *date);
}

void WriteAt(api::At::Builder out, std::optional<Position> at) {
  if (at) {
    out.setPosition(*at);
  } else {
    out.setNow();
  }
}

std::optional<Position> ReadAt(api::At::Reader at) {
  if (at.isPosition()) return at.getPosition();
  return std::nullopt;
}

void WriteFilter(api::Filter::Builder out, const projections::PlacementFilter& f) {
  if (f.host_org) out.setHostOrg(*f.host_org);
  if (f.host_unit) out.setHostUnit(*f.host_unit);
  if (f.home_org) out.setHomeOrg(*f.home_org);
  if (f.home_unit) out.setHomeUnit(*f.home_unit);
  if (f.employee) out.setEmployee(*f.employee);
  if (f.country) out.setCountry(*f.country);
  if (f.kind) out.setKind(*f.kind);
}

projections::PlacementFilter ReadFilter(api::Filter::Reader f) {
  projections::PlacementFilter filter;
  filter.host_org = OptionalText(f.getHostOrg());
  filter.host_unit = OptionalText(f.getHostUnit());
  filter.home_org = OptionalText(f.getHomeOrg());
  filter.home_unit = OptionalText(f.getHomeUnit());
  filter.employee = OptionalText(f.getEmployee());
  filter.country = OptionalText(f.getCountry());
  if (f.getKind() != schema::Kind::UNSPECIFIED) filter.kind = f.getKind();
  return filter;
}

void WriteOutcome(api::Outcome::Builder out, const Outcome& outcome) {
  out.setId(outcome.id);
  auto positions = out.initPositions(static_cast<unsigned>(outcome.positions.size()));
  for (size_t i = 0; i < outcome.positions.size(); ++i) {
    positions.set(static_cast<unsigned>(i), outcome.positions[i]);
  }
  projections::Folded folded{outcome.state, outcome.last_position, outcome.version};
  projections::WriteSecondmentRow(out.initSecondment(), folded);
}

Result<Outcome> ReadOutcome(api::Outcome::Reader reader) {
  Outcome outcome;
  outcome.id = TextOf(reader.getId());
  for (uint64_t p : reader.getPositions()) outcome.positions.push_back(p);
  ASSIGN_OR_RETURN(projections::Folded folded,
                   projections::ReadSecondmentRow(reader.getSecondment()));
  outcome.state = std::move(folded.state);
  outcome.version = folded.version;
  outcome.last_position = folded.last_position;
  return outcome;
}

void WriteEvents(capnp::List<api::RecordedEvent>::Builder out,
                 const std::vector<RecordedEvent>& events) {
  for (size_t i = 0; i < events.size(); ++i) {
    auto e = out[static_cast<unsigned>(i)];
    e.setPosition(events[i].position());
    std::string_view bytes = events[i].bytes();
    e.setCanonical(kj::arrayPtr(reinterpret_cast<const kj::byte*>(bytes.data()), bytes.size()));
  }
}

Result<std::vector<RecordedEvent>> ReadEvents(capnp::List<api::RecordedEvent>::Reader events) {
  std::vector<RecordedEvent> out;
  out.reserve(events.size());
  for (auto e : events) {
    auto bytes = e.getCanonical();
    ASSIGN_OR_RETURN(
        RecordedEvent event,
        RecordedEvent::DecodeForeign(
            e.getPosition(),
            std::string_view(reinterpret_cast<const char*>(bytes.begin()), bytes.size())));
    out.push_back(std::move(event));
  }
  return out;
}

}  // namespace secondment::server
