// Sealing: the personal fields of an event, encrypted under a key of the data subject's own, so
// that destroying the key erases them while the event's bytes, and every hash over them, stay.
//
// Seal moves the personal fields (the list is PersonalFieldNames; docs/privacy.md explains
// it) out of an event about to be appended into its `sealed` field: AES-256-GCM of a packed
// canonical Event that holds only those fields. The nonce is derived from the key, the event
// id and the subject, so sealing the same event twice gives the same bytes, which an idempotent
// retry compares. The event id and the subject are authenticated with it, so a sealed field
// cannot be moved to another event.
//
// Open gives the event back as its readers expect it: with the fields put back while the key
// exists, or marked erased once it is destroyed (texts empty, ids `erased-<8 hex>`).
//
//   SubjectKey key = NewSubjectKey();
//   RETURN_IF_ERROR(Seal(event.Mutable(), pseudonym, key, "E1001", SealOptions{}));
//   ...
//   ASSIGN_OR_RETURN(kj::Array<capnp::word> opened, Open(stored.Get(), &key));
#ifndef SECONDMENT_LEDGER_EVENT_SEALING_H_
#define SECONDMENT_LEDGER_EVENT_SEALING_H_

#include <capnp/common.h>
#include <kj/array.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "schemas/event.capnp.h"

namespace secondment {

using SubjectKey = std::array<uint8_t, 32>;

// A fresh random key (OpenSSL's RAND_bytes).
SubjectKey NewSubjectKey();
// A fresh random pseudonym: 32 lowercase hex digits.
std::string NewPseudonym();
// True when `text` has the shape of a pseudonym.
bool IsPseudonym(std::string_view text);

// The pseudonym a sealed field names, as 32 hex digits.
std::string SubjectOf(schema::Sealed::Reader sealed);

// The id an erased person's id reads as: "erased-" and the pseudonym's first 8 hex digits.
std::string ErasedId(std::string_view pseudonym);

struct SealOptions {
  // Also seal the managers' ids named in a proposal (policy "sealManagerIds").
  bool managers = false;
};

// Moves the personal fields of `event` (whose event id is set) into `sealed`, encrypted under
// `key`, the key of the subject `pseudonym` whose id is `subject_id`. The actor's id moves too
// when it is the subject's. An event with no personal field set is left as it is.
// InvalidArgument when `pseudonym` is malformed or the event already holds sealed fields.
Status Seal(schema::Event::Builder event, std::string_view pseudonym, const SubjectKey& key,
            std::string_view subject_id, const SealOptions& options);

// What Open does with the personal fields.
enum class Opening {
  kReveal,  // decrypt them with the key given (an event without sealed fields is left as it is)
  kErase,   // the key is gone: they read as erased, and so does every personal field in clear
};

// `stored` as readers see it, in canonical words: its sealed fields put back (kReveal, `key`
// non-null) or marked erased (kErase, `pseudonym` the subject's). With kErase an event in
// clear (written before sealing existed) has its personal fields removed as well. Corruption
// when the ciphertext does not authenticate under `key`.
Result<kj::Array<capnp::word>> Open(schema::Event::Reader stored, Opening opening,
                                    const SubjectKey* key, std::string_view pseudonym);

// True when `stored` holds, in clear, a personal field or the actor id `subject_id`: an event
// written before sealing existed (or one about nobody in particular).
bool HoldsPersonalDataInClear(schema::Event::Reader stored, std::string_view subject_id);

// "payload.field" names of the personal fields, for the docs and the tests.
std::vector<std::string> PersonalFieldNames(const SealOptions& options);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_EVENT_SEALING_H_
