#include "ledger/log/internal/checkpoint_store.h"

#include <fmt/format.h>

#include "ledger/log/internal/keys.h"

namespace secondment::internal {
namespace {

constexpr std::string_view kCheckpointPrefix = "checkpoint/";
constexpr std::string_view kKeyPrefix = "checkpoint-key/";

}  // namespace

Result<std::vector<StoredCheckpoint>> LoadCheckpoints(Store& store, const Store::ReadPoint* at) {
  std::vector<StoredCheckpoint> out;
  RETURN_IF_ERROR(store.ScanMeta(
      kCheckpointPrefix,
      [&](std::string_view key, std::string_view value) -> Status {
        if (key.size() != kCheckpointPrefix.size() + 8) {
          return Corruption("malformed checkpoint key in the meta family");
        }
        StoredCheckpoint stored;
        stored.sequence = GetBigEndian(key.substr(kCheckpointPrefix.size()));
        auto parsed = ParseCheckpointNote(value);
        if (!parsed.ok()) {
          return Corruption(fmt::format("stored checkpoint #{} does not parse: {}", stored.sequence,
                                        parsed.status().message()));
        }
        stored.signed_checkpoint = std::move(*parsed);
        out.push_back(std::move(stored));
        return Status::Ok();
      },
      at));
  for (StoredCheckpoint& stored : out) {
    ASSIGN_OR_RETURN(
        auto raw,
        store.GetMeta(fmt::format("{}{}", kKeyPrefix, stored.signed_checkpoint.key_id), at));
    if (!raw) continue;
    auto key = PublicKey::FromRaw(*raw);
    if (key.ok()) stored.key = std::move(*key);
  }
  return out;
}

Status SaveCheckpoint(Store& store, uint64_t sequence, const SignedCheckpoint& signed_checkpoint,
                      const PublicKey& key) {
  std::string checkpoint_key(kCheckpointPrefix);
  PutBigEndian64(checkpoint_key, sequence);
  return store.PutMeta({
      {std::move(checkpoint_key), signed_checkpoint.Note()},
      {fmt::format("{}{}", kKeyPrefix, key.KeyId()), key.raw()},
  });
}

}  // namespace secondment::internal
