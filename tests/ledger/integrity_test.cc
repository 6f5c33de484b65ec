// Integrity: the Merkle tree kept at append, proofs drawn from it, signed checkpoints, and
// `Verify` naming the first bad position for every kind of tampering done straight in RocksDB.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "ledger/audit/extends.h"
#include "ledger/audit/prove.h"
#include "ledger/integrity/history_proof.h"
#include "ledger/integrity/merkle_verify.h"
#include "ledger/log/checkpoints.h"
#include "ledger/log/internal/merkle.h"
#include "ledger/log/proofs.h"
#include "ledger/log/verify.h"
#include "tests/ledger/raw_ledger.h"
#include "tests/ledger/test_util.h"

namespace secondment {
namespace {

using testing::LedgerTest;
using testing::One;
using testing::RawLedger;
using testing::Withdrawal;
using testing::Withdrawals;

std::string Bytes(const Hash256& h) { return {reinterpret_cast<const char*>(h.data()), 32}; }

class IntegrityTest : public LedgerTest {
 protected:
  // 40 events over 4 streams, interleaved, some appended together.
  Hash256 ReferenceRoot() {
    auto events = log_->ReadAll(1, 1 << 20);
    MerkleFrontier frontier;
    for (const auto& e : *events) frontier.Append(LeafHash(e.bytes()), nullptr);
    return frontier.Root();
  }

  // Runs `damage` on the closed ledger, reopens it read-only and verifies.
  Status DamageAndVerify(const std::function<void(RawLedger&)>& damage) {
    log_.reset();
    {
      RawLedger raw(dir_.Sub("ledger"));
      damage(raw);
    }
    Options options;
    options.read_only = true;
    Reopen(options);
    auto report = VerifyLog(*log_);
    return report.status();
  }

  std::string ledger_dir() { return dir_.Sub("ledger"); }
};

TEST_F(IntegrityTest, AnEmptyLedgerVerifies) {
  auto report = VerifyLog(*log_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->events, 0u);
  EXPECT_EQ(ToHex(report->root), ToHex(Sha256("")));
}

TEST_F(IntegrityTest, TheStoredTreeIsTheTreeOfTheEvents) {
  FillFourStreams();
  ASSERT_TRUE(log_->Append("e", ExpectedVersion::NoStream(), Withdrawals(37)).ok());
  auto report = VerifyLog(*log_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->events, 77u);
  EXPECT_EQ(report->streams, 5u);
  EXPECT_EQ(ToHex(report->root), ToHex(ReferenceRoot()));
  EXPECT_EQ(ToHex(LogProofs(*log_).Head()->root), ToHex(ReferenceRoot()));
  EXPECT_EQ(LogProofs(*log_).RootAt(78).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(IntegrityTest, TheTreeGoesOnAfterReopen) {
  FillFourStreams(3);
  Reopen();
  FillFourStreams(5);
  Reopen();
  ASSERT_TRUE(log_->Append("z", ExpectedVersion::Any(), Withdrawals(21)).ok());
  auto report = VerifyLog(*log_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->events, 53u);
  EXPECT_EQ(ToHex(report->root), ToHex(ReferenceRoot()));
}

TEST_F(IntegrityTest, RefusedAppendsInAGroupLeaveNoTraceInTheTree) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        // Half of these race for the same version and lose.
        (void)log_->Append("shared", ExpectedVersion::Exactly(static_cast<StreamVersion>(i)),
                           One(Withdrawal("race")));
        (void)log_->Append(fmt::format("own-{}", t), ExpectedVersion::Any(),
                           One(Withdrawal("mine")));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto report = VerifyLog(*log_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->events, log_->Head());
  EXPECT_EQ(ToHex(report->root), ToHex(ReferenceRoot()));
}

TEST_F(IntegrityTest, VerifyReadsOnePointWhileWritersAppend) {
  FillFourStreams(20);
  SigningKey key = std::move(SigningKey::Generate()).value();
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 3; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; !stop.load(); ++i) {
        AppendOne(fmt::format("live-{}", t));
        if (t == 0 && i % 20 == 0) {
          EXPECT_TRUE(LogCheckpoints(*log_).Make(key).ok());
        }
      }
    });
  }
  for (int round = 0; round < 5; ++round) {
    auto report = VerifyLog(*log_);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
  }
  stop = true;
  for (auto& w : writers) w.join();
  auto report = VerifyLog(*log_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->events, log_->Head());
}

