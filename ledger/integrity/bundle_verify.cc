#include "ledger/integrity/bundle_verify.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_map>

#include "ledger/integrity/envelope.h"

namespace secondment {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kMaxRecordBytes = 1 << 20;
constexpr size_t kMaxSmallFile = 1 << 20;

// The RFC 6962 root of the leaves added so far, kept as the perfect subtrees of its left
// edge. Written apart from ledger/log/internal/merkle.h on purpose: the bundle check must not
// inherit a bug of the code that built the tree.
class RootAccumulator {
 public:
  void Add(const Hash256& leaf) {
    subtrees_.push_back({0, leaf});
    while (subtrees_.size() >= 2 &&
           subtrees_[subtrees_.size() - 1].height == subtrees_[subtrees_.size() - 2].height) {
      Subtree right = subtrees_.back();
      subtrees_.pop_back();
      subtrees_.back().hash = NodeHash(subtrees_.back().hash, right.hash);
      subtrees_.back().height += 1;
    }
  }
  Hash256 Root() const {
    if (subtrees_.empty()) return Sha256("");
    Hash256 root = subtrees_.back().hash;
    for (auto it = subtrees_.rbegin() + 1; it != subtrees_.rend(); ++it) {
      root = NodeHash(it->hash, root);
    }
    return root;
  }

