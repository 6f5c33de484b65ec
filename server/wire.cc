#include "server/wire.h"

#include <fmt/format.h>

#include "ledger/event/schema_date.h"
#include "projections/row.h"

namespace secondment::server {
namespace {

constexpr std::string_view kUnauthenticated = "unauthenticated: ";

constexpr StatusCode kCodes[] = {StatusCode::kInvalidArgument, StatusCode::kRuleViolation,
                                 StatusCode::kConflict,        StatusCode::kNotFound,
                                 StatusCode::kCorruption,      StatusCode::kIOError,
                                 StatusCode::kUnavailable};

kj::Exception Failed(std::string_view description) {
  return kj::Exception(kj::Exception::Type::FAILED, __FILE__, __LINE__,
                       kj::heapString(description.data(), description.size()));
}

}  // namespace

kj::Exception ToException(const Status& status) {
  return Failed(fmt::format("{}: {}", StatusCodeName(status.code()), status.message()));
}

void ThrowIfError(const Status& status) {
  if (!status.ok()) throw ToException(status);
}

kj::Exception Unauthenticated(std::string_view detail) {
  return Failed(fmt::format("{}{}", kUnauthenticated, detail));
}

Status FromException(const kj::Exception& exception, std::string_view what) {
  std::string_view description = exception.getDescription().cStr();
  // A refusal that crossed the connection arrives with this prefix.
  constexpr std::string_view kRemote = "remote exception: ";
  if (description.substr(0, kRemote.size()) == kRemote) description.remove_prefix(kRemote.size());
  if (description.substr(0, kUnauthenticated.size()) == kUnauthenticated) {
    return InvalidArgument(fmt::format("the server refused the token ({})", description));
  }
  for (StatusCode code : kCodes) {
    std::string prefix = fmt::format("{}: ", StatusCodeName(code));
    if (description.substr(0, prefix.size()) == prefix) {
      return Status(code, std::string(description.substr(prefix.size())));
    }
  }
  return IOError(fmt::format("{}: {}", what, description.substr(0, description.find('\n'))));
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
