// Fuzz target: what an auditor is handed, and the code that judges it. The first byte picks
// what the rest is:
//   'p'  a history proof document (`verify-proof`), checked against a fixed key; the seeds
//        are real proofs signed by it (tests/data/fuzz/proof-signing-key.pem)
//   'n'  a checkpoint note
//   'm'  a Merkle tree drawn from the bytes: proofs the tree builder makes must verify, and
//        a proof with one bit flipped, or checked at another index, must not (the builder
//        and the verifier share no code, so each checks the other)
//   else raw proof verification on hashes from the bytes, which must never crash
// Nothing a document says may crash the verifier, and a refusal is always Corruption or
// InvalidArgument.

#include <map>
#include <utility>

#include "ledger/integrity/checkpoint.h"
#include "ledger/integrity/history_proof.h"
#include "ledger/integrity/merkle_verify.h"
#include "ledger/log/internal/merkle.h"
#include "tests/fuzz/fuzz_check.h"

namespace secondment::fuzz {
namespace {

// The public half of tests/data/fuzz/proof-signing-key.pem.
constexpr char kTrustedKey[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAgCU8MchDYc5qqF3Gg/cpnAjhX4sdXpYn9VEVpBjb8DU=\n"
    "-----END PUBLIC KEY-----\n";

const PublicKey& TrustedKey() {
  static const PublicKey key = *PublicKey::FromPem(kTrustedKey);
  return key;
}

bool IsRefusal(const Status& status) {
  return status.code() == StatusCode::kCorruption || status.code() == StatusCode::kInvalidArgument;
}

void HistoryProofDocument(std::string_view text) {
  auto proof = HistoryProof::FromJson(text);
  if (!proof.ok()) {
    FUZZ_CHECK(IsRefusal(proof.status()), "a malformed proof is refused");
    return;
  }
  // What reads also writes back, the same.
  std::string json = proof->ToJson();
  auto again = HistoryProof::FromJson(json);
  FUZZ_CHECK(again.ok(), "a proof's own JSON reads back");
  FUZZ_CHECK(again->ToJson() == json, "a proof's JSON is stable");

  auto verified = VerifyHistoryProof(*proof, TrustedKey());
  if (!verified.ok()) {
    FUZZ_CHECK(IsRefusal(verified.status()), "a bad proof is refused");
    return;
  }
  FUZZ_CHECK(verified->last_version + 1 == proof->events.size(), "every version is proven");
  FUZZ_CHECK(proof->events.back().position <= verified->checkpoint.checkpoint.size,
             "proven events lie within the checkpoint");
}

void CheckpointNote(std::string_view text) {
  auto note = ParseCheckpointNote(text);
  if (!note.ok()) {
    FUZZ_CHECK(IsRefusal(note.status()), "a malformed note is refused");
    return;
  }
  auto again = ParseCheckpointNote(note->Note());
  FUZZ_CHECK(again.ok(), "a note's own text reads back");
  FUZZ_CHECK(again->Note() == note->Note(), "a note's text is stable");
  Status signature = TrustedKey().Verify(*note);
  if (!signature.ok()) FUZZ_CHECK(IsRefusal(signature), "a bad signature is refused");
}

std::string Bytes(const Hash256& hash) { return {reinterpret_cast<const char*>(hash.data()), 32}; }

std::vector<std::string> AsStrings(const std::vector<Hash256>& proof) {
  std::vector<std::string> out;
  for (const auto& hash : proof) out.push_back(Bytes(hash));
  return out;
}

// Reads little-endian u16 `i` of `bytes` (0 past the end).
uint64_t U16(std::string_view bytes, size_t i) {
  uint64_t lo = 2 * i < bytes.size() ? static_cast<uint8_t>(bytes[2 * i]) : 0;
  uint64_t hi = 2 * i + 1 < bytes.size() ? static_cast<uint8_t>(bytes[2 * i + 1]) : 0;
  return lo | hi << 8;
}

// Flips the bit that `selector` picks in one of `proof`'s hashes.
void FlipBit(std::vector<std::string>& proof, uint64_t selector) {
  std::string& hash = proof[selector % proof.size()];
  selector /= proof.size();
  hash[selector % 32] = static_cast<char>(hash[selector % 32] ^ (1 << (selector / 32 % 8)));
}

void MerkleDifferential(std::string_view bytes) {
  const uint64_t size = 1 + U16(bytes, 0) % 600;
  const uint64_t index = U16(bytes, 1) % size;
  const uint64_t old_size = 1 + U16(bytes, 2) % size;
  const uint64_t selector = U16(bytes, 3);
  std::string salt(bytes.substr(std::min<size_t>(bytes.size(), 8)));

  std::map<std::pair<int, uint64_t>, Hash256> nodes;
  std::vector<Hash256> leaves;
  MerkleFrontier frontier;
  for (uint64_t i = 0; i < size; ++i) {
    leaves.push_back(LeafHash(std::to_string(i) + salt));
    frontier.Append(leaves.back(), [&](int level, uint64_t at, const Hash256& hash) {
      nodes[{level, at}] = hash;
    });
  }
  SubtreeSource source = [&](int level, uint64_t at) -> Result<Hash256> {
    auto it = nodes.find({level, at});
    if (it == nodes.end()) return NotFound("no such subtree");
    return it->second;
  };
  auto root = RootOfSize(size, source);
  auto old_root = RootOfSize(old_size, source);
  FUZZ_CHECK(root.ok() && old_root.ok(), "the builder computes its roots");
  FUZZ_CHECK(*root == frontier.Root(), "the frontier and the stored tree agree");

  auto inclusion = InclusionProof(index, size, source);
  FUZZ_CHECK(inclusion.ok(), "the builder proves inclusion");
  std::vector<std::string> path = AsStrings(*inclusion);
  std::string leaf = Bytes(leaves[index]);
  FUZZ_CHECK(VerifyInclusion(leaf, index, size, path, Bytes(*root)).ok(),
             "a built inclusion proof verifies");
  if (size > 1) {
    uint64_t other = (index + 1 + selector % (size - 1)) % size;
    FUZZ_CHECK(!VerifyInclusion(leaf, other, size, path, Bytes(*root)).ok(),
               "an inclusion proof fails at another index");
    std::vector<std::string> flipped = path;
    FlipBit(flipped, selector);
    FUZZ_CHECK(!VerifyInclusion(leaf, index, size, flipped, Bytes(*root)).ok(),
               "an altered inclusion proof fails");
  }

  auto consistency = ConsistencyProof(old_size, size, source);
  FUZZ_CHECK(consistency.ok(), "the builder proves consistency");
  std::vector<std::string> steps = AsStrings(*consistency);
  FUZZ_CHECK(VerifyConsistency(old_size, size, steps, Bytes(*old_root), Bytes(*root)).ok(),
             "a built consistency proof verifies");
  if (!steps.empty()) {
    FlipBit(steps, selector);
    FUZZ_CHECK(!VerifyConsistency(old_size, size, steps, Bytes(*old_root), Bytes(*root)).ok(),
               "an altered consistency proof fails");
  }
}

void RawVerification(std::string_view bytes) {
  const uint64_t size = U16(bytes, 0);
  const uint64_t index = U16(bytes, 1);
  std::vector<std::string> hashes;
  for (size_t at = 4; at < bytes.size(); at += 32) hashes.emplace_back(bytes.substr(at, 32));
  if (hashes.size() < 2) return;
  std::string first = hashes[0], second = hashes[1];
  std::vector<std::string> proof(hashes.begin() + 2, hashes.end());
  (void)VerifyInclusion(first, index, size, proof, second);
  (void)VerifyConsistency(index, size, proof, first, second);
}

}  // namespace
}  // namespace secondment::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace secondment::fuzz;
  if (size == 0) return 0;
  std::string_view rest = AsText(data + 1, size - 1);
  switch (data[0]) {
    case 'p':
      HistoryProofDocument(rest);
      break;
    case 'n':
      CheckpointNote(rest);
      break;
    case 'm':
      MerkleDifferential(rest);
      break;
    default:
      RawVerification(rest);
  }
  return 0;
}