TEST_F(IntegrityTest, ProofsDrawnFromTheLogVerify) {
  FillFourStreams(9);  // 36 events
  auto events = log_->ReadAll(1, 100);
  for (uint64_t size : {1u, 7u, 16u, 17u, 36u}) {
    std::string root = Bytes(*LogProofs(*log_).RootAt(size));
    for (Position p = 1; p <= size; ++p) {
      auto proof = LogProofs(*log_).InclusionProof(p, size);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      std::vector<std::string> raw;
      for (auto& h : *proof) raw.push_back(Bytes(h));
      EXPECT_TRUE(
          VerifyInclusion(Bytes(LeafHash((*events)[p - 1].bytes())), p - 1, size, raw, root).ok())
          << p << " in " << size;
    }
    auto consistency = LogProofs(*log_).ConsistencyProof(size, 36);
    ASSERT_TRUE(consistency.ok());
    std::vector<std::string> raw;
    for (auto& h : *consistency) raw.push_back(Bytes(h));
    EXPECT_TRUE(VerifyConsistency(size, 36, raw, root, Bytes(LogProofs(*log_).Head()->root)).ok());
  }
  EXPECT_EQ(LogProofs(*log_).InclusionProof(0, 5).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LogProofs(*log_).InclusionProof(6, 5).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LogProofs(*log_).InclusionProof(5, 37).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LogProofs(*log_).ConsistencyProof(0, 5).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LogProofs(*log_).ConsistencyProof(6, 5).status().code(), StatusCode::kInvalidArgument);
}

// --- tampering, found by Verify --------------------------------------------------------

TEST_F(IntegrityTest, OneChangedByteIsFoundAtItsPosition) {
  FillFourStreams();
  Status status = DamageAndVerify([](RawLedger& raw) {
    std::string value = raw.GetEvent(23);
    size_t at = value.find("c-5");  // the reason text: the event still decodes
    ASSERT_NE(at, std::string::npos);
    value[at + 2] = '6';
    raw.PutEvent(23, value);
  });
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message().substr(0, 13), "position 23: ") << status.message();
  EXPECT_NE(status.message().find("altered"), std::string::npos) << status.message();
}

TEST_F(IntegrityTest, ADeletedEventIsFoundAtItsPosition) {
  FillFourStreams();
  Status status = DamageAndVerify([](RawLedger& raw) { raw.DeleteEvent(17); });
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message(), "position 17: the event is missing (the log goes on at position 18)");
}

TEST_F(IntegrityTest, TwoSwappedEventsAreFoundAtTheFirst) {
  FillFourStreams();
  Status status = DamageAndVerify([](RawLedger& raw) {
    std::string a = raw.GetEvent(9), b = raw.GetEvent(30);
    raw.PutEvent(9, b);
    raw.PutEvent(30, a);
  });
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message().substr(0, 12), "position 9: ") << status.message();
}

TEST_F(IntegrityTest, ARemovedTailIsFound) {
  FillFourStreams();
  Status status = DamageAndVerify([](RawLedger& raw) {
    for (Position p = 35; p <= 40; ++p) raw.DeleteEvent(p);
  });
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message().substr(0, 13), "position 35: ") << status.message();
  EXPECT_NE(status.message().find("tail was removed"), std::string::npos) << status.message();
}

TEST_F(IntegrityTest, AnIdIndexEntryMovedToAnotherPositionIsFound) {
  FillFourStreams();
  std::string id(log_->ReadAll(12, 1)->front().Get().getEventId().asChars().begin(), 16);
  Status status = DamageAndVerify([&](RawLedger& raw) {
    ASSERT_TRUE(raw.db()->Put(rocksdb::WriteOptions(), raw.ids(), id, testing::Key64(13)).ok());
  });
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message().substr(0, 13), "position 12: ") << status.message();
}

TEST_F(IntegrityTest, AStreamIndexEntryRemovedIsFound) {
  FillFourStreams();
  Status status = DamageAndVerify([&](RawLedger& raw) {
    std::string key = "b";
    key += '\0';
    key += std::string("\0\0\0\3", 4);  // version 3 of stream b: position 14
    ASSERT_TRUE(raw.db()->Delete(rocksdb::WriteOptions(), raw.streams(), key).ok());
  });
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message(), "position 14: it is missing from the stream index");
}

