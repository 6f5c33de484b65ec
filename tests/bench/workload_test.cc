// The generator must reproduce WORKLOAD.md byte for byte before any figure is trusted.

#include "bench/workload.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>

#include "ledger/base/hash.h"

namespace secondment::workload {
namespace {

TEST(WorkloadTest, ThousandStreamsMatchTheDigest) {
  Workload w = Workload::Generate(1000);
  EXPECT_EQ(w.events().size(), 8297u);
  EXPECT_EQ(w.DumpDigest(), "1b84fbb543cb6c531f426a650ab3b53d2426b8540a8b40d34d71d96aecb85fd6");
}

TEST(WorkloadTest, FullWorkloadMatchesTheDigestAndCounts) {
  Workload w = Workload::Generate(kDefaultStreams);
  ASSERT_EQ(w.events().size(), 830405u);
  EXPECT_EQ(w.DumpDigest(), "d8d02447ec7dad9dab7fe4439dc483e591238a76966828485c330a6a5e0e3e35");

  const Event& first = w.events().front();
  EXPECT_EQ(w.StreamId(first), "secondment-350");
  EXPECT_EQ(w.EventIdText(first), "f0e192a8-2b35-40a0-9d50-6dfcfe330a88");
  EXPECT_EQ(first.actor, 17097u);
  EXPECT_EQ(w.StreamId(w.events().back()), "secondment-99862");

  std::map<EventType, int> by_type;
  for (const Event& e : w.events()) by_type[e.type]++;
  EXPECT_EQ(by_type[EventType::kFeedbackRecorded], 200254);
  EXPECT_EQ(by_type[EventType::kExtended], 30151);
  EXPECT_EQ(by_type[EventType::kReturned], 84856);
  EXPECT_EQ(by_type[EventType::kConvertedToPermanent], 15144);

  std::vector<uint32_t> c = w.PhaseCStreams(10000);
  EXPECT_EQ(c[0], 87386u);
  EXPECT_EQ(c[1], 30413u);
  EXPECT_EQ(c[2], 23047u);
  std::string list;
  for (uint32_t n : c) list += std::to_string(n) + "\n";
  EXPECT_EQ(ToHex(Sha256(list)),
            "f55522c912ce8ca71be2a183439a18877f67e822d62716cab4f521b3b7c25bc4");
}

TEST(WorkloadTest, PrefixIsTheStartOfTheGlobalOrder) {
  Workload all = Workload::Generate(1000);
  Workload prefix = Workload::Generate(1000, 500);
  ASSERT_EQ(prefix.events().size(), 500u);
  for (size_t i = 0; i < 500; ++i) {
    EXPECT_EQ(prefix.events()[i].id_hi, all.events()[i].id_hi);
  }
}

TEST(WorkloadTest, LedgerEventsCarryThePayloadFields) {
  Workload w = Workload::Generate(10);
  const Event& e = w.events().front();
  ASSERT_EQ(e.type, EventType::kProposed);
  NewEvent event = w.ToLedgerEvent(e);
  auto proposed = event.Get().getPayload().getProposed();
  const Secondment& s = w.secondment(e.stream);
  EXPECT_EQ(std::string(proposed.getHost().getOrg().cStr()), fmt::format("org-{:02d}", s.host_org));
  EXPECT_EQ(std::string(proposed.getObjectives()[0].cStr()), e.text);
  EXPECT_EQ(
      proposed.getPlannedStart().getYear() * 10000 + proposed.getPlannedStart().getMonth() * 100 +
          proposed.getPlannedStart().getDay(),
      std::stoi(Day(s.start).substr(0, 4) + Day(s.start).substr(5, 2) + Day(s.start).substr(8, 2)));
}

}  // namespace
}  // namespace secondment::workload
