#include "ledger/integrity/checkpoint.h"

#include <fmt/format.h>
#include <kj/encoding.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <vector>

#include "ledger/base/assert.h"
#include "ledger/base/date.h"

namespace secondment {
namespace {

constexpr std::string_view kHeader = "secondment-ledger checkpoint v1";
constexpr size_t kRawKeySize = 32;
constexpr size_t kSignatureSize = 64;
constexpr int64_t kMicrosPerDay = 86400LL * 1000000;

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// Never asks for a passphrase: an encrypted key simply does not load.
int NoPassphrase(char*, int, int, void*) { return 0; }

BioPtr ReadBio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

std::string RawPublicKey(EVP_PKEY* pkey) {
  std::string raw(kRawKeySize, '\0');
  size_t size = raw.size();
  bool ok =
      EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(raw.data()), &size) == 1;
  LEDGER_ASSERT(ok && size == kRawKeySize, ok, size);
  return raw;
}

std::string Base64(std::string_view bytes) {
  auto encoded =
      kj::encodeBase64(kj::arrayPtr(reinterpret_cast<const kj::byte*>(bytes.data()), bytes.size()));
  return std::string(encoded.cStr(), encoded.size());
}

std::optional<std::string> FromBase64(std::string_view text) {
  std::string copy(text);
  auto decoded = kj::decodeBase64(kj::StringPtr(copy.c_str()));
  if (decoded.hadErrors) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(decoded.begin()), decoded.size());
}

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool ParseUnsigned(std::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 19 || (text.size() > 1 && text[0] == '0')) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::string FormatMicros(int64_t micros) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t in_day = micros - days * kMicrosPerDay;
  CivilDate date = CivilFromDays(days);
  int64_t seconds = in_day / 1000000;
  return fmt::format("{}T{:02}:{:02}:{:02}.{:06}Z", FormatDate(date), seconds / 3600,
                     seconds / 60 % 60, seconds % 60, in_day % 1000000);
}

Result<int64_t> ParseMicros(std::string_view text) {
  auto invalid = [&] {
    return InvalidArgument(
        fmt::format("time must look like 2026-11-22T10:15:00.123456Z (UTC, microseconds)"));
  };
  if (text.size() != 27 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != '.' || text[26] != 'Z') {
    return invalid();
  }
  auto date = ParseDate(text.substr(0, 10));
  if (!date.ok()) return invalid();
  auto number = [&](size_t at, size_t count) -> int64_t {
    int64_t v = 0;
    for (size_t i = at; i < at + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  int64_t h = number(11, 2), m = number(14, 2), s = number(17, 2), f = number(20, 6);
  if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59 || f < 0) return invalid();
  return DaysFromCivil(*date) * kMicrosPerDay + ((h * 60 + m) * 60 + s) * 1000000 + f;
}

std::string Checkpoint::Body() const {
  return fmt::format("{}\nledger {}\nsize {}\nroot {}\ntime {}\n", kHeader, ledger_id, size,
                     ToHex(root), FormatMicros(time_micros));
}

std::string SignedCheckpoint::Note() const {
  return fmt::format("{}\nsignature ed25519 {} {}\n", checkpoint.Body(), key_id, Base64(signature));
}

Result<SignedCheckpoint> ParseCheckpointNote(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    if (end == std::string_view::npos) {
      lines.push_back(text);
      break;
    }
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  auto bad = [](size_t line, std::string_view what) {
    return InvalidArgument(fmt::format("checkpoint note, line {}: {}", line, what));
  };
  if (lines.size() != 7) {
    return InvalidArgument(fmt::format(
        "checkpoint note has {} lines; expected 5 body lines, a blank line and a signature line",
        lines.size()));
  }
  auto field = [&](size_t i, std::string_view name) -> std::optional<std::string_view> {
    std::string_view line = lines[i];
    if (line.substr(0, name.size() + 1) != fmt::format("{} ", name)) return std::nullopt;
    return line.substr(name.size() + 1);
  };
  if (lines[0] != kHeader) return bad(1, fmt::format("expected '{}'", kHeader));
  SignedCheckpoint out;
  auto ledger = field(1, "ledger");
  if (!ledger || ledger->size() != 32 || !IsLowerHex(*ledger)) {
    return bad(2, "expected 'ledger' and 32 lowercase hex digits");
  }
  out.checkpoint.ledger_id = std::string(*ledger);
  auto size = field(2, "size");
  if (!size || !ParseUnsigned(*size, &out.checkpoint.size)) {
    return bad(3, "expected 'size' and a whole number");
  }
  auto root = field(3, "root");
  if (!root || root->size() != 64 || !IsLowerHex(*root)) {
    return bad(4, "expected 'root' and 64 lowercase hex digits");
  }
  out.checkpoint.root = *HashFromHex(*root);
  auto time = field(4, "time");
  if (!time) return bad(5, "expected 'time'");
  auto micros = ParseMicros(*time);
  if (!micros.ok()) return bad(5, micros.status().message());
  out.checkpoint.time_micros = *micros;
  if (!lines[5].empty()) return bad(6, "expected a blank line");
  auto signature = field(6, "signature ed25519");
  if (!signature || signature->size() < 18 || (*signature)[16] != ' ' ||
      !IsLowerHex(signature->substr(0, 16))) {
    return bad(7, "expected 'signature ed25519', a 16-hex-digit key id and a base64 signature");
  }
  out.key_id = std::string(signature->substr(0, 16));
  auto raw = FromBase64(signature->substr(17));
  if (!raw || raw->size() != kSignatureSize) {
    return bad(7, "the signature is not 64 bytes of base64");
  }
  out.signature = std::move(*raw);
  return out;
}

Result<PublicKey> PublicKey::FromPem(std::string_view pem) {
  BioPtr bio = ReadBio(pem);
  PkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!pkey || EVP_PKEY_get_id(pkey.get()) != EVP_PKEY_ED25519) {
    return InvalidArgument("not an Ed25519 public key in PEM form");
  }
  return PublicKey(RawPublicKey(pkey.get()));
}

