#include "bench/replay.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <unordered_map>
#include <unordered_set>

namespace secondment::bench {
namespace {

enum class Phase { kProposed, kHomeApproved, kApproved, kActive, kExtended, kReturned, kConverted };

const char* Name(Phase s) {
  static const char* kNames[] = {"proposed", "home_approved", "approved", "active",
                                 "extended", "returned",      "converted"};
  return kNames[static_cast<int>(s)];
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

constexpr uint32_t kNoHost = UINT32_MAX;

struct Secondment {
  Phase status = Phase::kProposed;
  uint32_t host = kNoHost;  // index of its host org
  uint32_t next_version = 0;
};

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "ledger_bench: replay: %s\n", message.c_str());
  std::exit(6);
}

std::string_view View(capnp::Text::Reader text) { return {text.cStr(), text.size()}; }

uint64_t PayloadTextBytes(schema::Event::Reader event) {
  auto p = event.getPayload();
  switch (p.which()) {
    case schema::Event::Payload::PROPOSED: {
      uint64_t n =
          p.getProposed().getEmployeeId().size() + p.getProposed().getHost().getOrg().size();
      for (auto objective : p.getProposed().getObjectives()) n += objective.size();
      return n;
    }
    case schema::Event::Payload::APPROVAL_GRANTED:
      return p.getApprovalGranted().getConditions().size();
    case schema::Event::Payload::STARTED:
      return p.getStarted().getActualStart().getDay();
    case schema::Event::Payload::HANDOVER_RECORDED:
      return p.getHandoverRecorded().getNotes().size() + p.getHandoverRecorded().getTo().size();
    case schema::Event::Payload::FEEDBACK_RECORDED:
      return p.getFeedbackRecorded().getText().size() + p.getFeedbackRecorded().getRating();
    case schema::Event::Payload::EXTENDED:
      return p.getExtended().getCumulativeDays();
    case schema::Event::Payload::RETURNED:
      return p.getReturned().getReason().size();
    case schema::Event::Payload::CONVERTED_TO_PERMANENT:
      return p.getConvertedToPermanent().getNewRole().size() +
             p.getConvertedToPermanent().getHostOrg().size();
    default:
      return 0;
  }
}

}  // namespace

ReplayResult ReplayFull(EventLog& log, const workload::Workload& workload) {
  ReplayResult result;
  // Secondments by stream id; the maps below refer to them by index, so that an event costs
  // one hash lookup and no allocation.
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> index_of;
  index_of.reserve(workload.stream_count() * 2);
  std::vector<Secondment> secondments;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> host_index;
  std::vector<std::unordered_set<uint32_t>> active_by_host;
  Position last_position = 0;
  uint64_t active = 0;
  Status status = log.Scan(1, UINT64_MAX, [&](const EventView& view) {
    auto event = view.event;
    if (view.position != last_position + 1) Fail("positions do not increase by one");
    last_position = view.position;
    std::string_view stream = View(event.getStreamId());
    auto it = index_of.find(stream);
    if (it == index_of.end()) {
      it = index_of.emplace(std::string(stream), secondments.size()).first;
      secondments.emplace_back();
    }
    uint32_t id = it->second;
    Secondment& s = secondments[id];
    if (event.getStreamVersion() != s.next_version++) {
      Fail(fmt::format("stream {} skips to version {}", stream, event.getStreamVersion()));
    }
    result.payload_text_bytes += PayloadTextBytes(event);
    auto payload = event.getPayload();
    switch (payload.which()) {
      case schema::Event::Payload::PROPOSED: {
        s.status = Phase::kProposed;
        std::string_view host = View(payload.getProposed().getHost().getOrg());
        auto [h, new_host] = host_index.try_emplace(std::string(host), active_by_host.size());
        if (new_host) active_by_host.emplace_back();
        s.host = h->second;
        break;
      }
      case schema::Event::Payload::APPROVAL_GRANTED:
        s.status = payload.getApprovalGranted().getApproverRole() == schema::Role::HOME_MANAGER
                       ? Phase::kHomeApproved
                       : Phase::kApproved;
        break;
      case schema::Event::Payload::STARTED:
        s.status = Phase::kActive;
        if (s.host != kNoHost && active_by_host[s.host].insert(id).second) {
          result.peak_active = std::max(result.peak_active, ++active);
        }
        break;
      case schema::Event::Payload::EXTENDED:
        s.status = Phase::kExtended;
        break;
      case schema::Event::Payload::RETURNED:
      case schema::Event::Payload::CONVERTED_TO_PERMANENT:
        s.status = payload.which() == schema::Event::Payload::RETURNED ? Phase::kReturned
                                                                       : Phase::kConverted;
        if (s.host != kNoHost && active_by_host[s.host].erase(id) == 1) --active;
        break;
      default:
        break;
    }
    ++result.events;
    return secondment::Status::Ok();
  });
  if (!status.ok()) Fail(status.ToString());
  result.secondments = secondments.size();
  for (const Secondment& s : secondments) result.by_status[Name(s.status)]++;
  for (const auto& set : active_by_host) result.active_at_end += set.size();
  return result;
}

