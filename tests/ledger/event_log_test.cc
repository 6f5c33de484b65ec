#include "ledger/log/event_log.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "ledger/base/hash.h"
#include "ledger/log/verify.h"
#include "tests/ledger/test_util.h"

namespace secondment {
namespace {

using testing::LedgerTest;
using testing::One;
using testing::Withdrawal;
using testing::Withdrawals;

TEST_F(LedgerTest, EmptyLogHasHeadZero) {
  EXPECT_EQ(log_->Head(), 0u);
  auto all = log_->ReadAll(1, 10);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
}

TEST_F(LedgerTest, PositionsAreDenseFromOneAndVersionsFromZero) {
  EXPECT_EQ(AppendOne("a"), 1u);
  EXPECT_EQ(AppendOne("b"), 2u);
  EXPECT_EQ(AppendOne("a"), 3u);
  auto a = log_->ReadStream("a", 0, 100);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].Get().getStreamVersion(), 0u);
  EXPECT_EQ((*a)[0].position(), 1u);
  EXPECT_EQ((*a)[1].Get().getStreamVersion(), 1u);
  EXPECT_EQ((*a)[1].position(), 3u);
  EXPECT_EQ(log_->Head(), 3u);
}

TEST_F(LedgerTest, MultiEventAppendGetsConsecutivePositions) {
  auto result = log_->Append("s", ExpectedVersion::NoStream(), Withdrawals(3));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->positions, (std::vector<Position>{1, 2, 3}));
  EXPECT_FALSE(result->duplicate);
}

TEST_F(LedgerTest, EnvelopeIsStampedByTheLedger) {
  NewEvent event = Withdrawal("x");
  event.Mutable().setPosition(999);  // callers cannot choose these
  event.Mutable().setRecordedAtMicros(5);
  EventId id = event.id();
  ASSERT_TRUE(log_->Append("s", ExpectedVersion::Any(), One(std::move(event))).ok());
  auto events = log_->ReadAll(1, 1);
  ASSERT_TRUE(events.ok());
  auto e = events->front().Get();
  EXPECT_EQ(e.getPosition(), 1u);
  EXPECT_EQ(e.getRecordedAtMicros(), kStart);
  EXPECT_EQ(std::string(e.getStreamId().cStr()), "s");
  EXPECT_EQ(*EventId::FromBytes({reinterpret_cast<const char*>(e.getEventId().begin()), 16}), id);
  EXPECT_EQ(std::string(e.getActor().getId().cStr()), "hr-001");
}

TEST_F(LedgerTest, RecordedAtComesFromTheClockAndNeverDecreases) {
  AppendOne("s");
  clock_.Advance(-1000000);  // the system clock steps back a second
  AppendOne("s");
  clock_.Advance(5000000);
  AppendOne("s");
  auto events = log_->ReadAll(1, 10);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ((*events)[0].Get().getRecordedAtMicros(), kStart);
  EXPECT_EQ((*events)[1].Get().getRecordedAtMicros(), kStart);
  EXPECT_EQ((*events)[2].Get().getRecordedAtMicros(), kStart + 4000000);
}

TEST_F(LedgerTest, EachEventNamesTheLeafHashOfItsStreamPredecessor) {
  AppendOne("s");
  AppendOne("other");
  AppendOne("s");
  auto events = log_->ReadStream("s", 0, 10);
  ASSERT_TRUE(events.ok());
  EXPECT_FALSE((*events)[0].Get().hasPrevHash());
  Hash256 first = LeafHash((*events)[0].bytes());
  auto prev = (*events)[1].Get().getPrevHash();
  ASSERT_EQ(prev.size(), 32u);
  EXPECT_TRUE(std::equal(prev.begin(), prev.end(), first.begin()));
}

TEST_F(LedgerTest, PrevHashChainSurvivesReopen) {
  AppendOne("s");
  Reopen();  // the tip cache is empty now: the hash must come from the stored event
  AppendOne("s");
  auto events = log_->ReadStream("s", 0, 10);
  ASSERT_TRUE(events.ok());
  Hash256 first = LeafHash((*events)[0].bytes());
  auto prev = (*events)[1].Get().getPrevHash();
  EXPECT_TRUE(std::equal(prev.begin(), prev.end(), first.begin()));
}

TEST_F(LedgerTest, StoredBytesAreCanonical) {
  AppendOne("s");
  auto events = log_->ReadAll(1, 1);
  ASSERT_TRUE(events.ok());
  std::string_view bytes = events->front().bytes();
  const kj::ArrayPtr<const capnp::word> segments[1] = {
      {reinterpret_cast<const capnp::word*>(bytes.data()), bytes.size() / 8}};
  capnp::SegmentArrayMessageReader reader(segments);
  EXPECT_TRUE(reader.isCanonical());
}

