#include "ledger/integrity/merkle_verify.h"

#include <fmt/format.h>

#include <cstring>

#include "ledger/base/hash.h"

namespace secondment {
namespace {

constexpr size_t kHashSize = 32;

Status CheckLength(std::string_view hash, std::string_view what) {
  if (hash.size() != kHashSize) {
    return Corruption(
        fmt::format("{} is {} bytes; a SHA-256 hash is {} bytes", what, hash.size(), kHashSize));
  }
  return Status::Ok();
}

Status CheckProofLengths(const std::vector<std::string>& proof) {
  for (size_t i = 0; i < proof.size(); ++i) {
    RETURN_IF_ERROR(CheckLength(proof[i], fmt::format("proof hash {}", i + 1)));
  }
  return Status::Ok();
}

Hash256 ToHash(std::string_view bytes) {
  Hash256 hash;
  std::memcpy(hash.data(), bytes.data(), hash.size());
  return hash;
}

bool Equal(const Hash256& hash, std::string_view bytes) {
  return std::memcmp(hash.data(), bytes.data(), hash.size()) == 0;
}

}  // namespace

Status VerifyInclusion(std::string_view leaf_hash, uint64_t index, uint64_t size,
                       const std::vector<std::string>& proof, std::string_view root) {
  RETURN_IF_ERROR(CheckLength(leaf_hash, "the leaf hash"));
  RETURN_IF_ERROR(CheckLength(root, "the root"));
  RETURN_IF_ERROR(CheckProofLengths(proof));
  if (index >= size) {
    return Corruption(fmt::format("leaf index {} is outside a tree of {} leaves", index, size));
  }
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash256 r = ToHash(leaf_hash);
  for (const std::string& p : proof) {
    if (sn == 0) return Corruption("the inclusion proof has more hashes than the tree has levels");
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHash(ToHash(p), r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, ToHash(p));
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Corruption("the inclusion proof has fewer hashes than the tree has levels");
  if (!Equal(r, root)) {
    return Corruption(fmt::format(
        "the inclusion proof of leaf {} leads to root {}, not to the root given", index, ToHex(r)));
  }
  return Status::Ok();
}

Status VerifyConsistency(uint64_t old_size, uint64_t new_size,
                         const std::vector<std::string>& proof, std::string_view old_root,
                         std::string_view new_root) {
  RETURN_IF_ERROR(CheckLength(old_root, "the old root"));
  RETURN_IF_ERROR(CheckLength(new_root, "the new root"));
  RETURN_IF_ERROR(CheckProofLengths(proof));
  if (old_size == 0 || old_size > new_size) {
    return Corruption(fmt::format("no tree of {} leaves can extend one of {}", new_size, old_size));
  }
  if (old_size == new_size) {
    if (!proof.empty()) return Corruption("a proof between equal sizes must be empty");
    if (old_root != new_root) return Corruption("equal sizes with different roots: a fork");
    return Status::Ok();
  }
  if (proof.empty()) return Corruption("the consistency proof is empty");

  std::vector<Hash256> path;
  path.reserve(proof.size() + 1);
  // A power-of-two old tree is a subtree of the new one: its root starts the path.
  if ((old_size & (old_size - 1)) == 0) path.push_back(ToHash(old_root));
  for (const std::string& p : proof) path.push_back(ToHash(p));

  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash256 fr = path[0];
  Hash256 sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash256& c = path[i];
    if (sn == 0) return Corruption("the consistency proof has more hashes than it needs");
    if ((fn & 1) == 1 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Corruption("the consistency proof has fewer hashes than it needs");
  if (!Equal(fr, old_root)) {
    return Corruption(fmt::format(
        "the consistency proof does not lead to the old root: the first {} leaves differ",
        old_size));
  }
  if (!Equal(sr, new_root)) {
    return Corruption("the consistency proof does not lead to the new root");
  }
  return Status::Ok();
}

}  // namespace secondment