TEST_F(IntegrityTest, ATruncatedTailWithOtherEventsAppendedIsFound) {
  FillFourStreams();
  log_.reset();
  {
    RawLedger raw(ledger_dir());
    for (Position p = 31; p <= 40; ++p) raw.DeleteEvent(p);
  }
  Reopen();
  for (int i = 0; i < 12; ++i) AppendOne(fmt::format("fork-{}", i));
  auto report = VerifyLog(*log_);
  EXPECT_EQ(report.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(report.status().message().substr(0, 13), "position 31: ") << report.status().message();
}

// A careful forger removes every trace of the tail, then appends other events: the log is
// consistent in itself, and only a checkpoint taken before tells.
class CheckpointTest : public IntegrityTest {
 protected:
  SigningKey key_ = std::move(SigningKey::Generate()).value();
  SigningKey other_key_ = std::move(SigningKey::Generate()).value();
};

TEST_F(CheckpointTest, ACarefulForkIsFoundByTheCheckpointsItBreaks) {
  FillFourStreams();
  auto held = LogCheckpoints(*log_).Make(key_);  // what the auditor took away
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  log_.reset();
  {
    RawLedger raw(ledger_dir());
    raw.CutTail(31);
  }
  Reopen();
  for (int i = 0; i < 12; ++i) AppendOne(fmt::format("fork-{}", i));
  auto report = VerifyLog(*log_);
  EXPECT_EQ(report.status().code(), StatusCode::kCorruption);
  EXPECT_NE(report.status().message().find("no longer matches checkpoint #1"), std::string::npos)
      << report.status().message();
  auto extends = VerifyExtends(*log_, *held, key_.Public());
  EXPECT_EQ(extends.status().code(), StatusCode::kCorruption);
  EXPECT_NE(extends.status().message().find("does not extend the checkpoint of 40 events"),
            std::string::npos)
      << extends.status().message();
}

TEST_F(CheckpointTest, TodaysLogExtendsAnEarlierCheckpoint) {
  FillFourStreams(3);
  auto held = LogCheckpoints(*log_).Make(key_);
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(held->checkpoint.size, 12u);
  FillFourStreams(5);
  auto extension = VerifyExtends(*log_, *held, key_.Public());
  ASSERT_TRUE(extension.ok()) << extension.status().ToString();
  EXPECT_EQ(extension->size, 32u);
  auto report = VerifyLog(*log_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->checkpoints, 1u);
}

TEST_F(CheckpointTest, ACheckpointSignedByAnotherKeyIsRejected) {
  FillFourStreams(2);
  auto held = LogCheckpoints(*log_).Make(other_key_);
  ASSERT_TRUE(held.ok());
  auto extension = VerifyExtends(*log_, *held, key_.Public());
  EXPECT_EQ(extension.status().code(), StatusCode::kCorruption);
  EXPECT_NE(extension.status().message().find("signed by key"), std::string::npos);
  // The same body with a signature made by the other key, but claiming ours.
  SignedCheckpoint forged = *held;
  forged.key_id = key_.Public().KeyId();
  EXPECT_EQ(VerifyExtends(*log_, forged, key_.Public()).status().code(), StatusCode::kCorruption);
}

TEST_F(CheckpointTest, AnEmptyTreeCheckpointMustHaveTheEmptyRoot) {
  FillFourStreams(1);
  Checkpoint empty{*LogProofs(*log_).LedgerId(), 0, Sha256(""), kStart};
  EXPECT_TRUE(VerifyExtends(*log_, key_.Sign(empty), key_.Public()).ok());
  empty.root = ReferenceRoot();
  EXPECT_EQ(VerifyExtends(*log_, key_.Sign(empty), key_.Public()).status().code(),
            StatusCode::kCorruption);
}

TEST_F(CheckpointTest, ACheckpointSignedElsewhereIsStoredOnlyIfItIsThisLogsAndNotFromTheFuture) {
  FillFourStreams(2);
  Checkpoint c{*LogProofs(*log_).LedgerId(), 8, LogProofs(*log_).Head()->root, kStart};
  Checkpoint wrong_root = c;
  wrong_root.root[3] ^= 1;
  EXPECT_EQ(LogCheckpoints(*log_).Store(key_.Sign(wrong_root), key_.Public()).code(),
            StatusCode::kInvalidArgument);
  Checkpoint other_ledger = c;
  other_ledger.ledger_id = std::string(32, '0');
  EXPECT_EQ(LogCheckpoints(*log_).Store(key_.Sign(other_ledger), key_.Public()).code(),
            StatusCode::kInvalidArgument);
  Checkpoint too_big = c;
  too_big.size = 9;
  EXPECT_EQ(LogCheckpoints(*log_).Store(key_.Sign(too_big), key_.Public()).code(),
            StatusCode::kInvalidArgument);
  Checkpoint future = c;
  future.time_micros = kStart + 3600LL * 1000000;  // an hour ahead of the ledger's clock
  EXPECT_EQ(LogCheckpoints(*log_).Store(key_.Sign(future), key_.Public()).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(LogCheckpoints(*log_).Store(key_.Sign(c), other_key_.Public()).code(),
            StatusCode::kCorruption);
  ASSERT_TRUE(LogCheckpoints(*log_).Store(key_.Sign(c), key_.Public()).ok());
  EXPECT_EQ(LogCheckpoints(*log_).List()->size(), 1u);
  auto report = VerifyLog(*log_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->checkpoints, 1u);
}

TEST_F(CheckpointTest, AnAlteredCheckpointNoteIsRejected) {
  FillFourStreams(2);
  auto held = LogCheckpoints(*log_).Make(key_);
  ASSERT_TRUE(held.ok());
  std::string note = held->Note();
  note.replace(note.find("size 8"), 6, "size 7");
  auto parsed = ParseCheckpointNote(note);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(key_.Public().Verify(*parsed).code(), StatusCode::kCorruption);
  EXPECT_EQ(VerifyExtends(*log_, *parsed, key_.Public()).status().code(), StatusCode::kCorruption);
}

TEST_F(CheckpointTest, CheckpointsNeverGoBack) {
  FillFourStreams(1);
  ASSERT_TRUE(LogCheckpoints(*log_).Make(key_).ok());
  clock_.Advance(1000);
  FillFourStreams(1);
  ASSERT_TRUE(LogCheckpoints(*log_).Make(key_).ok());
  ASSERT_TRUE(LogCheckpoints(*log_).Make(key_).ok());  // same size, same time: not older
  clock_.Advance(-5000);                               // the clock steps back
  auto older = LogCheckpoints(*log_).Make(key_);
  EXPECT_EQ(older.status().code(), StatusCode::kRuleViolation);
  EXPECT_NE(older.status().message().find("checkpoints never go back"), std::string::npos);
  clock_.Advance(10000);
  ASSERT_TRUE(LogCheckpoints(*log_).Make(key_).ok());
  auto all = LogCheckpoints(*log_).List();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].checkpoint.size, 4u);
  EXPECT_EQ((*all)[3].checkpoint.size, 8u);
  EXPECT_EQ(LogCheckpoints(*log_).Keys()->size(), 1u);
}