TEST_F(LedgerTest, ExpectedNoStreamRefusesAnExistingStream) {
  AppendOne("s");
  auto result = log_->Append("s", ExpectedVersion::NoStream(), One(Withdrawal("x")));
  ASSERT_EQ(result.status().code(), StatusCode::kConflict);
  EXPECT_EQ(result.status().message(), "stream s already exists at version 0; expected no stream");
  EXPECT_EQ(log_->Head(), 1u);
}

TEST_F(LedgerTest, ExpectedExactVersionMustMatch) {
  AppendOne("s");
  AppendOne("s");
  auto stale = log_->Append("s", ExpectedVersion::Exactly(0), One(Withdrawal("x")));
  ASSERT_EQ(stale.status().code(), StatusCode::kConflict);
  EXPECT_EQ(stale.status().message(), "stream s is at version 1; expected version 0");
  auto missing = log_->Append("t", ExpectedVersion::Exactly(0), One(Withdrawal("x")));
  ASSERT_EQ(missing.status().code(), StatusCode::kConflict);
  EXPECT_EQ(missing.status().message(), "stream t does not exist; expected version 0");
  auto right = log_->Append("s", ExpectedVersion::Exactly(1), One(Withdrawal("x")));
  ASSERT_TRUE(right.ok());
  EXPECT_EQ(right->positions, std::vector<Position>{3});
}

TEST_F(LedgerTest, MultiStreamAppendLandsAtomically) {
  std::vector<StreamAppend> appends;
  appends.push_back({"secondment-1", ExpectedVersion::NoStream(), Withdrawals(2)});
  appends.push_back({"employee-7", ExpectedVersion::NoStream(), Withdrawals(1)});
  auto result = log_->Append(std::move(appends));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->positions, (std::vector<Position>{1, 2, 3}));
  EXPECT_EQ(log_->GetStreamState("employee-7")->value().position, 3u);
}

TEST_F(LedgerTest, FailedCheckInMultiStreamAppendWritesNothing) {
  AppendOne("employee-7");
  std::vector<StreamAppend> appends;
  appends.push_back({"secondment-1", ExpectedVersion::NoStream(), Withdrawals(2)});
  appends.push_back({"employee-7", ExpectedVersion::NoStream(), Withdrawals(1)});
  auto result = log_->Append(std::move(appends));
  EXPECT_EQ(result.status().code(), StatusCode::kConflict);
  EXPECT_EQ(log_->Head(), 1u);
  EXPECT_EQ(log_->ReadStream("secondment-1", 0, 10).status().code(), StatusCode::kNotFound);
  // The positions the refused append would have taken go to the next one.
  EXPECT_EQ(AppendOne("secondment-1"), 2u);
}

TEST_F(LedgerTest, FailedCheckInMultiEventAppendWritesNothing) {
  AppendOne("s");
  auto result = log_->Append("s", ExpectedVersion::NoStream(), Withdrawals(5));
  EXPECT_EQ(result.status().code(), StatusCode::kConflict);
  EXPECT_EQ(log_->Head(), 1u);
  EXPECT_EQ(log_->ReadStream("s", 0, 10)->size(), 1u);
}

// An import: more than an append's 1,000 events in one batch, right after the head it was
// decided on, or not at all.
TEST_F(LedgerTest, AppendAfterTakesAWholeImportOnlyRightAfterItsHead) {
  ASSERT_TRUE(log_->Append("s-0", ExpectedVersion::Any(), Withdrawals(3)).ok());
  auto import = [] {
    std::vector<StreamAppend> appends;
    for (int i = 0; i < 30; ++i) {
      appends.push_back({"s-" + std::to_string(i % 7), ExpectedVersion::Any(), Withdrawals(100)});
    }
    return appends;
  };
  auto stale = log_->AppendAfter(2, import());
  EXPECT_EQ(stale.status().code(), StatusCode::kConflict) << stale.status().ToString();
  EXPECT_EQ(log_->Head(), 3u);
  auto refused = log_->Append(import());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  auto appended = log_->AppendAfter(3, import());
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  ASSERT_EQ(appended->positions.size(), 3000u);
  EXPECT_EQ(appended->positions.front(), 4u);
  EXPECT_EQ(appended->positions.back(), 3003u);
  EXPECT_EQ(log_->Head(), 3003u);
  auto report = VerifyLog(*log_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
}

TEST_F(LedgerTest, AStreamMayAppearTwiceInOneCallCheckedInOrder) {
  std::vector<StreamAppend> appends;
  appends.push_back({"a", ExpectedVersion::NoStream(), Withdrawals(1)});
  appends.push_back({"b", ExpectedVersion::NoStream(), Withdrawals(1)});
  appends.push_back({"a", ExpectedVersion::Exactly(0), Withdrawals(1)});
  auto result = log_->Append(std::move(appends));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->positions, (std::vector<Position>{1, 2, 3}));
  EXPECT_EQ(log_->GetStreamState("a")->value().version, 1u);

  std::vector<StreamAppend> wrong;
  wrong.push_back({"c", ExpectedVersion::NoStream(), Withdrawals(1)});
  wrong.push_back({"c", ExpectedVersion::NoStream(), Withdrawals(1)});
  EXPECT_EQ(log_->Append(std::move(wrong)).status().code(), StatusCode::kConflict);
  EXPECT_EQ(log_->Head(), 3u);
}