uint64_t DecodeAll(EventLog& log) {
  uint64_t sum = 0;
  Status status = log.Scan(1, UINT64_MAX, [&](const EventView& view) {
    auto event = view.event;
    sum += event.getPosition() + event.getStreamVersion() + event.getStreamId().size() +
           event.getEventId().size() + event.getPrevHash().size() +
           static_cast<uint64_t>(event.getRecordedAtMicros()) + event.getActor().getId().size() +
           event.getEffectiveDate().getDay() + PayloadTextBytes(event);
    return secondment::Status::Ok();
  });
  if (!status.ok()) Fail(status.ToString());
  return sum;
}

uint64_t ReplayWithReadAll(EventLog& log) {
  uint64_t read = 0;
  for (Position from = 1;;) {
    auto page = log.ReadAll(from, 10000);
    if (!page.ok()) Fail(page.status().ToString());
    if (page->empty()) return read;
    for (const auto& e : *page) read += e.Get().hasStreamId() ? 1 : 0;
    from = page->back().position() + 1;
  }
}

std::string ReplayCheck(const ReplayResult& result, const workload::Workload& workload,
                        bool in_global_order) {
  // What the workload implies, by a plain walk of its global order.
  ReplayResult expected;
  std::unordered_map<uint32_t, bool> seen;
  std::unordered_map<uint32_t, Phase> last;
  uint64_t active = 0;
  for (const auto& e : workload.events()) {
    seen[e.stream] = true;
    ++expected.events;
    using T = workload::EventType;
    if (e.type == T::kStarted) expected.peak_active = std::max(expected.peak_active, ++active);
    if (e.type == T::kReturned || e.type == T::kConvertedToPermanent) --active;
    static const std::map<T, Phase> kStatus = {{T::kProposed, Phase::kProposed},
                                               {T::kApprovedByHome, Phase::kHomeApproved},
                                               {T::kApprovedByHost, Phase::kApproved},
                                               {T::kStarted, Phase::kActive},
                                               {T::kExtended, Phase::kExtended},
                                               {T::kReturned, Phase::kReturned},
                                               {T::kConvertedToPermanent, Phase::kConverted}};
    if (auto it = kStatus.find(e.type); it != kStatus.end()) last[e.stream] = it->second;
  }
  expected.secondments = seen.size();
  expected.active_at_end = active;
  for (const auto& [n, s] : last) expected.by_status[Name(s)]++;

  std::string problems;
  auto compare = [&](const char* what, uint64_t got, uint64_t want) {
    if (got != want) problems += fmt::format("{} {} (expected {}); ", what, got, want);
  };
  compare("events", result.events, expected.events);
  compare("secondments", result.secondments, expected.secondments);
  compare("active at end", result.active_at_end, expected.active_at_end);
  if (in_global_order) compare("peak active", result.peak_active, expected.peak_active);
  if (result.by_status != expected.by_status) problems += "statuses differ; ";
  if (in_global_order && workload.stream_count() == workload::kDefaultStreams &&
      result.events == 830405) {
    // The figures WORKLOAD.md states for the full workload.
    compare("returned", result.by_status.count("returned") ? result.by_status.at("returned") : 0,
            84856);
    compare("converted", result.by_status.count("converted") ? result.by_status.at("converted") : 0,
            15144);
    compare("peak active", result.peak_active, 632);
    compare("active at end", result.active_at_end, 0);
  }
  return problems;
}

std::string ReplayJson(const ReplayResult& r) {
  std::string statuses;
  for (const auto& [name, count] : r.by_status) {
    statuses += fmt::format("{}\"{}\":{}", statuses.empty() ? "" : ",", name, count);
  }
  return fmt::format(
      "{{\"events\":{},\"secondments\":{},\"statuses\":{{{}}},\"active_at_end\":{},"
      "\"peak_active\":{}}}",
      r.events, r.secondments, statuses, r.active_at_end, r.peak_active);
}

}  // namespace secondment::bench
