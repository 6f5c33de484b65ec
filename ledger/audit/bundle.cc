#include "ledger/audit/bundle.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <system_error>

#include "ledger/log/checkpoints.h"
#include "ledger/log/proofs.h"

namespace secondment {
namespace {

namespace fs = std::filesystem;

constexpr size_t kChunk = 4096;

Status WriteFile(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) return IOError(fmt::format("cannot write {}", path.string()));
  return Status::Ok();
}

void PutLength(std::string& out, uint32_t length) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((length >> shift) & 0xFF);
}

}  // namespace

Result<BundleSummary> WriteAuditBundle(
    EventLog& log, const std::string& dir,
    const std::function<std::string(const RecordedEvent&)>& json_line, int64_t now_micros) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec))) {
    return InvalidArgument(
        fmt::format("{} already exists and is not an empty directory; choose a new one", dir));
  }
  fs::path root(dir);
  fs::create_directories(root / kBundleCheckpoints, ec);
  if (!ec) fs::create_directories(root / kBundleKeys, ec);
  if (ec) return IOError(fmt::format("cannot create {}: {}", dir, ec.message()));

  // Everything below is taken at one head, so the files agree with each other.
  ASSIGN_OR_RETURN(std::string ledger_id, LogProofs(log).LedgerId());
  ASSIGN_OR_RETURN(TreeHead head, LogProofs(log).Head());
  ASSIGN_OR_RETURN(std::vector<SignedCheckpoint> checkpoints, LogCheckpoints(log).List());
  ASSIGN_OR_RETURN(std::vector<PublicKey> keys, LogCheckpoints(log).Keys());

  std::ofstream events(root / kBundleEvents, std::ios::binary | std::ios::trunc);
  std::ofstream json(root / kBundleJson, std::ios::binary | std::ios::trunc);
  std::string record;
  for (Position from = 1; from <= head.size; from += kChunk) {
    ASSIGN_OR_RETURN(
        std::vector<RecordedEvent> chunk,
        log.ReadAll(from, std::min<uint64_t>(kChunk, head.size - from + 1), Reading::kStored));
    std::vector<Hash256> leaves;
    RETURN_IF_ERROR(LogProofs(log).ScanLeaves(from, from + chunk.size() - 1, &leaves));
    for (size_t i = 0; i < chunk.size(); ++i) {
      std::string_view bytes = chunk[i].bytes();
      record.clear();
      PutLength(record, static_cast<uint32_t>(bytes.size()));
      record.append(bytes);
      record.append(reinterpret_cast<const char*>(leaves[i].data()), leaves[i].size());
      events.write(record.data(), static_cast<std::streamsize>(record.size()));
      std::string line = json_line(chunk[i]);
      line += '\n';
      json.write(line.data(), static_cast<std::streamsize>(line.size()));
    }
  }
  events.close();
  json.close();
  if (!events || !json) return IOError(fmt::format("cannot write the events into {}", dir));

  std::vector<SignedCheckpoint> covered;
  for (const SignedCheckpoint& c : checkpoints) {
    if (c.checkpoint.size <= head.size) covered.push_back(c);
  }
  for (size_t i = 0; i < covered.size(); ++i) {
    RETURN_IF_ERROR(
        WriteFile(root / kBundleCheckpoints / fmt::format("{:010}.txt", i + 1), covered[i].Note()));
  }
  for (const PublicKey& key : keys) {
    RETURN_IF_ERROR(WriteFile(root / kBundleKeys / fmt::format("{}.pub", key.KeyId()), key.Pem()));
  }
  RETURN_IF_ERROR(WriteFile(
      root / kBundleManifest,
      fmt::format("secondment-ledger audit bundle v1\nledger {}\nevents {}\nroot {}\nexported {}\n",
                  ledger_id, head.size, ToHex(head.root), FormatMicros(now_micros))));
  return BundleSummary{head.size, head.root, covered.size()};
}

}  // namespace secondment
