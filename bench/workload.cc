#include "bench/workload.h"

#include <fmt/format.h>

#include "ledger/base/date.h"
#include "ledger/base/hash.h"
#include "ledger/event/schema_date.h"

namespace secondment::workload {
namespace {

constexpr const char* kWords[64] = {
    "secondment", "placement",   "objective", "review",    "handover",  "team",        "project",
    "delivery",   "stakeholder", "policy",    "analysis",  "report",    "budget",      "training",
    "mentoring",  "capability",  "digital",   "service",   "programme", "governance",  "risk",
    "milestone",  "feedback",    "skills",    "transfer",  "knowledge", "support",     "strategy",
    "operations", "finance",     "data",      "research",  "workshop",  "briefing",    "quarterly",
    "annual",     "progress",    "agreed",    "completed", "pending",   "approved",    "scope",
    "role",       "duties",      "host",      "home",      "manager",   "line",        "cross",
    "government", "partner",     "outcome",   "impact",    "learning",  "development", "plan",
    "schedule",   "evaluation",  "meeting",   "notes",     "action",    "follow",      "up",
    "summary"};

constexpr int64_t kDay2024 = 19723;  // days from 1970-01-01 to 2024-01-01
constexpr size_t kWindow = 1000;

// Draws 1..13 of section 2.2, then the events with their five per-event draws.
std::vector<Event> GenerateStream(uint32_t n, Secondment* s) {
  SplitMix64 rng(kSeed ^ ((static_cast<uint64_t>(n) + 1) * 0xD1B54A32D192ED03ULL));
  s->n = n;
  s->feedback_rounds = 1 + static_cast<int>(rng.Below(3));
  s->extended = rng.Below(100) < 30;
  s->converted = rng.Below(100) < 15;
  s->employee = static_cast<uint32_t>(rng.Below(200000));
  s->home_org = static_cast<uint32_t>(rng.Below(40));
  s->host_org = static_cast<uint32_t>((s->home_org + 1 + rng.Below(39)) % 40);
  s->home_dept = static_cast<uint32_t>(rng.Below(24));
  s->host_dept = static_cast<uint32_t>(rng.Below(24));
  s->home_mgr = static_cast<uint32_t>(rng.Below(20000));
  s->host_mgr = static_cast<uint32_t>(rng.Below(20000));
  s->start = static_cast<int>(rng.Below(730));
  s->end = s->start + 90 + static_cast<int>(rng.Below(276));
  s->ext = 30 + static_cast<int>(rng.Below(151));

  std::vector<Event> events;
  auto add = [&](EventType type, int round = 0) {
    Event e;
    e.stream = n;
    e.version = static_cast<uint32_t>(events.size());
    e.type = type;
    e.round = round;
    events.push_back(std::move(e));
  };
  add(EventType::kProposed);
  add(EventType::kApprovedByHome);
  add(EventType::kApprovedByHost);
  add(EventType::kStarted);
  add(EventType::kHandoverRecorded);
  for (int j = 1; j <= s->feedback_rounds; ++j) add(EventType::kFeedbackRecorded, j);
  if (s->extended) add(EventType::kExtended);
  add(s->converted ? EventType::kConvertedToPermanent : EventType::kReturned);

  for (Event& e : events) {
    e.id_hi = (rng.Next() & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
    e.id_lo = (rng.Next() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
    e.actor = static_cast<uint32_t>(rng.Below(50000));
    e.extra = static_cast<uint32_t>(rng.Below(5));
    size_t length = 30 + rng.Below(111);
    while (e.text.size() < length) {
      if (!e.text.empty()) e.text += ' ';
      e.text += kWords[rng.Below(64)];
    }
    e.text.resize(length);
  }
  return events;
}

std::string RecordedAt(size_t index) {
  int64_t seconds = (kT0Millis + static_cast<int64_t>(index) * kStepMillis) / 1000;
  int64_t days = seconds / 86400;
  int64_t rest = seconds % 86400;
  return fmt::format("{}T{:02d}:{:02d}:{:02d}Z", FormatDate(CivilFromDays(days)), rest / 3600,
                     rest / 60 % 60, rest % 60);
}

void SetDate(schema::Date::Builder date, int d) {
  CivilDate civil = CivilFromDays(kDay2024 + d);
  date.setYear(static_cast<uint16_t>(civil.year));
  date.setMonth(static_cast<uint8_t>(civil.month));
  date.setDay(static_cast<uint8_t>(civil.day));
}

std::string Org(uint32_t v) { return fmt::format("org-{:02d}", v); }
std::string Dept(uint32_t v) { return fmt::format("dept-{:02d}", v); }
std::string Manager(uint32_t v) { return fmt::format("mgr-{:05d}", v); }

}  // namespace

uint64_t SplitMix64::Next() {
  state_ += 0x9E3779B97F4A7C15ULL;
  uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

const char* TypeName(EventType type) {
  switch (type) {
    case EventType::kProposed:
      return "SecondmentProposed";
    case EventType::kApprovedByHome:
      return "SecondmentApprovedByHome";
    case EventType::kApprovedByHost:
      return "SecondmentApprovedByHost";
    case EventType::kStarted:
      return "SecondmentStarted";
    case EventType::kHandoverRecorded:
      return "HandoverRecorded";
    case EventType::kFeedbackRecorded:
      return "FeedbackRecorded";
    case EventType::kExtended:
      return "SecondmentExtended";
    case EventType::kReturned:
      return "SecondmentReturned";
    case EventType::kConvertedToPermanent:
      return "SecondmentConvertedToPermanent";
  }
  return "?";
}

std::string Day(int d) { return FormatDate(CivilFromDays(kDay2024 + d)); }

Workload Workload::Generate(uint32_t streams, uint64_t max_events) {
  Workload w;
  w.secondments_.resize(streams);
  struct Active {
    std::vector<Event> events;
    size_t next = 0;
  };
  std::vector<Active> active;
  active.reserve(kWindow);
  SplitMix64 interleave(kSeed ^ 0x6A09E667F3BCC909ULL);
  uint32_t next_n = 0;
  while (!active.empty() || next_n < streams) {
    while (active.size() < kWindow && next_n < streams) {
      active.push_back({GenerateStream(next_n, &w.secondments_[next_n]), 0});
      ++next_n;
    }
    size_t j = interleave.Below(active.size());
    Active& a = active[j];
    w.events_.push_back(std::move(a.events[a.next++]));
    if (max_events != 0 && w.events_.size() == max_events) break;
    if (a.next == a.events.size()) {
      active[j] = std::move(active.back());
      active.pop_back();
    }
  }
  return w;
}

std::string Workload::StreamId(const Event& e) const {
  return fmt::format("secondment-{}", e.stream);
}

std::string Workload::EventIdText(const Event& e) const {
  return EventId::FromHalves(e.id_hi, e.id_lo).ToString();
}

std::string Workload::PayloadJson(const Event& e) const {
  const Secondment& s = secondments_[e.stream];
  std::string hm = Manager(s.home_mgr), hh = Manager(s.host_mgr);
  std::string out = fmt::format(
      R"({{"secondmentId":"secondment-{}","employeeId":"emp-{:06d}","homeOrg":"{}","homeDept":"{}","hostOrg":"{}","hostDept":"{}")",
      s.n, s.employee, Org(s.home_org), Dept(s.home_dept), Org(s.host_org), Dept(s.host_dept));
  switch (e.type) {
    case EventType::kProposed:
      out += fmt::format(
          R"(,"homeManagerId":"{}","hostManagerId":"{}","startDate":"{}","endDate":"{}","objectives":"{}")",
          hm, hh, Day(s.start), Day(s.end), e.text);
      break;
    case EventType::kApprovedByHome:
      out += fmt::format(R"(,"approvedBy":"{}","approvedOn":"{}","notes":"{}")", hm,
                         Day(s.start - 20), e.text);
      break;
    case EventType::kApprovedByHost:
      out += fmt::format(R"(,"approvedBy":"{}","approvedOn":"{}","notes":"{}")", hh,
                         Day(s.start - 10), e.text);
      break;
    case EventType::kStarted:
      out += fmt::format(R"(,"startedOn":"{}","hostManagerId":"{}","notes":"{}")", Day(s.start), hh,
                         e.text);
      break;
    case EventType::kHandoverRecorded:
      out += fmt::format(R"(,"handoverFrom":"{}","handoverTo":"{}","recordedOn":"{}","notes":"{}")",
                         hm, hh, Day(s.start + 3), e.text);
      break;
    case EventType::kFeedbackRecorded:
      out +=
          fmt::format(R"(,"round":{},"reviewerId":"{}","rating":{},"recordedOn":"{}","notes":"{}")",
                      e.round, hh, e.extra + 1, Day(s.start + 30 * e.round), e.text);
      break;
    case EventType::kExtended:
      out += fmt::format(R"(,"previousEndDate":"{}","newEndDate":"{}","reason":"{}")", Day(s.end),
                         Day(s.end + s.ext), e.text);
      break;
    case EventType::kReturned:
      out += fmt::format(R"(,"returnedOn":"{}","notes":"{}")", Day(s.FinalEnd()), e.text);
      break;
    case EventType::kConvertedToPermanent:
      out += fmt::format(R"(,"effectiveOn":"{}","hostManagerId":"{}","notes":"{}")",
                         Day(s.FinalEnd()), hh, e.text);
      break;
  }
  out += '}';
  return out;
}

std::string Workload::DumpDigest() const {
  std::string dump;
  for (size_t i = 0; i < events_.size(); ++i) {
    const Event& e = events_[i];
    dump += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\tuser-{:05d}\t{}\n", i, StreamId(e), e.version,
                        TypeName(e.type), EventIdText(e), RecordedAt(i), e.actor, PayloadJson(e));
  }
  return ToHex(Sha256(dump));
}

std::vector<uint32_t> Workload::PhaseCStreams(size_t count) const {
  SplitMix64 rng(kSeed ^ 0xBB67AE8584CAA73BULL);
  std::vector<uint32_t> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i)
    out.push_back(static_cast<uint32_t>(rng.Below(stream_count())));
  return out;
}

NewEvent Workload::ToLedgerEvent(const Event& e, bool sealed) const {
  const Secondment& s = secondments_[e.stream];
  NewEvent event(EventId::FromHalves(e.id_hi, e.id_lo));
  if (sealed) event.set_subject(fmt::format("emp-{:06d}", s.employee));
  auto b = event.Mutable();
  auto actor = b.initActor();
  actor.setId(fmt::format("user-{:05d}", e.actor));
  auto payload = b.getPayload();
  switch (e.type) {
    case EventType::kProposed: {
      actor.setRole(schema::Role::HR);
      auto p = payload.initProposed();
      p.setEmployeeId(fmt::format("emp-{:06d}", s.employee));
      auto home = p.initHome();
      home.setOrg(Org(s.home_org));
      home.setUnit(Dept(s.home_dept));
      home.setManagerId(Manager(s.home_mgr));
      auto host = p.initHost();
      host.setOrg(Org(s.host_org));
      host.setUnit(Dept(s.host_dept));
      host.setManagerId(Manager(s.host_mgr));
      p.setKind(schema::Kind::EXTERNAL);
      SetDate(p.initPlannedStart(), s.start);
      SetDate(p.initPlannedEnd(), s.end);
      p.initObjectives(1).set(0, e.text);
      break;
    }
    case EventType::kApprovedByHome:
    case EventType::kApprovedByHost: {
      bool home = e.type == EventType::kApprovedByHome;
      auto role = home ? schema::Role::HOME_MANAGER : schema::Role::HOST_MANAGER;
      actor.setRole(role);
      SetDate(b.initEffectiveDate(), s.start - (home ? 20 : 10));
      auto p = payload.initApprovalGranted();
      p.setScope(schema::Scope::PLACEMENT);
      p.setApproverRole(role);
      p.setConditions(e.text);
      break;
    }
    case EventType::kStarted:
      actor.setRole(schema::Role::HR);
      SetDate(b.initEffectiveDate(), s.start);
      SetDate(payload.initStarted().initActualStart(), s.start);
      break;
    case EventType::kHandoverRecorded: {
      actor.setRole(schema::Role::HOME_MANAGER);
      SetDate(b.initEffectiveDate(), s.start + 3);
      auto p = payload.initHandoverRecorded();
      p.setDirection(schema::HandoverDirection::OUTBOUND);
      p.setFrom(Manager(s.home_mgr));
      p.setTo(Manager(s.host_mgr));
      p.setNotes(e.text);
      break;
    }
    case EventType::kFeedbackRecorded: {
      actor.setRole(schema::Role::HOST_MANAGER);
      SetDate(b.initEffectiveDate(), s.start + 30 * e.round);
      auto p = payload.initFeedbackRecorded();
      p.setFromRole(schema::Role::HOST_MANAGER);
      p.setRating(static_cast<uint8_t>(e.extra + 1));
      p.setText(e.text);
      break;
    }
    case EventType::kExtended: {
      actor.setRole(schema::Role::SYSTEM);
      SetDate(b.initEffectiveDate(), s.end);
      auto p = payload.initExtended();
      SetDate(p.initPreviousEnd(), s.end);
      SetDate(p.initNewEnd(), s.end + s.ext);
      p.setCumulativeDays(static_cast<uint32_t>(s.end + s.ext - s.start));
      break;
    }
    case EventType::kReturned: {
      actor.setRole(schema::Role::HR);
      SetDate(b.initEffectiveDate(), s.FinalEnd());
      auto p = payload.initReturned();
      SetDate(p.initReturnDate(), s.FinalEnd());
      p.setReason(e.text);
      p.setPosition(schema::ReturnPosition::SUBSTANTIVE);
      break;
    }
    case EventType::kConvertedToPermanent: {
      actor.setRole(schema::Role::SYSTEM);
      SetDate(b.initEffectiveDate(), s.FinalEnd());
      auto p = payload.initConvertedToPermanent();
      SetDate(p.initEffectiveDate(), s.FinalEnd());
      p.setNewRole(e.text);
      p.setHostOrg(Org(s.host_org));
      p.setHostUnit(Dept(s.host_dept));
      break;
    }
  }
  return event;
}

}  // namespace secondment::workload
