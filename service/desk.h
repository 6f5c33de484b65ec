// Desk: the application as one caller sees it, whether the ledger is open in this process
// (LocalDesk, over LedgerService) or behind `secondment serve` (server::RemoteDesk, over the
// typed Cap'n Proto API). The command line talks to a Desk and cannot tell which: the same
// parsing, the same output, the same exit statuses either way.
//
// Every method has the contract of the LedgerService method of the same name, acting as the
// desk's caller. Not thread-safe unless the implementation says so.

#ifndef SECONDMENT_SERVICE_DESK_H_
#define SECONDMENT_SERVICE_DESK_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ledger/integrity/checkpoint.h"
#include "ledger/integrity/history_proof.h"
#include "ledger/lifecycle/lifecycle.h"
#include "projections/queries.h"
#include "service/caller.h"
#include "service/ledger_service.h"
#include "service/requests.h"
#include "service/secondments.h"

namespace secondment::service {

class Desk {
 public:
  virtual ~Desk() = default;

  virtual Result<Outcome> Execute(std::optional<std::string> id, const Command& command) = 0;

  virtual Result<projections::Folded> Show(const std::string& id, std::optional<Position> at) = 0;
  virtual Result<std::vector<RecordedEvent>> History(const std::string& id,
                                                     std::optional<Position> at) = 0;
  virtual Result<std::vector<RecordedEvent>> EmployeeHistory(const std::string& employee,
                                                             std::optional<Position> at) = 0;
  virtual Result<std::vector<projections::Folded>> ListSecondments(const StatusQuery& query) = 0;
  virtual Result<std::vector<projections::Placement>> ListPlacements(
      const PlacementQuery& query) = 0;
  virtual Result<std::vector<projections::Alert>> ListAlerts(const AlertQuery& query) = 0;
  virtual Result<std::vector<RecordedEvent>> ReadLog(Position from, size_t max) = 0;
  virtual Result<Position> Head() = 0;
  virtual Result<Position> PositionAt(int64_t micros) = 0;

  virtual Result<TreeHeadView> GetTreeHead() = 0;
  virtual Result<VerifyOutcome> Verify(const std::optional<PublicKey>& trusted,
                                       const std::optional<SignedCheckpoint>& held,
                                       const std::function<void(uint64_t, uint64_t)>& progress) = 0;
  virtual Result<HistoryProof> Prove(const std::string& id, const SignedCheckpoint& checkpoint) = 0;
  virtual Status StoreCheckpoint(const SignedCheckpoint& checkpoint, const PublicKey& key) = 0;
  // The policy the desk's ledger decides by.
  virtual Result<Policy> GetPolicy() = 0;
  virtual Result<uint64_t> Rebuild(std::optional<std::string> name,
                                   const projections::Progress& progress) = 0;
};

// A Desk over a LedgerService in this process (borrowed; it must outlive the desk).
// Thread-safe, as the service is.
class LocalDesk final : public Desk {
 public:
  LocalDesk(LedgerService* service, Caller caller)
      : service_(service), caller_(std::move(caller)) {}

  Result<Outcome> Execute(std::optional<std::string> id, const Command& command) override {
    return service_->Execute(caller_, std::move(id), command);
  }
  Result<projections::Folded> Show(const std::string& id, std::optional<Position> at) override {
    return service_->Show(caller_, id, at);
  }
  Result<std::vector<RecordedEvent>> History(const std::string& id,
                                             std::optional<Position> at) override {
    return service_->History(caller_, id, at);
  }
  Result<std::vector<RecordedEvent>> EmployeeHistory(const std::string& employee,
                                                     std::optional<Position> at) override {
    return service_->EmployeeHistory(caller_, employee, at);
  }
  Result<std::vector<projections::Folded>> ListSecondments(const StatusQuery& query) override {
    return service_->ListSecondments(caller_, query);
  }
  Result<std::vector<projections::Placement>> ListPlacements(const PlacementQuery& query) override {
    return service_->ListPlacements(caller_, query);
  }
  Result<std::vector<projections::Alert>> ListAlerts(const AlertQuery& query) override {
    return service_->ListAlerts(caller_, query);
  }
  Result<std::vector<RecordedEvent>> ReadLog(Position from, size_t max) override {
    return service_->ReadLog(caller_, from, max);
  }
  Result<Position> Head() override { return service_->Head(); }
  Result<Position> PositionAt(int64_t micros) override { return service_->PositionAt(micros); }
  Result<TreeHeadView> GetTreeHead() override { return service_->GetTreeHead(caller_); }
  Result<VerifyOutcome> Verify(const std::optional<PublicKey>& trusted,
                               const std::optional<SignedCheckpoint>& held,
                               const std::function<void(uint64_t, uint64_t)>& progress) override {
    return service_->Verify(caller_, trusted, held, progress);
  }
  Result<HistoryProof> Prove(const std::string& id, const SignedCheckpoint& checkpoint) override {
    return service_->Prove(caller_, id, checkpoint);
  }
  Status StoreCheckpoint(const SignedCheckpoint& checkpoint, const PublicKey& key) override {
    return service_->StoreCheckpoint(caller_, checkpoint, key);
  }
  Result<Policy> GetPolicy() override { return service_->policy(); }
  Result<uint64_t> Rebuild(std::optional<std::string> name,
                           const projections::Progress& progress) override {
    return service_->Rebuild(caller_, std::move(name), progress);
  }

 private:
  LedgerService* service_;
  const Caller caller_;
};

}  // namespace secondment::service

#endif  // SECONDMENT_SERVICE_DESK_H_
