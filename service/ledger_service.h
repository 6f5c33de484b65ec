// LedgerService: the application. The one place that opens a ledger for use, and the one that
// every door (the command line, the RPC server) calls: "what happens when HR approves SEC-7" is
// answered here. It checks the caller's right to act (service/caller.h), loads and folds the
// secondment once, decides, appends, catches the projections up before it returns (read your
// writes), and hands back typed outcomes and rows, never printed text.
//
//   auto ledger = LedgerService::Open(dir, {.access = Access::kWrite});
//   auto outcome = (*ledger)->Execute({"hr-1", Role::kHr}, "SEC-7",
//                                     ApproveCommand{schema::Scope::PLACEMENT, ""});
//
// Durability: Execute returns OK only once its events are on stable storage (EventLog's
// Durability::kSync, the default); the projections are derived and may lag after a crash, which
// the next open for writing (or for reading, when no writer holds the ledger) repairs.
//
// Thread safety: every method may be called from many threads at once. Commands on one
// secondment are serialised within the process (and meet other processes' writes through the
// expected versions); commands on different secondments run side by side and share the log's
// group commit.

#ifndef SECONDMENT_SERVICE_LEDGER_SERVICE_H_
#define SECONDMENT_SERVICE_LEDGER_SERVICE_H_

#include <spdlog/logger.h>

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ledger/audit/bundle.h"
#include "ledger/audit/extends.h"
#include "ledger/base/clock.h"
#include "ledger/base/mutex.h"
#include "ledger/integrity/checkpoint.h"
#include "ledger/integrity/history_proof.h"
#include "ledger/lifecycle/policy.h"
#include "ledger/log/event_log.h"
#include "ledger/log/proofs.h"
#include "ledger/log/subscription.h"
#include "ledger/log/verify.h"
#include "projections/projector.h"
#include "projections/queries.h"
#include "service/caller.h"
#include "service/erasure.h"
#include "service/import.h"
#include "service/requests.h"
#include "service/secondments.h"

namespace secondment::service {

enum class Access {
  kRead,    // a read-only view beside any writer (a RocksDB secondary instance)
  kWrite,   // the writer: takes the ledger's lock
  kFollow,  // a reader that keeps up with a writer in another process (the feed, the relay)
};

struct OpenOptions {
  Access access = Access::kRead;
  Policy policy = Policy::Default();
  // kRead: when the projections lag behind the log (a crash between a commit and its
  // projection update leaves that) and no other process holds the ledger, reopen it for
  // writing to repair them first. Audits read the log as it is: false.
  bool repair = true;
  // kWrite: how long to wait for another process's lock before Unavailable.
  std::chrono::milliseconds lock_patience{1000};
  Durability durability = Durability::kSync;
  const Clock* clock = nullptr;  // borrowed; must outlive the service. Null: the system clock
  std::shared_ptr<spdlog::logger> logger;  // null: silent
  size_t block_cache_bytes = 64 << 20;
};

class LedgerService {
 public:
  // Creates a new, empty ledger in `dir` (which must not exist, or be an empty directory) and
  // returns its ledger id. Conflict "a ledger already exists at DIR" when there is one (nothing
  // is changed); InvalidArgument when `dir` is a file or a directory holding other files.
  static Result<std::string> Create(const std::string& dir, const OpenOptions& options = {});

  // Opens the ledger in `dir`. InvalidArgument "no ledger at DIR; create one with secondment
  // init" when there is none, and nothing is created; Unavailable when kWrite and another
  // process holds the lock past `lock_patience`; IOError or Corruption from the store.
  static Result<std::unique_ptr<LedgerService>> Open(const std::string& dir,
                                                     const OpenOptions& options);

  // Restores the latest backup in `backup_dir` as a new ledger in `dir` (which must not hold
  // one), then verifies every hash, chain and index of it. Errors as RestoreLedger and
  // VerifyLog.
  static Result<VerifyReport> Restore(const std::string& backup_dir, const std::string& dir);

  ~LedgerService();
  LedgerService(const LedgerService&) = delete;
  LedgerService& operator=(const LedgerService&) = delete;

  // ---- Commands (kWrite) ----

