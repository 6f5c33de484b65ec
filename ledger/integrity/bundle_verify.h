// Checking an audit bundle (ledger/bundle.h) with no RocksDB and nothing of the write path:
// this code shares only the hash definitions (ledger/hash.h), the checkpoint note format and
// the event schema with the ledger that wrote the bundle.

#ifndef SECONDMENT_LEDGER_INTEGRITY_BUNDLE_VERIFY_H_
#define SECONDMENT_LEDGER_INTEGRITY_BUNDLE_VERIFY_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/hash.h"
#include "ledger/base/status.h"
#include "ledger/integrity/checkpoint.h"

namespace secondment {

struct BundleReport {
  std::string ledger_id;
  uint64_t events = 0;
  // Events 1..covered are under a checkpoint that verified (the bundle's or one given); later
  // events agree with the rest but no signature covers them.
  uint64_t covered = 0;
  Hash256 root{};
  size_t checkpoints = 0;            // every one signed, matching, monotonic
  std::vector<std::string> key_ids;  // the keys that signed them
  bool keys_from_bundle = false;     // no trusted key given: checked with the bundle's own
};

// Checks the bundle in `dir`: every record's bytes against the leaf hash the ledger recorded,
// position density, each stream's hash chain, unique event ids, the tree's root at every
// checkpoint and at the end against the manifest, and each checkpoint's signature by
// `trusted` (or, when nullopt, by the bundle's own keys, which shows only that the bundle is
// consistent in itself). `held` are checkpoints the auditor kept from earlier (signed by
// `trusted`, or by a bundle key): the bundle must extend each of them too, so a bundle cut
// and re-grown after them, with its own checkpoints dropped, is caught. `visit` (may be empty) sees
// each event's bytes once they have passed, in position order; a non-OK status from it stops the
// check and is returned.
//
// Corruption "position P: what is wrong" for the first bad position P, or naming the
// checkpoint or file at fault; InvalidArgument when `dir` is not a bundle (no manifest or
// events file, a manifest or key that does not parse).
Result<BundleReport> VerifyBundle(
    const std::string& dir, const std::optional<PublicKey>& trusted,
    const std::vector<SignedCheckpoint>& held,
    const std::function<Status(uint64_t position, std::string_view canonical)>& visit);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_INTEGRITY_BUNDLE_VERIFY_H_