Result<PublicKey> PublicKey::FromRaw(std::string_view raw) {
  if (raw.size() != kRawKeySize) {
    return InvalidArgument(fmt::format("an Ed25519 public key is 32 bytes, not {}", raw.size()));
  }
  return PublicKey(std::string(raw));
}

std::string PublicKey::KeyId() const { return ToHex(Sha256(raw_)).substr(0, 16); }

std::string PublicKey::Pem() const {
  PkeyPtr pkey(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw_.data()), raw_.size()));
  LEDGER_ASSERT(pkey != nullptr);
  BioPtr bio(BIO_new(BIO_s_mem()));
  LEDGER_ASSERT(PEM_write_bio_PUBKEY(bio.get(), pkey.get()) == 1);
  return BioText(bio.get());
}

Status PublicKey::Verify(const SignedCheckpoint& signed_checkpoint) const {
  if (signed_checkpoint.key_id != KeyId()) {
    return Corruption(fmt::format("the checkpoint is signed by key {}, not by key {}",
                                  signed_checkpoint.key_id, KeyId()));
  }
  PkeyPtr pkey(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw_.data()), raw_.size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  LEDGER_ASSERT(pkey != nullptr && ctx != nullptr);
  std::string body = signed_checkpoint.checkpoint.Body();
  const std::string& sig = signed_checkpoint.signature;
  bool ok =
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                       reinterpret_cast<const unsigned char*>(body.data()), body.size()) == 1;
  if (!ok) {
    return Corruption(fmt::format(
        "the checkpoint's signature does not verify with key {}: the note was altered", KeyId()));
  }
  return Status::Ok();
}

struct SigningKey::Pkey {
  PkeyPtr pkey;
};

SigningKey::SigningKey(std::unique_ptr<Pkey> pkey, PublicKey public_key)
    : pkey_(std::move(pkey)), public_key_(std::move(public_key)) {}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

Result<SigningKey> SigningKey::Generate() {
  PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!pkey) return IOError("OpenSSL could not generate an Ed25519 key");
  std::string raw = RawPublicKey(pkey.get());
  return SigningKey(std::make_unique<Pkey>(Pkey{std::move(pkey)}), *PublicKey::FromRaw(raw));
}

Result<SigningKey> SigningKey::FromPem(std::string_view pem) {
  BioPtr bio = ReadBio(pem);
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!pkey || EVP_PKEY_get_id(pkey.get()) != EVP_PKEY_ED25519) {
    return InvalidArgument("not an unencrypted Ed25519 private key in PEM form");
  }
  std::string raw = RawPublicKey(pkey.get());
  return SigningKey(std::make_unique<Pkey>(Pkey{std::move(pkey)}), *PublicKey::FromRaw(raw));
}

std::string SigningKey::PrivatePem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  bool ok = PEM_write_bio_PrivateKey(bio.get(), pkey_->pkey.get(), nullptr, nullptr, 0, nullptr,
                                     nullptr) == 1;
  LEDGER_ASSERT(ok);
  return BioText(bio.get());
}

SignedCheckpoint SigningKey::Sign(const Checkpoint& checkpoint) const {
  std::string body = checkpoint.Body();
  std::string signature(kSignatureSize, '\0');
  size_t size = signature.size();
  MdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok = ctx &&
            EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey_->pkey.get()) == 1 &&
            EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                           reinterpret_cast<const unsigned char*>(body.data()), body.size()) == 1;
  LEDGER_ASSERT(ok && size == kSignatureSize, ok, size);
  return SignedCheckpoint{checkpoint, public_key_.KeyId(), std::move(signature)};
}

}  // namespace secondment
