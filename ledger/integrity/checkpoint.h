// Signed checkpoints (DESIGN.md section 5): the ledger's tree size, root and time, signed
// with Ed25519, kept in the ledger and handed to auditors as a small text note:
//
//   secondment-ledger checkpoint v1
//   ledger 5f0c3a9e21b84d7f9a1c2e3d4b5a6978
//   size 830405
//   root 9c1e...64 hex digits...
//   time 2026-11-22T10:15:00.123456Z
//
//   signature ed25519 1a2b3c4d5e6f7081 <base64 of the 64-byte signature>
//
// The signature covers the five body lines, each with its "\n". The key id is the first 8
// bytes of SHA-256 of the raw 32-byte public key, in hex. Grammar in ledger/FORMAT.md.

#ifndef SECONDMENT_LEDGER_INTEGRITY_CHECKPOINT_H_
#define SECONDMENT_LEDGER_INTEGRITY_CHECKPOINT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ledger/base/hash.h"
#include "ledger/base/status.h"

namespace secondment {

// What a checkpoint asserts. A value.
struct Checkpoint {
  std::string ledger_id;    // 32 lowercase hex digits
  uint64_t size = 0;        // events 1..size
  Hash256 root{};           // of the tree over them
  int64_t time_micros = 0;  // when it was signed (UTC)

  // The signed text: the five body lines.
  std::string Body() const;
};

// A checkpoint with its signature. A value.
struct SignedCheckpoint {
  Checkpoint checkpoint;
  std::string key_id;     // 16 lowercase hex digits
  std::string signature;  // 64 raw bytes

  // The note as printed and stored (body, blank line, signature line).
  std::string Note() const;
};

// Reads a note; InvalidArgument naming the first line that is not as the grammar says.
// Trailing blank lines are allowed; nothing else is.
Result<SignedCheckpoint> ParseCheckpointNote(std::string_view text);

// An Ed25519 public key. A copyable value.
class PublicKey {
 public:
  // From a PEM "PUBLIC KEY" block (SubjectPublicKeyInfo), as `keygen` writes it;
  // InvalidArgument when it is not an Ed25519 public key.
  static Result<PublicKey> FromPem(std::string_view pem);
  // From the raw 32 bytes; InvalidArgument for any other length.
  static Result<PublicKey> FromRaw(std::string_view raw);

  const std::string& raw() const { return raw_; }
  std::string KeyId() const;
  std::string Pem() const;
  // OK when `signed_checkpoint` names this key and its signature verifies; else Corruption
  // saying which.
  Status Verify(const SignedCheckpoint& signed_checkpoint) const;

 private:
  explicit PublicKey(std::string raw) : raw_(std::move(raw)) {}
  std::string raw_;
};

// An Ed25519 private key. Movable, not copyable; thread-compatible.
class SigningKey {
 public:
  static Result<SigningKey> Generate();
  // From a PEM "PRIVATE KEY" block (PKCS#8), as `keygen` writes it; InvalidArgument when it is
  // not an unencrypted Ed25519 private key.
  static Result<SigningKey> FromPem(std::string_view pem);
  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  ~SigningKey();

  std::string PrivatePem() const;
  const PublicKey& Public() const { return public_key_; }
  SignedCheckpoint Sign(const Checkpoint& checkpoint) const;

 private:
  struct Pkey;
  SigningKey(std::unique_ptr<Pkey> pkey, PublicKey public_key);
  std::unique_ptr<Pkey> pkey_;
  PublicKey public_key_;
};

// "2026-11-22T10:15:00.123456Z" and back (exactly that shape; InvalidArgument otherwise).
std::string FormatMicros(int64_t micros);
Result<int64_t> ParseMicros(std::string_view text);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_INTEGRITY_CHECKPOINT_H_
