// The files of the audit commands: keys, checkpoint notes, proofs. Every refusal is one line
// naming the file.

#ifndef SECONDMENT_CLI_AUDIT_FILES_H_
#define SECONDMENT_CLI_AUDIT_FILES_H_

#include <string>
#include <string_view>

#include "cli/args.h"
#include "ledger/base/status.h"
#include "ledger/integrity/checkpoint.h"

namespace secondment::cli {

// A checkpoint note (as `checkpoint` prints it); InvalidArgument naming the file and line.
Result<SignedCheckpoint> ReadCheckpointFile(const std::string& path);
// A PEM public key; InvalidArgument when it is not an Ed25519 public key.
Result<PublicKey> ReadPublicKeyFile(const std::string& path);
// A PEM private key that only its owner may read: InvalidArgument when group or others may
// (as ssh refuses such keys), or when it is not an unencrypted Ed25519 key.
Result<SigningKey> ReadPrivateKeyFile(const std::string& path);
// The checkpoint given as --checkpoint FILE; nullopt when absent. InvalidArgument when the
// file is malformed.
Result<std::optional<SignedCheckpoint>> CheckpointOption(const Args& args);
// Likewise --pubkey FILE.
Result<std::optional<PublicKey>> PublicKeyOption(const Args& args);

// Writes `key` to a new private file (mode 0600) and its public half to a new file (0644);
// InvalidArgument when either exists: a key is never overwritten.
Status WriteKeyFiles(const std::string& private_path, const std::string& public_path,
                     const SigningKey& key);
// Creates `path` with `mode` and writes `text`, synced; InvalidArgument when it exists.
Status WriteNewFile(const std::string& path, std::string_view text, int mode);

}  // namespace secondment::cli

#endif  // SECONDMENT_CLI_AUDIT_FILES_H_