  // Records `command` on secondment `id` (nullopt: a proposal under a generated id) as the
  // caller, who must be allowed to (RuleViolation "not permitted: ..." otherwise). Errors as
  // Secondments::Execute; InvalidArgument when `id` is missing for any other command;
  // Unavailable when not opened for writing. OK means the events are durable and the
  // projections show them (should catching them up fail, that is logged, the outcome stands,
  // and the next command or open repairs the lag).
  // `options`: a retry-safe write (an event id) or a conditional one (an expected version),
  // as WriteOptions (service/secondments.h) says.
  Result<Outcome> Execute(const Caller& caller, std::optional<std::string> id,
                          const Command& command, const WriteOptions& options = {});

  // Imports a file of past steps read from `in` (service/import.h): every line is checked,
  // then all of it is appended in one synced batch, or nothing when any line is refused (the
  // report lists them). Hr or the local administrator. Errors: Unavailable when not opened for
  // writing; Conflict when the ledger changed while the file was checked; IOError or
  // Corruption from the log.
  Result<ImportReport> Import(const Caller& caller, std::istream& in, const ImportOptions& options);

  // Erasure of a person's data (service/erasure.h, docs/privacy.md); hr only, local.
  // RequestErasure records the request with its reason (which stays readable: it must name
  // nobody). NotFound when the ledger holds nothing of `employee`; RuleViolation while one of
  // their secondments has not ended; Conflict when a request awaits approval already.
  Result<ErasureOutcome> RequestErasure(const Caller& caller, const std::string& employee,
                                        const std::string& reason);
  // Carries out the request: another hr person than the requester (unless the policy's
  // requesterMayApproveAsHr), else RuleViolation "four eyes: ...". Destroys the key (synced),
  // appends PersonalDataErased, rebuilds the projections and compacts the tables. NotFound
  // when no key of theirs exists; RuleViolation when nothing is requested.
  Result<ErasureOutcome> ApproveErasure(const Caller& caller, const std::string& employee);

  // ---- Queries ----
  // `at` names a past position (as the ledger stood then: replayed, not read from the
  // projections); InvalidArgument when it lies past the head.

  // The secondment, folded. NotFound "no secondment ID" (or "... at position P").
  Result<projections::Folded> Show(const Caller& caller, const std::string& id,
                                   std::optional<Position> at = std::nullopt);
  // The secondment's events in order. Errors as Show.
  Result<std::vector<RecordedEvent>> History(const Caller& caller, const std::string& id,
                                             std::optional<Position> at = std::nullopt);
  // Every event of the employee's secondments, in log order (empty for an unknown employee).
  Result<std::vector<RecordedEvent>> EmployeeHistory(const Caller& caller,
                                                     const std::string& employee,
                                                     std::optional<Position> at = std::nullopt);
  // One row per secondment the caller may see, in id order.
  Result<std::vector<projections::Folded>> ListSecondments(const Caller& caller,
                                                           const StatusQuery& query);
  // Every secondment the caller may see, in id order, one at a time (what an export streams).
  // A non-OK status from `visit` stops it and is returned.
  Status VisitSecondments(const Caller& caller,
                          const std::function<Status(const projections::Folded&)>& visit);
  // The placements the caller may see (projections::ListPlacements), in id order.
  Result<std::vector<projections::Placement>> ListPlacements(const Caller& caller,
                                                             const PlacementQuery& query);
  Result<std::vector<projections::Alert>> ListAlerts(const Caller& caller, const AlertQuery& query);
  // What waits for the caller, in its role, among the secondments it may see: requests waiting
  // for its approval, approved placements to sign and start (hr), and the alerts (within 30
  // days) of those secondments; by secondment id.
  Result<std::vector<ToDoItem>> ToDo(const Caller& caller);
  // At most `max` events from position `from` (>= 1).
  Result<std::vector<RecordedEvent>> ReadLog(const Caller& caller, Position from, size_t max);
  // The last position; the last position recorded at or before `micros` (0 when none).
  Position Head() const;
  Result<Position> PositionAt(int64_t micros);
  // Today's business date, by the service's clock.
  CivilDate Today() const;

  // ---- Audit ----

