// Vault: the data subjects' keys, in the table "vault" (its own column family, outside every
// hashed byte), and what the log knows of erasures.
//
// Records (ledger/FORMAT.md, "The vault"):
//   "pepper"                -> 32 random bytes, made with the first subject
//   "e" HMAC(pepper, id)    -> pseudonym (32 hex) + key (32 bytes): the subject of an employee id
//   "k" pseudonym           -> key: for opening sealed fields
//   "x" secondment id       -> pseudonym: a secondment whose person was erased
// The employee id itself is never stored: only its HMAC, so a lookup needs the id.
//
// A new subject's records are written in the batch of the append that first uses them, so an
// acknowledged event always has its key; until that batch is durable, every append that uses
// the subject carries them (the same records again). Destroy writes synced.
#ifndef SECONDMENT_LEDGER_LOG_INTERNAL_VAULT_H_
#define SECONDMENT_LEDGER_LOG_INTERNAL_VAULT_H_

#include <capnp/common.h>
#include <kj/array.h>

#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ledger/base/mutex.h"
#include "ledger/base/status.h"
#include "ledger/event/sealing.h"
#include "ledger/log/internal/store.h"

namespace secondment::internal {

inline constexpr char kVaultTable[] = "vault";

struct VaultSubject {
  std::string pseudonym;
  SubjectKey key{};
};

// Thread-safe.
class Vault {
 public:
  Vault(Store* store, bool read_only) : store_(store), read_only_(read_only) {}

  // Reads what is known of erasures; call once, before the other calls.
  Status Load();

  // The subject of `employee_id`, or nullopt when it has none.
  Result<std::optional<VaultSubject>> Find(std::string_view employee_id);
  // The same, made (pseudonym and key new) when missing; the records of a subject not durable
  // yet are added to `records`, for the append to write. Unavailable when read-only.
  Result<VaultSubject> FindOrCreate(std::string_view employee_id, VaultRecords* records);
  // The append that carried the records of `pseudonyms` (and the pepper) is durable.
  void Persisted(const std::vector<std::string>& pseudonyms);

  // Deletes the subject's records (synced) and records `secondments` as erased.
  Status Destroy(std::string_view employee_id, const VaultSubject& subject,
                 const std::vector<std::string>& secondments);

  // `stored` as readers see it (Open in ledger/event/sealing.h), or nullopt when it reads as
  // stored: no sealed field and not of an erased secondment.
  Result<std::optional<kj::Array<capnp::word>>> Open(schema::Event::Reader stored);

 private:
  // The pepper; made when missing and `create` (not durable until an append carries it).
  Result<std::string> Pepper(bool create) REQUIRES(mu_);
  Result<std::optional<SubjectKey>> KeyOf(std::string_view pseudonym);
  // The pseudonym of an erased secondment's person, when `stream` is one.
  Result<std::optional<std::string>> ErasedSecondment(std::string_view stream);

  Store* const store_;
  const bool read_only_;
  Mutex mu_;
  std::string pepper_ GUARDED_BY(mu_);
  bool pepper_durable_ GUARDED_BY(mu_) = true;
  std::unordered_map<std::string, SubjectKey> keys_ GUARDED_BY(mu_);  // by pseudonym
  // A writer's subjects by employee id (in memory only; erasure removes the entry), so an
  // append skips the HMAC and the read.
  struct Cached {
    VaultSubject subject;
    std::string record_key;  // "e" HMAC(pepper, id)
    bool durable = false;
  };
  std::unordered_map<std::string, Cached> subjects_ GUARDED_BY(mu_);
  std::unordered_map<std::string, std::string> pending_ GUARDED_BY(mu_);  // pseudonym -> id
  // The "x" records: one per erased secondment. The flag spares the common case the lock.
  std::atomic<bool> any_erased_{false};
  std::unordered_map<std::string, std::string> erased_ GUARDED_BY(mu_);
};

}  // namespace secondment::internal

#endif  // SECONDMENT_LEDGER_LOG_INTERNAL_VAULT_H_