TEST_F(LedgerTest, DataSurvivesCloseAndReopen) {
  for (int i = 0; i < 5; ++i) AppendOne("s", ExpectedVersion::Any(), "event " + std::to_string(i));
  Reopen();
  EXPECT_EQ(log_->Head(), 5u);
  EXPECT_EQ(ReasonAt(4), "event 3");
  EXPECT_EQ(AppendOne("s", ExpectedVersion::Exactly(4)), 6u);
}

TEST_F(LedgerTest, RecordedAtStaysMonotonicAcrossReopen) {
  AppendOne("s");
  Reopen();
  clock_.Advance(-60000000);
  AppendOne("s");
  auto events = log_->ReadAll(1, 2);
  EXPECT_EQ((*events)[1].Get().getRecordedAtMicros(), kStart);
}

TEST_F(LedgerTest, ReadAllIsDenseAndOrderedAndHonoursLimits) {
  for (int i = 0; i < 50; ++i) AppendOne(fmt::format("s{}", i % 7));
  auto page = log_->ReadAll(11, 20);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 20u);
  for (size_t i = 0; i < page->size(); ++i) EXPECT_EQ((*page)[i].position(), 11 + i);
  EXPECT_EQ(log_->ReadAll(45, 100)->size(), 6u);
  EXPECT_TRUE(log_->ReadAll(51, 100)->empty());
  EXPECT_TRUE(log_->ReadAll(1, 0)->empty());
  EXPECT_EQ(log_->ReadAll(0, 1).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(LedgerTest, ScanVisitsInOrderAndStopsOnError) {
  for (int i = 0; i < 10; ++i) AppendOne("s");
  std::vector<Position> seen;
  Status status = log_->Scan(3, 100, [&](const EventView& view) {
    seen.push_back(view.position);
    if (view.position == 6) return NotFound("stop here");
    return Status::Ok();
  });
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_EQ(seen, (std::vector<Position>{3, 4, 5, 6}));
}

TEST_F(LedgerTest, ReadStreamFromAVersionAndWithAMax) {
  for (int i = 0; i < 6; ++i) AppendOne("s", ExpectedVersion::Any(), std::to_string(i));
  auto part = log_->ReadStream("s", 2, 3);
  ASSERT_TRUE(part.ok());
  ASSERT_EQ(part->size(), 3u);
  EXPECT_EQ((*part)[0].Get().getStreamVersion(), 2u);
  EXPECT_EQ((*part)[2].Get().getStreamVersion(), 4u);
  EXPECT_TRUE(log_->ReadStream("s", 6, 10)->empty());
}

TEST_F(LedgerTest, UnknownStreamIsNotFound) {
  auto result = log_->ReadStream("nobody", 0, 10);
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(result.status().message(), "stream nobody has no events");
  EXPECT_FALSE(log_->GetStreamState("nobody")->has_value());
}

TEST_F(LedgerTest, ReadOnlyOpenReadsButRefusesAppends) {
  AppendOne("s");
  log_.reset();
  Options options;
  options.read_only = true;
  auto reader = EventLog::Open(dir_.Sub("ledger"), options);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->Head(), 1u);
  auto append = (*reader)->Append("s", ExpectedVersion::Any(), One(Withdrawal("x")));
  EXPECT_EQ(append.status().code(), StatusCode::kUnavailable);
}

TEST_F(LedgerTest, NoSyncModeAppendsAndReads) {
  Options options;
  options.durability = Durability::kNoSync;
  Reopen(options);
  EXPECT_EQ(AppendOne("s"), 1u);
  Reopen();
  EXPECT_EQ(log_->Head(), 1u);
}

TEST(LedgerOpenTest, RefusesAFileAndANonEmptyForeignDirectory) {
  testing::TempDir dir;
  std::string file = dir.Sub("file");
  { std::ofstream(file) << "not a ledger"; }
  auto on_file = EventLog::Open(file, Options{});
  EXPECT_EQ(on_file.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(on_file.status().message(), "ledger path " + file + " is not a directory");

  auto on_foreign = EventLog::Open(dir.path(), Options{});
  EXPECT_EQ(on_foreign.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(on_foreign.status().message().find("holds no ledger"), std::string::npos);
}

TEST(LedgerOpenTest, MissingLedgerWithoutCreateIsNotFound) {
  testing::TempDir dir;
  Options options;
  options.create_if_missing = false;
  auto result = EventLog::Open(dir.Sub("nothing"), options);
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace secondment