  Result<TreeHeadView> GetTreeHead(const Caller& caller);
  // EventLog verification, then the stored checkpoints against the `trusted` key (when given),
  // then that the log extends `held` (which needs `trusted`). Corruption naming what is wrong.
  Result<VerifyOutcome> Verify(const Caller& caller, const std::optional<PublicKey>& trusted,
                               const std::optional<SignedCheckpoint>& held,
                               const std::function<void(uint64_t, uint64_t)>& progress = {});
  // The history proof of secondment `id` within `checkpoint`. NotFound "no secondment ID
  // within the checkpoint's N events".
  Result<HistoryProof> Prove(const Caller& caller, const std::string& id,
                             const SignedCheckpoint& checkpoint);
  // The stored signed checkpoints, oldest first.
  Result<std::vector<SignedCheckpoint>> Checkpoints(const Caller& caller);
  // Signs the current tree with `key` and stores it (kWrite).
  Result<SignedCheckpoint> MakeCheckpoint(const Caller& caller, const SigningKey& key);
  // Stores a checkpoint signed elsewhere, after checking it against this log (kWrite).
  Status StoreCheckpoint(const Caller& caller, const SignedCheckpoint& checkpoint,
                         const PublicKey& key);
  // Writes the audit bundle of the whole log into the new directory `dir`.
  Result<BundleSummary> ExportBundle(
      const Caller& caller, const std::string& dir,
      const std::function<std::string(const RecordedEvent&)>& json_line);

  // ---- Maintenance (kWrite) ----

  // Drops and replays projection `name` (every one when nullopt). Returns the events replayed.
  Result<uint64_t> Rebuild(const Caller& caller, std::optional<std::string> name,
                           const projections::Progress& progress = nullptr);
  // Adds a backup to `backup_dir` and returns the tree it holds.
  Result<TreeHead> Backup(const Caller& caller, const std::string& backup_dir);

  // ---- The feed ----

  // Delivers every event from options.from on, history then live (ledger/log/subscription.h).
  // Opened kFollow, it keeps up with a writer in another process.
  Result<std::unique_ptr<Subscription>> Follow(const Caller& caller, SubscriptionOptions options,
                                               EventHandler handler);
  // The named consumers' positions, kept beside the ledger.
  ConsumerPositions& consumers() { return consumers_; }

  // The open log, for what reads it as a subscriber does (the NATS relay).
  EventLog& log() { return *log_; }
  const Policy& policy() const { return secondments_->policy(); }
  const std::string& dir() const { return dir_; }
  // The position every projection has applied (kWrite; 0 otherwise): Head() minus this is
  // the projections' lag.
  Position projected() const { return projected_.load(std::memory_order_acquire); }
  // Streams read by commands so far (see Secondments::reads).
  ReadCounts reads() const { return secondments_->reads(); }

 private:
  LedgerService(std::string dir, const OpenOptions& options);
  Status OpenLog(const OpenOptions& options);
  // Catches the projections up to at least `position` (kWrite). Thread-safe.
  Status CatchUpTo(Position position);
  // InvalidArgument when `at` lies past the head.
  Status CheckAt(std::optional<Position> at) const;
  Status RequireWriter(std::string_view what) const;
  // The person's secondments; RuleViolation unless each has ended.
  Result<std::vector<std::string>> ErasableSecondments(const std::string& employee);
  // Destroys the key, rebuilds the projections and scrubs the tables.
  Status FinishErasure(const Caller& caller, const std::string& employee,
                       const ErasureOutcome& erasure);
  // The lock that serialises commands on secondment `id` within this process.
  Mutex& StripeOf(const std::string& id);

  const std::string dir_;
  SystemClock system_clock_;
  const Clock* clock_;
  std::shared_ptr<spdlog::logger> logger_;
  Access access_;
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<Secondments> secondments_;
  ConsumerPositions consumers_;

  Mutex projector_mu_;
  std::unique_ptr<projections::Projector> projector_ PT_GUARDED_BY(projector_mu_);
  std::atomic<Position> projected_{0};  // every projection has applied up to here

  Mutex erasure_mu_;  // one erasure at a time

  static constexpr size_t kStripes = 64;
  std::array<Mutex, kStripes> stripes_;
};

}  // namespace secondment::service

#endif  // SECONDMENT_SERVICE_LEDGER_SERVICE_H_
