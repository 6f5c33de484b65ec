// The ledger's Merkle tree (RFC 6962 shape, DESIGN.md section 5): how it grows at append
// and how proofs are drawn from its stored nodes. Checking proofs is elsewhere, on purpose:
// ledger/merkle_verify.h shares nothing with this file but ledger/hash.h.
//
// Leaves are numbered from 0: the event at position p is leaf p - 1. A "subtree" (level l,
// index i) is the perfect subtree over leaves [i * 2^l, (i + 1) * 2^l); level 0 is a leaf.
// The tree of size n (MTH of RFC 6962) is built from the perfect subtrees of n's binary
// decomposition, largest first, so every subtree a proof needs is perfect and aligned, or the
// right edge of a tree, which is hashed from perfect ones.

#ifndef SECONDMENT_LEDGER_LOG_INTERNAL_MERKLE_H_
#define SECONDMENT_LEDGER_LOG_INTERNAL_MERKLE_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "ledger/base/hash.h"
#include "ledger/base/status.h"

namespace secondment {

// The hash of the perfect subtree (level, index), from wherever the caller keeps them.
using SubtreeSource = std::function<Result<Hash256>(int level, uint64_t index)>;

// The right edge of a growing tree: one hash per set bit of its size (a "compact range").
// Appending a leaf completes perfect subtrees, which it reports, so that a store can keep
// them. A value type; copy it to try appends that may be rolled back.
class MerkleFrontier {
 public:
  MerkleFrontier() = default;
  // The frontier of the tree of `size` leaves, from its perfect subtrees.
  static Result<MerkleFrontier> Load(uint64_t size, const SubtreeSource& source);

  uint64_t size() const { return size_; }

  // Adds a leaf. `completed` (may be empty) is called for the leaf itself (level 0) and for
  // every perfect subtree the leaf completes, lowest first.
  void Append(const Hash256& leaf,
              const std::function<void(int level, uint64_t index, const Hash256&)>& completed);

  // The tree's root (MTH); the hash of no bytes, SHA-256(""), for the empty tree.
  Hash256 Root() const;

 private:
  uint64_t size_ = 0;
  std::vector<Hash256> subtrees_;  // largest (leftmost) first
};

// The root of the tree of `size` leaves.
Result<Hash256> RootOfSize(uint64_t size, const SubtreeSource& source);

// The RFC 6962 audit path of leaf `index` in the tree of `size` leaves, leaf's sibling first.
// InvalidArgument when index >= size.
Result<std::vector<Hash256>> InclusionProof(uint64_t index, uint64_t size,
                                            const SubtreeSource& source);

// The RFC 6962 consistency proof that the tree of `new_size` leaves extends the tree of
// `old_size` leaves. InvalidArgument unless 0 < old_size <= new_size.
Result<std::vector<Hash256>> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                              const SubtreeSource& source);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LOG_INTERNAL_MERKLE_H_
