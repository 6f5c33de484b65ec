// LedgerService's audit, maintenance and feed: tree head, verification, proofs, checkpoints,
// bundles, rebuilds, backups, subscriptions.

#include <fmt/format.h>

#include <algorithm>

#include "ledger/audit/prove.h"
#include "ledger/lifecycle/streams.h"
#include "ledger/log/checkpoints.h"
#include "ledger/log/maintenance.h"
#include "service/ledger_service.h"

namespace secondment::service {

Result<TreeHeadView> LedgerService::GetTreeHead(const Caller& caller) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kTreeHead));
  LogProofs proofs(*log_);
  TreeHeadView view;
  ASSIGN_OR_RETURN(view.ledger_id, proofs.LedgerId());
  ASSIGN_OR_RETURN(view.head, proofs.Head());
  return view;
}

Result<VerifyOutcome> LedgerService::Verify(
    const Caller& caller, const std::optional<PublicKey>& trusted,
    const std::optional<SignedCheckpoint>& held,
    const std::function<void(uint64_t, uint64_t)>& progress) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kAudit));
  if (held && !trusted) {
    return InvalidArgument(
        "a checkpoint to check needs the key you trust: the checkpoint and the key go together");
  }
  VerifyOutcome outcome;
  ASSIGN_OR_RETURN(outcome.report, VerifyLog(*log_, progress));
  // Stored checkpoints were checked against the keys stored beside them; with a key the
  // auditor trusts, each must be signed by it, or a rewrite re-signed with another key passes.
  ASSIGN_OR_RETURN(auto stored, LogCheckpoints(*log_).List());
  for (size_t i = 0; i < stored.size(); ++i) {
    const SignedCheckpoint& c = stored[i];
    if (trusted) {
      if (Status s = trusted->Verify(c); !s.ok()) {
        return Corruption(fmt::format("stored checkpoint #{}: {}", i + 1, s.message()));
      }
    }
    auto& ids = outcome.checkpoint_key_ids;
    if (std::find(ids.begin(), ids.end(), c.key_id) == ids.end()) ids.push_back(c.key_id);
  }
  if (held) {
    ASSIGN_OR_RETURN(outcome.extension, VerifyExtends(*log_, *held, *trusted));
  }
  return outcome;
}

Result<HistoryProof> LedgerService::Prove(const Caller& caller, const std::string& id,
                                          const SignedCheckpoint& checkpoint) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kAudit));
  RETURN_IF_ERROR(ValidateId(id, "secondment"));
  auto proof = ProveHistory(*log_, SecondmentStream(id), checkpoint);
  if (proof.status().code() == StatusCode::kNotFound) {
    return NotFound(fmt::format("no secondment {} within the checkpoint's {} events", id,
                                checkpoint.checkpoint.size));
  }
  return proof;
}

Result<std::vector<SignedCheckpoint>> LedgerService::Checkpoints(const Caller& caller) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kTreeHead));
  return LogCheckpoints(*log_).List();
}

Result<SignedCheckpoint> LedgerService::MakeCheckpoint(const Caller& caller,
                                                       const SigningKey& key) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kMakeCheckpoint));
  RETURN_IF_ERROR(RequireWriter("a checkpoint"));
  return LogCheckpoints(*log_).Make(key);
}

Status LedgerService::StoreCheckpoint(const Caller& caller, const SignedCheckpoint& checkpoint,
                                      const PublicKey& key) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kStoreCheckpoint));
  RETURN_IF_ERROR(RequireWriter("a checkpoint"));
  return LogCheckpoints(*log_).Store(checkpoint, key);
}

Result<BundleSummary> LedgerService::ExportBundle(
    const Caller& caller, const std::string& dir,
    const std::function<std::string(const RecordedEvent&)>& json_line) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kExport));
  return WriteAuditBundle(*log_, dir, json_line, clock_->NowMicros());
}

Result<uint64_t> LedgerService::Rebuild(const Caller& caller, std::optional<std::string> name,
                                        const projections::Progress& progress) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kRebuild));
  RETURN_IF_ERROR(RequireWriter("a rebuild"));
  MutexLock lock(&projector_mu_);
  Position head = log_->Head();
  // Until the rebuild is through, the tables are not caught up to anything.
  projected_.store(0, std::memory_order_release);
  ASSIGN_OR_RETURN(uint64_t replayed, projector_->Rebuild(std::move(name), progress));
  projected_.store(std::max(head, projected_.load(std::memory_order_relaxed)),
                   std::memory_order_release);
  return replayed;
}

Result<TreeHead> LedgerService::Backup(const Caller& caller, const std::string& backup_dir) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kBackup));
  RETURN_IF_ERROR(RequireWriter("a backup"));
  ASSIGN_OR_RETURN(TreeHead head, LogProofs(*log_).Head());
  RETURN_IF_ERROR(BackupLedger(*log_, backup_dir));
  return head;
}

Result<std::unique_ptr<Subscription>> LedgerService::Follow(const Caller& caller,
                                                            SubscriptionOptions options,
                                                            EventHandler handler) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kReadLog));
  if (access_ == Access::kFollow && !options.poll) {
    options.poll = [log = log_.get()] { return log->CatchUpWithPrimary(); };
  }
  return Subscription::Start(*log_, std::move(options), std::move(handler));
}

}  // namespace secondment::service
