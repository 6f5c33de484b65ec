// Checking Merkle proofs (RFC 9162 sections 2.1.3.2 and 2.1.4.2). This file shares nothing
// with the code that builds the tree and draws proofs (ledger/log/internal/merkle.h) but the hash
// definitions of ledger/hash.h, so that a bug in one is not mirrored in the other.
//
// Hashes are raw bytes as found in a proof document: each must be exactly 32 bytes. A proof
// must be used up exactly: an extra or a missing hash fails, as does a wrong index or size.
// Every failure is Corruption with a one-line reason; these functions are pure and
// thread-safe.

#ifndef SECONDMENT_LEDGER_INTEGRITY_MERKLE_VERIFY_H_
#define SECONDMENT_LEDGER_INTEGRITY_MERKLE_VERIFY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"

namespace secondment {

// OK when `proof` shows leaf `leaf_hash` at `index` in the tree of `size` leaves with `root`.
Status VerifyInclusion(std::string_view leaf_hash, uint64_t index, uint64_t size,
                       const std::vector<std::string>& proof, std::string_view root);

// OK when `proof` shows that the tree of `new_size` leaves with `new_root` extends the tree of
// `old_size` leaves with `old_root` (append-only: the first old_size leaves are unchanged).
// Equal sizes need an empty proof and equal roots.
Status VerifyConsistency(uint64_t old_size, uint64_t new_size,
                         const std::vector<std::string>& proof, std::string_view old_root,
                         std::string_view new_root);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_INTEGRITY_MERKLE_VERIFY_H_
