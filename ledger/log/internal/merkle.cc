#include "ledger/log/internal/merkle.h"

#include <fmt/format.h>

#include <bit>

namespace secondment {
namespace {

// The largest power of two strictly below n (n >= 2): where RFC 6962 splits a tree of n leaves.
uint64_t SplitPoint(uint64_t n) { return uint64_t{1} << (63 - std::countl_zero(n - 1)); }

// MTH of leaves [begin, end), from perfect subtrees.
Result<Hash256> RangeHash(uint64_t begin, uint64_t end, const SubtreeSource& source) {
  uint64_t n = end - begin;
  if (std::has_single_bit(n) && begin % n == 0) {
    return source(std::countr_zero(n), begin / n);
  }
  uint64_t k = SplitPoint(n);
  ASSIGN_OR_RETURN(Hash256 left, RangeHash(begin, begin + k, source));
  ASSIGN_OR_RETURN(Hash256 right, RangeHash(begin + k, end, source));
  return NodeHash(left, right);
}

// RFC 6962 PATH(m, D[begin:end]), with m an absolute leaf index.
Status AppendPath(uint64_t m, uint64_t begin, uint64_t end, const SubtreeSource& source,
                  std::vector<Hash256>* proof) {
  if (end - begin == 1) return Status::Ok();
  uint64_t k = SplitPoint(end - begin);
  if (m < begin + k) {
    RETURN_IF_ERROR(AppendPath(m, begin, begin + k, source, proof));
    ASSIGN_OR_RETURN(Hash256 right, RangeHash(begin + k, end, source));
    proof->push_back(right);
  } else {
    RETURN_IF_ERROR(AppendPath(m, begin + k, end, source, proof));
    ASSIGN_OR_RETURN(Hash256 left, RangeHash(begin, begin + k, source));
    proof->push_back(left);
  }
  return Status::Ok();
}

// RFC 6962 SUBPROOF(m, D[begin:end], b), with m counted from `begin`.
Status AppendSubproof(uint64_t m, uint64_t begin, uint64_t end, bool whole_old_tree,
                      const SubtreeSource& source, std::vector<Hash256>* proof) {
  uint64_t n = end - begin;
  if (m == n) {
    if (whole_old_tree) return Status::Ok();
    ASSIGN_OR_RETURN(Hash256 hash, RangeHash(begin, end, source));
    proof->push_back(hash);
    return Status::Ok();
  }
  uint64_t k = SplitPoint(n);
  if (m <= k) {
    RETURN_IF_ERROR(AppendSubproof(m, begin, begin + k, whole_old_tree, source, proof));
    ASSIGN_OR_RETURN(Hash256 right, RangeHash(begin + k, end, source));
    proof->push_back(right);
  } else {
    RETURN_IF_ERROR(AppendSubproof(m - k, begin + k, end, false, source, proof));
    ASSIGN_OR_RETURN(Hash256 left, RangeHash(begin, begin + k, source));
    proof->push_back(left);
  }
  return Status::Ok();
}

}  // namespace

Result<MerkleFrontier> MerkleFrontier::Load(uint64_t size, const SubtreeSource& source) {
  MerkleFrontier frontier;
  uint64_t start = 0;
  for (int level = 63; level >= 0; --level) {
    uint64_t width = uint64_t{1} << level;
    if ((size & width) == 0) continue;
    ASSIGN_OR_RETURN(Hash256 hash, source(level, start >> level));
    frontier.subtrees_.push_back(hash);
    start += width;
  }
  frontier.size_ = size;
  return frontier;
}

void MerkleFrontier::Append(
    const Hash256& leaf,
    const std::function<void(int level, uint64_t index, const Hash256&)>& completed) {
  Hash256 node = leaf;
  uint64_t index = size_;
  int level = 0;
  if (completed) completed(level, index, node);
  for (uint64_t carry = size_; carry & 1; carry >>= 1) {
    node = NodeHash(subtrees_.back(), node);
    subtrees_.pop_back();
    index >>= 1;
    ++level;
    if (completed) completed(level, index, node);
  }
  subtrees_.push_back(node);
  ++size_;
}

Hash256 MerkleFrontier::Root() const {
  if (subtrees_.empty()) return Sha256("");
  Hash256 root = subtrees_.back();
  for (size_t i = subtrees_.size() - 1; i-- > 0;) root = NodeHash(subtrees_[i], root);
  return root;
}

Result<Hash256> RootOfSize(uint64_t size, const SubtreeSource& source) {
  if (size == 0) return Sha256("");
  return RangeHash(0, size, source);
}

Result<std::vector<Hash256>> InclusionProof(uint64_t index, uint64_t size,
                                            const SubtreeSource& source) {
  if (index >= size) {
    return InvalidArgument(fmt::format("leaf {} is not in a tree of {} leaves", index, size));
  }
  std::vector<Hash256> proof;
  RETURN_IF_ERROR(AppendPath(index, 0, size, source, &proof));
  return proof;
}

Result<std::vector<Hash256>> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                              const SubtreeSource& source) {
  if (old_size == 0 || old_size > new_size) {
    return InvalidArgument(fmt::format("no consistency proof from a tree of {} leaves to one of {}",
                                       old_size, new_size));
  }
  std::vector<Hash256> proof;
  if (old_size == new_size) return proof;
  RETURN_IF_ERROR(AppendSubproof(old_size, 0, new_size, true, source, &proof));
  return proof;
}

}  // namespace secondment
