#include "ledger/log/internal/vault.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstring>

#include "ledger/base/assert.h"

namespace secondment::internal {
namespace {

constexpr char kPepperKey[] = "pepper";
constexpr size_t kPepperBytes = 32;
constexpr std::string_view kSecondmentPrefix = "secondment-";

// A record key: its one-letter kind, then `rest`.
std::string Record(char kind, std::string_view rest) {
  std::string key(1, kind);
  key.append(rest);
  return key;
}

std::string EmployeeKey(std::string_view pepper, std::string_view employee_id) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  auto* done = HMAC(EVP_sha256(), pepper.data(), static_cast<int>(pepper.size()),
                    reinterpret_cast<const unsigned char*>(employee_id.data()), employee_id.size(),
                    mac, &mac_len);
  LEDGER_ASSERT(done != nullptr, "HMAC-SHA256 failed");
  return Record('e', std::string_view(reinterpret_cast<const char*>(mac), mac_len));
}

std::string KeyRecord(std::string_view pseudonym) { return Record('k', pseudonym); }

std::string ErasedRecord(std::string_view secondment) { return Record('x', secondment); }

std::string_view KeyBytes(const SubjectKey& key) {
  return {reinterpret_cast<const char*>(key.data()), key.size()};
}

Result<SubjectKey> ParseKey(std::string_view bytes, std::string_view what) {
  SubjectKey key;
  if (bytes.size() != key.size()) {
    return Corruption(
        fmt::format("the vault's {} holds {} bytes, not a 32-byte key", what, bytes.size()));
  }
  std::memcpy(key.data(), bytes.data(), key.size());
  return key;
}

}  // namespace

Result<std::string> Vault::Pepper(bool create) {
  if (!pepper_.empty()) return pepper_;
  ASSIGN_OR_RETURN(std::optional<std::string> stored, store_->GetRow(kVaultTable, kPepperKey));
  if (stored) {
    if (stored->size() != kPepperBytes) return Corruption("the vault's pepper is malformed");
    pepper_ = *stored;
    return pepper_;
  }
  if (!create) return std::string();
  std::string pepper(kPepperBytes, '\0');
  LEDGER_ASSERT(RAND_bytes(reinterpret_cast<unsigned char*>(pepper.data()),
                           static_cast<int>(pepper.size())) == 1,
                "RAND_bytes failed");
  RETURN_IF_ERROR(
      store_->WriteTables({{Store::TableWrite::kPut, kVaultTable, kPepperKey, pepper}}));
  pepper_ = pepper;
  return pepper_;
}

Result<std::optional<VaultSubject>> Vault::Find(std::string_view employee_id) {
  std::string pepper;
  {
    MutexLock lock(&mu_);
    ASSIGN_OR_RETURN(pepper, Pepper(/*create=*/false));
  }
  if (pepper.empty()) return std::optional<VaultSubject>();
  ASSIGN_OR_RETURN(std::optional<std::string> record,
                   store_->GetRow(kVaultTable, EmployeeKey(pepper, employee_id)));
  if (!record) return std::optional<VaultSubject>();
  VaultSubject subject;
  if (record->size() != 32 + 32 || !IsPseudonym(record->substr(0, 32))) {
    return Corruption("a subject record of the vault is malformed");
  }
  subject.pseudonym = record->substr(0, 32);
  ASSIGN_OR_RETURN(subject.key, ParseKey(std::string_view(*record).substr(32), "subject record"));
  return std::optional<VaultSubject>(std::move(subject));
}

Result<VaultSubject> Vault::FindOrCreate(std::string_view employee_id, VaultRecords* records) {
  if (read_only_) return Unavailable("the ledger is open read-only: no new data subject");
  MutexLock lock(&mu_);  // one creator at a time, so two appends agree on the subject
  auto it = subjects_.find(std::string(employee_id));
  if (it == subjects_.end()) {
    ASSIGN_OR_RETURN(std::string pepper, Pepper(/*create=*/true));
    Cached cached;
    cached.record_key = EmployeeKey(pepper, employee_id);
    ASSIGN_OR_RETURN(std::optional<std::string> record,
                     store_->GetRow(kVaultTable, cached.record_key));
    if (record) {
      if (record->size() != 64) return Corruption("a subject record of the vault is malformed");
      cached.subject.pseudonym = record->substr(0, 32);
      ASSIGN_OR_RETURN(cached.subject.key,
                       ParseKey(std::string_view(*record).substr(32), "subject record"));
      cached.durable = true;
    } else {
      cached.subject.pseudonym = NewPseudonym();
      cached.subject.key = NewSubjectKey();
    }
    keys_[cached.subject.pseudonym] = cached.subject.key;
    it = subjects_.emplace(std::string(employee_id), std::move(cached)).first;
  }
  const Cached& cached = it->second;
  if (!cached.durable) {
    const VaultSubject& s = cached.subject;
    if (!pepper_durable_) records->emplace_back(kPepperKey, pepper_);
    records->emplace_back(cached.record_key, s.pseudonym + std::string(KeyBytes(s.key)));
    records->emplace_back(KeyRecord(s.pseudonym), std::string(KeyBytes(s.key)));
    pending_[s.pseudonym] = std::string(employee_id);
  }
  return cached.subject;
}

