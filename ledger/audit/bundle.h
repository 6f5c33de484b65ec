// The offline audit bundle: everything an auditor needs to check the ledger without this
// software's storage (`secondment audit-bundle`, `secondment verify-bundle`; docs/audit.md).
//
//   DIR/manifest.txt          "secondment-ledger audit bundle v1", then "ledger <id>",
//                             "events <n>", "root <hex>", "exported <time>", one per line
//   DIR/events.bin            per event, in position order: u32 big-endian length, the
//                             canonical bytes as stored, the 32-byte leaf hash the ledger
//                             recorded for it at append
//   DIR/events.jsonl          one JSON object per event, as `secondment log --json` prints it
//   DIR/checkpoints/NNNNNNNNNN.txt  the signed checkpoints, oldest first (10 digits)
//   DIR/keys/<key id>.pub     the public keys that signed them (PEM)
//
// Writing uses the ledger; checking (ledger/bundle_verify.h) does not.

#ifndef SECONDMENT_LEDGER_AUDIT_BUNDLE_H_
#define SECONDMENT_LEDGER_AUDIT_BUNDLE_H_

#include <functional>
#include <string>

#include "ledger/base/hash.h"
#include "ledger/log/event_log.h"

namespace secondment {

inline constexpr char kBundleManifest[] = "manifest.txt";
inline constexpr char kBundleEvents[] = "events.bin";
inline constexpr char kBundleJson[] = "events.jsonl";
inline constexpr char kBundleCheckpoints[] = "checkpoints";
inline constexpr char kBundleKeys[] = "keys";

struct BundleSummary {
  uint64_t events = 0;
  Hash256 root{};
  size_t checkpoints = 0;
};

// Writes the bundle of the whole log into `dir`, which must not exist or be empty
// (InvalidArgument otherwise). `json_line` renders one event for events.jsonl. IOError when a
// file cannot be written; the directory may then hold part of a bundle.
Result<BundleSummary> WriteAuditBundle(
    EventLog& log, const std::string& dir,
    const std::function<std::string(const RecordedEvent&)>& json_line, int64_t now_micros);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_AUDIT_BUNDLE_H_