 private:
  struct Subtree {
    int height;
    Hash256 hash;
  };
  std::vector<Subtree> subtrees_;
};

Result<std::string> ReadText(const fs::path& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return InvalidArgument(fmt::format("cannot read {}", path.string()));
  if (size > kMaxSmallFile) {
    return InvalidArgument(fmt::format("{} is over {} bytes", path.string(), kMaxSmallFile));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(fmt::format("cannot read {}", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > kMaxSmallFile) {
    return InvalidArgument(fmt::format("{} is over {} bytes", path.string(), kMaxSmallFile));
  }
  return text.str();
}

struct Manifest {
  std::string ledger_id;
  uint64_t events = 0;
  Hash256 root{};
};

Result<Manifest> ReadManifest(const fs::path& dir) {
  fs::path path = dir / "manifest.txt";
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return InvalidArgument(
        fmt::format("{} is not an audit bundle: it has no manifest.txt", dir.string()));
  }
  ASSIGN_OR_RETURN(std::string text, ReadText(path));
  std::istringstream in(text);
  std::string header, ledger_key, events_key, root_key, exported_key, root_hex, exported;
  Manifest manifest;
  std::getline(in, header);
  in >> ledger_key >> manifest.ledger_id >> events_key >> manifest.events >> root_key >> root_hex >>
      exported_key >> exported;
  auto root = HashFromHex(root_hex);
  if (header != "secondment-ledger audit bundle v1" || ledger_key != "ledger" ||
      events_key != "events" || root_key != "root" || exported_key != "exported" || !in || !root) {
    return InvalidArgument(fmt::format("{} does not parse as a bundle manifest", path.string()));
  }
  manifest.root = *root;
  return manifest;
}

std::vector<fs::path> FilesIn(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string_view View(const Hash256& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

class BundleChecker {
 public:
  BundleChecker(fs::path dir, const std::optional<PublicKey>& trusted,
                const std::vector<SignedCheckpoint>& held,
                const std::function<Status(uint64_t, std::string_view)>& visit)
      : dir_(std::move(dir)), trusted_(trusted), held_(held), visit_(visit) {}

  Result<BundleReport> Run() {
    ASSIGN_OR_RETURN(manifest_, ReadManifest(dir_));
    RETURN_IF_ERROR(LoadCheckpoints());
    RETURN_IF_ERROR(CheckEvents());
    if (!problem_.empty()) return Corruption(problem_);
    BundleReport report;
    report.events = count_;
    report.root = tree_.Root();
    if (report.events != manifest_.events || report.root != manifest_.root) {
      return Corruption(fmt::format(
          "the manifest says {} events with root {}, but the events give {} with root {}",
          manifest_.events, ToHex(manifest_.root), report.events, ToHex(report.root)));
    }
    report.checkpoints = checkpoints_.size();
    report.ledger_id = manifest_.ledger_id;
    report.covered = covered_;
    for (const auto& c : checkpoints_) {
      if (std::find(report.key_ids.begin(), report.key_ids.end(), c.key_id) ==
          report.key_ids.end()) {
        report.key_ids.push_back(c.key_id);
      }
    }
    report.keys_from_bundle = !trusted_.has_value();
    return report;
  }

 private:
  Status LoadCheckpoints() {
    std::map<std::string, PublicKey> keys;
    if (trusted_) {
      keys.emplace(trusted_->KeyId(), *trusted_);
    } else {
      for (const fs::path& file : FilesIn(dir_ / "keys")) {
        ASSIGN_OR_RETURN(std::string pem, ReadText(file));
        auto key = PublicKey::FromPem(pem);
        if (!key.ok()) {
          return InvalidArgument(fmt::format("{}: {}", file.string(), key.status().message()));
        }
        keys.emplace(key->KeyId(), *key);
      }
    }
    for (const fs::path& file : FilesIn(dir_ / "checkpoints")) {
      std::string name = "checkpoints/" + file.filename().string();
      ASSIGN_OR_RETURN(std::string note, ReadText(file));
      auto parsed = ParseCheckpointNote(note);
      if (!parsed.ok()) return Corruption(fmt::format("{}: {}", name, parsed.status().message()));
      const Checkpoint& c = parsed->checkpoint;
      if (c.ledger_id != manifest_.ledger_id) {
        return Corruption(fmt::format("{} is of ledger {}, not of this bundle's ledger {}", name,
                                      c.ledger_id, manifest_.ledger_id));
      }
      auto key = keys.find(parsed->key_id);
      if (key == keys.end()) {
        return Corruption(
            fmt::format("{} is signed by key {}, {}", name, parsed->key_id,
                        trusted_ ? fmt::format("not by the key given ({})", trusted_->KeyId())
                                 : std::string("whose public key is not in keys/")));
      }
      if (Status s = key->second.Verify(*parsed); !s.ok()) {
        return Corruption(fmt::format("{}: {}", name, s.message()));
      }
      if (!checkpoints_.empty() && (c.size < checkpoints_.back().checkpoint.size ||
                                    c.time_micros < checkpoints_.back().checkpoint.time_micros)) {
        return Corruption(fmt::format("{} is smaller or older than the one before it", name));
      }
      names_.push_back(name);
      checkpoints_.push_back(std::move(*parsed));
    }
    // Checkpoints the auditor kept: the bundle must extend each, whatever it holds itself.
    for (size_t i = 0; i < held_.size(); ++i) {
      std::string name = fmt::format("the checkpoint given (#{})", i + 1);
      const SignedCheckpoint& c = held_[i];
      if (c.checkpoint.ledger_id != manifest_.ledger_id) {
        return Corruption(fmt::format("{} is of ledger {}, not of this bundle's ledger {}", name,
                                      c.checkpoint.ledger_id, manifest_.ledger_id));
      }
      auto key = keys.find(c.key_id);
      if (key == keys.end()) {
        return Corruption(
            fmt::format("{} is signed by key {}, not by a key trusted here", name, c.key_id));
      }
      if (Status s = key->second.Verify(c); !s.ok()) {
        return Corruption(fmt::format("{}: {}", name, s.message()));
      }
      extra_.push_back({c, name});
    }
    return Status::Ok();
  }

  void Report(uint64_t position, std::string what) {
    if (problem_.empty()) problem_ = fmt::format("position {}: {}", position, what);
  }

  Status CheckEvents() {
    fs::path path = dir_ / "events.bin";
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return InvalidArgument(
          fmt::format("{} is not an audit bundle: it has no events.bin", dir_.string()));
    }
    // Every checkpoint to meet on the way, in size order: the bundle's and the auditor's.
    std::vector<std::pair<SignedCheckpoint, std::string>> all;
    for (size_t i = 0; i < checkpoints_.size(); ++i) all.push_back({checkpoints_[i], names_[i]});
    for (const auto& e : extra_) all.push_back(e);
    std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
      return a.first.checkpoint.size < b.first.checkpoint.size;
    });
    size_t next_checkpoint = 0;
    uint64_t matched = 0;
    auto check_checkpoints = [&] {
      while (next_checkpoint < all.size() && all[next_checkpoint].first.checkpoint.size == count_) {
        const Checkpoint& c = all[next_checkpoint].first.checkpoint;
        if (tree_.Root() != c.root) {
          Report(matched + 1,
                 fmt::format("the events up to position {} give root {}, but {} signed root {}: "
                             "an event between positions {} and {} was altered, removed or "
                             "reordered",
                             c.size, ToHex(tree_.Root()), all[next_checkpoint].second,
                             ToHex(c.root), matched + 1, c.size));
          return false;
        }
        matched = c.size;
        covered_ = std::max(covered_, c.size);
        ++next_checkpoint;
      }
      return true;
    };
    if (!check_checkpoints()) return Status::Ok();
    std::string bytes;
    for (uint64_t position = 1;; ++position) {
      unsigned char header[4];
      in.read(reinterpret_cast<char*>(header), 4);
      if (in.gcount() == 0) break;
      if (in.gcount() != 4) {
        Report(position, "events.bin ends inside its record");
        break;
      }
      uint32_t length = (uint32_t{header[0]} << 24) | (uint32_t{header[1]} << 16) |
                        (uint32_t{header[2]} << 8) | header[3];
      if (length == 0 || length > kMaxRecordBytes) {
        Report(position, fmt::format("its record claims {} bytes", length));
        break;
      }
      bytes.resize(length + sizeof(Hash256));
      in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      if (static_cast<size_t>(in.gcount()) != bytes.size()) {
        Report(position, "events.bin ends inside its record");
        break;
      }
      std::string_view canonical(bytes.data(), length);
      std::string_view recorded_leaf(bytes.data() + length, sizeof(Hash256));
      if (!CheckEvent(position, canonical, recorded_leaf)) break;
      count_ = position;
      if (!check_checkpoints()) break;
      if (visit_) RETURN_IF_ERROR(visit_(position, canonical));
    }
    if (problem_.empty() && next_checkpoint < all.size()) {
      Report(count_ + 1, fmt::format("the bundle ends at position {}, but {} covers {} events: "
                                     "events were removed",
                                     count_, all[next_checkpoint].second,
                                     all[next_checkpoint].first.checkpoint.size));
    }
    return Status::Ok();
  }

  bool CheckEvent(uint64_t position, std::string_view canonical, std::string_view recorded_leaf) {
    Hash256 leaf = LeafHash(canonical);
    if (View(leaf) != recorded_leaf) {
      Report(position,
             "its bytes do not match the leaf hash the ledger recorded: the event was altered");
      return false;
    }
    auto envelope = ReadEnvelope(canonical);
    if (!envelope.ok()) {
      Report(position, std::string(envelope.status().message()));
      return false;
    }
    if (envelope->position != position) {
      Report(position, fmt::format("the record holds the event of position {}: events were "
                                   "removed, added or reordered",
                                   envelope->position));
      return false;
    }
    auto [chain, is_new] = streams_.try_emplace(envelope->stream, Chain{});
    if (is_new) {
      if (envelope->version != 0 || envelope->prev_hash) {
        Report(position, fmt::format("it is version {} of stream {}, whose earlier events are "
                                     "missing",
                                     envelope->version, envelope->stream));
        return false;
      }
    } else if (envelope->version != chain->second.version + 1) {
      Report(position, fmt::format("it is version {} of stream {}, which was at version {}",
                                   envelope->version, envelope->stream, chain->second.version));
      return false;
    } else if (!envelope->prev_hash || *envelope->prev_hash != View(chain->second.leaf)) {
      // Either this event's link or the event it links to was altered: name the earlier.
      Report(chain->second.position,
             fmt::format("its hash is not the one position {}, the next event of stream {}, "
                         "names: one of the two was altered and the stream's chain is broken",
                         position, envelope->stream));
      return false;
    }
    chain->second = Chain{envelope->version, leaf, position};
    auto [id, fresh] = ids_.try_emplace(envelope->event_id, position);
    if (!fresh) {
      Report(position, fmt::format("its event id is already used at position {}", id->second));
      return false;
    }
    tree_.Add(leaf);
    return true;
  }

  struct Chain {
    uint32_t version = 0;
    Hash256 leaf{};
    uint64_t position = 0;
  };

  const fs::path dir_;
  const std::optional<PublicKey>& trusted_;
  const std::vector<SignedCheckpoint>& held_;
  std::vector<std::pair<SignedCheckpoint, std::string>> extra_;
  const std::function<Status(uint64_t, std::string_view)>& visit_;
  Manifest manifest_;
  std::vector<SignedCheckpoint> checkpoints_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, Chain> streams_;
  std::unordered_map<std::string, uint64_t> ids_;
  RootAccumulator tree_;
  uint64_t count_ = 0;
  uint64_t covered_ = 0;
  std::string problem_;
};

}  // namespace

Result<BundleReport> VerifyBundle(
    const std::string& dir, const std::optional<PublicKey>& trusted,
    const std::vector<SignedCheckpoint>& held,
    const std::function<Status(uint64_t position, std::string_view canonical)>& visit) {
  return BundleChecker(dir, trusted, held, visit).Run();
}

}  // namespace secondment