void Vault::Persisted(const std::vector<std::string>& pseudonyms) {
  MutexLock lock(&mu_);
  pepper_durable_ = true;
  for (const auto& pseudonym : pseudonyms) {
    auto pending = pending_.find(pseudonym);
    if (pending == pending_.end()) continue;
    if (auto it = subjects_.find(pending->second); it != subjects_.end()) it->second.durable = true;
    pending_.erase(pending);
  }
}

Status Vault::Destroy(std::string_view employee_id, const VaultSubject& subject,
                      const std::vector<std::string>& secondments) {
  if (read_only_) return Unavailable("the ledger is open read-only");
  MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(std::string pepper, Pepper(/*create=*/true));
  std::string record_key = EmployeeKey(pepper, employee_id);
  std::string key_record = KeyRecord(subject.pseudonym);
  std::vector<std::string> erased;
  for (const auto& id : secondments) erased.push_back(ErasedRecord(id));
  std::vector<Store::TableWrite> writes{{Store::TableWrite::kDelete, kVaultTable, record_key, ""},
                                        {Store::TableWrite::kDelete, kVaultTable, key_record, ""}};
  for (const auto& record : erased) {
    writes.push_back({Store::TableWrite::kPut, kVaultTable, record, subject.pseudonym});
  }
  RETURN_IF_ERROR(store_->WriteTables(writes));
  RETURN_IF_ERROR(store_->SyncWal());
  keys_.erase(subject.pseudonym);
  subjects_.erase(std::string(employee_id));
  pending_.erase(subject.pseudonym);
  for (const auto& id : secondments) erased_[id] = subject.pseudonym;
  any_erased_.store(!erased_.empty(), std::memory_order_release);
  return Status::Ok();
}

Result<std::optional<SubjectKey>> Vault::KeyOf(std::string_view pseudonym) {
  {
    MutexLock lock(&mu_);
    if (auto it = keys_.find(std::string(pseudonym)); it != keys_.end()) {
      return std::optional<SubjectKey>(it->second);
    }
  }
  ASSIGN_OR_RETURN(std::optional<std::string> stored,
                   store_->GetRow(kVaultTable, KeyRecord(pseudonym)));
  if (!stored) return std::optional<SubjectKey>();
  ASSIGN_OR_RETURN(SubjectKey key, ParseKey(*stored, "key record"));
  MutexLock lock(&mu_);
  keys_.emplace(std::string(pseudonym), key);
  return std::optional<SubjectKey>(key);
}

Status Vault::Load() {
  std::unordered_map<std::string, std::string> erased;
  RETURN_IF_ERROR(
      store_->ScanRows(kVaultTable, "x", "y", [&](std::string_view key, std::string_view value) {
        erased[std::string(key.substr(1))] = std::string(value);
        return true;
      }));
  MutexLock lock(&mu_);
  erased_ = std::move(erased);
  any_erased_.store(!erased_.empty(), std::memory_order_release);
  return Status::Ok();
}

Result<std::optional<std::string>> Vault::ErasedSecondment(std::string_view stream) {
  if (!any_erased_.load(std::memory_order_acquire) ||
      stream.substr(0, kSecondmentPrefix.size()) != kSecondmentPrefix) {
    return std::optional<std::string>();
  }
  MutexLock lock(&mu_);
  auto it = erased_.find(std::string(stream.substr(kSecondmentPrefix.size())));
  if (it == erased_.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

Result<std::optional<kj::Array<capnp::word>>> Vault::Open(schema::Event::Reader stored) {
  using Opened = std::optional<kj::Array<capnp::word>>;
  if (stored.hasSealed()) {
    std::string pseudonym = SubjectOf(stored.getSealed());
    ASSIGN_OR_RETURN(std::optional<SubjectKey> key, KeyOf(pseudonym));
    if (key) {
      ASSIGN_OR_RETURN(auto words, secondment::Open(stored, Opening::kReveal, &*key, pseudonym));
      return Opened(kj::mv(words));
    }
    ASSIGN_OR_RETURN(auto words, secondment::Open(stored, Opening::kErase, nullptr, pseudonym));
    return Opened(kj::mv(words));
  }
  auto stream = stored.getStreamId();
  ASSIGN_OR_RETURN(std::optional<std::string> erased_by,
                   ErasedSecondment(std::string_view(stream.cStr(), stream.size())));
  if (!erased_by) return Opened();
  ASSIGN_OR_RETURN(auto words, secondment::Open(stored, Opening::kErase, nullptr, *erased_by));
  return Opened(kj::mv(words));
}

}  // namespace secondment::internal
