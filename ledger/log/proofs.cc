#include "ledger/log/proofs.h"

#include <fmt/format.h>

#include <cstring>

#include "ledger/log/internal/core.h"
#include "ledger/log/internal/merkle.h"

namespace secondment {

Result<std::string> LogProofs::LedgerId() { return internal::CoreOf(*log_).LedgerId(); }

Result<TreeHead> LogProofs::Head() {
  internal::LogCore& core = internal::CoreOf(*log_);
  TreeHead head;
  head.size = core.Head();
  ASSIGN_OR_RETURN(head.root, RootOfSize(head.size, core.Tree()));
  return head;
}

Result<Hash256> LogProofs::RootAt(uint64_t size) {
  internal::LogCore& core = internal::CoreOf(*log_);
  if (size > core.Head()) {
    return InvalidArgument(
        fmt::format("the log holds {} events; there is no tree of size {}", core.Head(), size));
  }
  return RootOfSize(size, core.Tree());
}

Result<std::vector<Hash256>> LogProofs::InclusionProof(Position position, uint64_t tree_size) {
  internal::LogCore& core = internal::CoreOf(*log_);
  RETURN_IF_ERROR(core.CheckSizes(position, tree_size, "an inclusion proof"));
  return secondment::InclusionProof(position - 1, tree_size, core.Tree());
}

Result<std::vector<Hash256>> LogProofs::ConsistencyProof(uint64_t old_size, uint64_t new_size) {
  internal::LogCore& core = internal::CoreOf(*log_);
  RETURN_IF_ERROR(core.CheckSizes(old_size, new_size, "a consistency proof"));
  return secondment::ConsistencyProof(old_size, new_size, core.Tree());
}

Status LogProofs::ScanLeaves(Position first, Position last, std::vector<Hash256>* out) {
  internal::LogCore& core = internal::CoreOf(*log_);
  RETURN_IF_ERROR(core.CheckSizes(first, last, "reading leaf hashes"));
  Position expected = first;
  RETURN_IF_ERROR(
      core.store().ScanMerkleLevel(0, first - 1, [&](uint64_t index, std::string_view hash) {
        if (index + 1 != expected || hash.size() != sizeof(Hash256)) return false;
        out->emplace_back();
        std::memcpy(out->back().data(), hash.data(), hash.size());
        return ++expected <= last;
      }));
  if (expected != last + 1) {
    return Corruption(
        fmt::format("the Merkle leaf of position {} is missing or malformed", expected));
  }
  return Status::Ok();
}

}  // namespace secondment