TEST_F(CheckpointTest, ACheckpointNoteRoundTripsAndMalformedNotesAreRefused) {
  FillFourStreams(1);
  auto held = LogCheckpoints(*log_).Make(key_);
  ASSERT_TRUE(held.ok());
  auto parsed = ParseCheckpointNote(held->Note());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->Note(), held->Note());
  EXPECT_TRUE(key_.Public().Verify(*parsed).ok());
  std::string note = held->Note();
  for (const std::string& bad :
       {std::string(""), note.substr(0, note.size() / 2), "x" + note,
        note.substr(0, note.find("size")) + "size -4\n" + note.substr(note.find("root")),
        note.substr(0, note.find("root")) + "root abc\n" + note.substr(note.find("time")),
        note.substr(0, note.find("time")) + "time yesterday\n" + note.substr(note.find("\n\n")),
        note + "extra line\n", std::string(2000, 'a')}) {
    EXPECT_EQ(ParseCheckpointNote(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

// --- history proofs --------------------------------------------------------------------

class HistoryProofTest : public CheckpointTest {
 protected:
  void SetUp() override {
    CheckpointTest::SetUp();
    FillFourStreams();  // stream "b" holds versions 0..9 at positions 2, 6, 10, ...
    checkpoint_ = *LogCheckpoints(*log_).Make(key_);
    auto proof = ProveHistory(*log_, "b", checkpoint_);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    proof_ = *proof;
  }
  StatusCode Check(const HistoryProof& proof) {
    return VerifyHistoryProof(proof, key_.Public()).status().code();
  }
  SignedCheckpoint checkpoint_;
  HistoryProof proof_;
};

TEST_F(HistoryProofTest, AnHonestHistoryVerifiesThroughItsJson) {
  ASSERT_EQ(proof_.events.size(), 10u);
  auto parsed = HistoryProof::FromJson(proof_.ToJson());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  auto verified = VerifyHistoryProof(*parsed, key_.Public());
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->last_version, 9u);
  EXPECT_EQ(verified->checkpoint.checkpoint.size, 40u);
}

TEST_F(HistoryProofTest, EventsAfterTheCheckpointAreLeftOut) {
  AppendOne("b");
  auto proof = ProveHistory(*log_, "b", checkpoint_);
  ASSERT_TRUE(proof.ok());
  EXPECT_EQ(proof->events.size(), 10u);
  EXPECT_EQ(ProveHistory(*log_, "new", checkpoint_).status().code(), StatusCode::kNotFound);
}

TEST_F(HistoryProofTest, AWithheldEventFailsTheCompletenessCheck) {
  for (size_t withheld : {size_t{0}, size_t{4}}) {
    HistoryProof proof = proof_;
    proof.events.erase(proof.events.begin() + static_cast<long>(withheld));
    auto verified = VerifyHistoryProof(proof, key_.Public());
    EXPECT_EQ(verified.status().code(), StatusCode::kCorruption) << withheld;
    EXPECT_NE(verified.status().message().find("missing"), std::string::npos)
        << verified.status().message();
  }
}

TEST_F(HistoryProofTest, ReorderedForeignOrAlteredEventsFail) {
  HistoryProof swapped = proof_;
  std::swap(swapped.events[2], swapped.events[3]);
  EXPECT_EQ(Check(swapped), StatusCode::kCorruption);

  HistoryProof foreign = proof_;
  auto other = ProveHistory(*log_, "c", checkpoint_);
  foreign.events.insert(foreign.events.begin() + 3, other->events[3]);
  EXPECT_EQ(Check(foreign), StatusCode::kCorruption);

  HistoryProof altered = proof_;
  std::string& bytes = altered.events[5].canonical;
  bytes[bytes.find("b-5") + 2] = '7';
  EXPECT_EQ(Check(altered), StatusCode::kCorruption);

  HistoryProof bad_path = proof_;
  bad_path.events[1].inclusion.pop_back();
  EXPECT_EQ(Check(bad_path), StatusCode::kCorruption);

  HistoryProof moved = proof_;
  moved.events[1].position += 1;
  EXPECT_EQ(Check(moved), StatusCode::kCorruption);
}

TEST_F(HistoryProofTest, AProofIsCheckedOnlyAgainstTheKeyTheAuditorTrusts) {
  EXPECT_EQ(VerifyHistoryProof(proof_, other_key_.Public()).status().code(),
            StatusCode::kCorruption);
  HistoryProof resigned = proof_;
  auto parsed = ParseCheckpointNote(proof_.checkpoint_note);
  resigned.checkpoint_note = other_key_.Sign(parsed->checkpoint).Note();
  EXPECT_EQ(Check(resigned), StatusCode::kCorruption);
}

TEST_F(HistoryProofTest, MalformedProofDocumentsAreInvalidArgument) {
  std::string json = proof_.ToJson();
  for (const std::string& bad :
       {std::string(""), std::string("[]"), std::string("{}"), json.substr(0, json.size() / 2),
        std::string(R"({"format":"something else","stream":"b","checkpoint":"","events":[]})"),
        std::string(
            R"({"format":"secondment-ledger history proof v1","stream":"b",)"
            R"("checkpoint":"x","events":[{"position":"-1","canonical":"","inclusion":[]}]})"),
        std::string(
            R"({"format":"secondment-ledger history proof v1","stream":"b",)"
            R"("checkpoint":"x","events":[{"position":"1","canonical":"@@","inclusion":[]}]})"),
        std::string(
            R"({"format":"secondment-ledger history proof v1","stream":"b",)"
            R"("checkpoint":"x","events":[{"position":"1","canonical":"","inclusion":["zz"]}]})"),
        std::string(
            R"({"format":"secondment-ledger history proof v1","stream":"b","checkpoint":"x",)"
            R"("events":[],"extra":1})")}) {
    EXPECT_EQ(HistoryProof::FromJson(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  HistoryProof unsigned_note = proof_;
  unsigned_note.checkpoint_note = "not a note";
  EXPECT_EQ(Check(unsigned_note), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace secondment
