#include "ledger/event/sealing.h"

#include <capnp/any.h>
#include <capnp/dynamic.h>
#include <capnp/message.h>
#include <capnp/serialize-packed.h>
#include <fmt/format.h>
#include <kj/io.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>
#include <memory>

#include "ledger/base/assert.h"
#include "ledger/base/hash.h"

namespace secondment {
namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kPseudonymBytes = 16;

// One personal field: payload member, an optional struct inside it, the field. `id` fields
// read as ErasedId once erased (texts read as empty); `manager` ones only with
// SealOptions::managers.
struct PersonalField {
  const char* payload;
  const char* group;
  const char* field;
  bool id = false;
  bool manager = false;
};

constexpr PersonalField kPersonalFields[] = {
    {"proposed", nullptr, "employeeId", true},
    {"proposed", nullptr, "objectives"},
    {"proposed", nullptr, "backfillPlan"},
    {"proposed", "home", "managerId", true, true},
    {"proposed", "host", "managerId", true, true},
    {"approvalGranted", nullptr, "conditions"},
    {"approvalRefused", nullptr, "reason"},
    {"withdrawn", nullptr, "reason"},
    {"handoverRecorded", nullptr, "from"},
    {"handoverRecorded", nullptr, "to"},
    {"handoverRecorded", nullptr, "duties"},
    {"handoverRecorded", nullptr, "notes"},
    {"feedbackRecorded", nullptr, "text"},
    {"extensionRequested", nullptr, "rationale"},
    {"returned", nullptr, "reason"},
    // A correction's values are dates, units, roles or managers: none is the secondee's.
    {"corrected", nullptr, "reason"},
    {"correctionProposed", nullptr, "reason"},
    {"voided", nullptr, "reason"},
};

using capnp::DynamicStruct;

constexpr size_t kFieldCount = sizeof(kPersonalFields) / sizeof(kPersonalFields[0]);

// kPersonalFields resolved against the schema once: lookups by name cost more than the rest of
// opening an event.
struct Resolved {
  uint32_t member_index;  // of the payload member, in the payload union
  capnp::StructSchema::Field member;
  kj::Maybe<capnp::StructSchema::Field> group;
  capnp::StructSchema::Field field;
};

struct Plan {
  capnp::StructSchema::Field payload;
  std::vector<Resolved> fields;
};

const Plan& ThePlan() {
  static const Plan plan = [] {
    auto event = capnp::Schema::from<schema::Event>();
    Plan p{event.getFieldByName("payload"), {}};
    auto union_schema = p.payload.getType().asStruct();
    for (const PersonalField& f : kPersonalFields) {
      auto member = union_schema.getFieldByName(f.payload);
      auto holder = member.getType().asStruct();
      kj::Maybe<capnp::StructSchema::Field> group;
      if (f.group) {
        auto g = holder.getFieldByName(f.group);
        group = g;
        holder = g.getType().asStruct();
      }
      p.fields.push_back({member.getIndex(), member, group, holder.getFieldByName(f.field)});
    }
    return p;
  }();
  return plan;
}

// The index of the payload's member, or -1 when none is set.
int64_t ActiveMember(DynamicStruct::Reader payload) {
  KJ_IF_MAYBE (field, payload.which()) {
    return field->getIndex();
  }
  return -1;
}

// The struct field `i` lives in: the payload member, or the group inside it.
DynamicStruct::Builder Holder(DynamicStruct::Builder payload, size_t i) {
  const Resolved& r = ThePlan().fields[i];
  auto member = payload.get(r.member).as<DynamicStruct>();
  KJ_IF_MAYBE (group, r.group) {
    return member.get(*group).as<DynamicStruct>();
  }
  return member;
}

DynamicStruct::Reader Holder(DynamicStruct::Reader payload, size_t i) {
  const Resolved& r = ThePlan().fields[i];
  auto member = payload.get(r.member).as<DynamicStruct>();
  KJ_IF_MAYBE (group, r.group) {
    return member.get(*group).as<DynamicStruct>();
  }
  return member;
}

bool InMember(size_t i, int64_t member) {
  return static_cast<int64_t>(ThePlan().fields[i].member_index) == member;
}

const capnp::StructSchema::Field& FieldOf(size_t i) { return ThePlan().fields[i].field; }

DynamicStruct::Builder PayloadOf(schema::Event::Builder event) {
  return capnp::toDynamic(event).get(ThePlan().payload).as<DynamicStruct>();
}

DynamicStruct::Reader PayloadOf(schema::Event::Reader event) {
  return capnp::toDynamic(event).get(ThePlan().payload).as<DynamicStruct>();
}

bool Selected(const PersonalField& f, const SealOptions& options) {
  return !f.manager || options.managers;
}

// The pseudonym's 16 bytes (it is checked to be 32 hex digits first).
std::string PseudonymBytes(std::string_view pseudonym) {
  std::string raw(pseudonym.size() / 2, '\0');
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i < raw.size(); ++i) {
    raw[i] = static_cast<char>(nibble(pseudonym[2 * i]) << 4 | nibble(pseudonym[2 * i + 1]));
  }
  return raw;
}

std::string Aad(schema::Event::Reader event, std::string_view subject_bytes) {
  auto id = event.getEventId();
  std::string aad(reinterpret_cast<const char*>(id.begin()), id.size());
  aad += '\n';
  aad.append(subject_bytes);
  return aad;
}

// Packed (capnp's zero-run encoding): the moved fields sit in a whole Event, mostly zeros.
std::string Pack(const kj::Array<capnp::word>& canonical) {
  kj::VectorOutputStream out;
  kj::ArrayPtr<const capnp::word> segments[] = {canonical};
  capnp::writePackedMessage(out, segments);
  auto bytes = out.getArray();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

// One AES-256-GCM context per thread and direction, set up once: a call only sets the key and
// the nonce.
EVP_CIPHER_CTX* CipherContext(bool encrypt) {
  struct Context {
    explicit Context(bool encrypt) : ctx(EVP_CIPHER_CTX_new()) {
      bool ok =
          ctx != nullptr &&
          EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr, encrypt ? 1 : 0) &&
          EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr);
      LEDGER_ASSERT(ok, "AES-256-GCM is not available");
    }
    ~Context() { EVP_CIPHER_CTX_free(ctx); }
    EVP_CIPHER_CTX* ctx;
  };
  thread_local Context encrypting(true), decrypting(false);
  return encrypt ? encrypting.ctx : decrypting.ctx;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string Encrypt(const SubjectKey& key, std::string_view nonce, std::string_view aad,
                    std::string_view plain) {
  EVP_CIPHER_CTX* ctx = CipherContext(true);
  std::string out(plain.size() + kTagBytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int len = 0, last = 0;
  bool ok = EVP_EncryptInit_ex(ctx, nullptr, nullptr, key.data(), Bytes(nonce)) &&
            EVP_EncryptUpdate(ctx, nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) &&
            EVP_EncryptUpdate(ctx, o, &len, Bytes(plain), static_cast<int>(plain.size())) &&
            EVP_EncryptFinal_ex(ctx, o + len, &last) &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes, o + plain.size());
  LEDGER_ASSERT(ok, "AES-256-GCM encryption failed");
  return out;
}

// The plaintext, or nullopt when the tag does not authenticate.
std::optional<std::string> Decrypt(const SubjectKey& key, std::string_view nonce,
                                   std::string_view aad, kj::ArrayPtr<const kj::byte> sealed) {
  if (sealed.size() < kTagBytes) return std::nullopt;
  size_t plain_bytes = sealed.size() - kTagBytes;
  std::string plain(plain_bytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(plain.data());
  std::array<unsigned char, kTagBytes> tag;
  std::memcpy(tag.data(), sealed.begin() + plain_bytes, kTagBytes);
  EVP_CIPHER_CTX* ctx = CipherContext(false);
  int len = 0, last = 0;
  bool ok = EVP_DecryptInit_ex(ctx, nullptr, nullptr, key.data(), Bytes(nonce)) &&
            EVP_DecryptUpdate(ctx, nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) &&
            EVP_DecryptUpdate(ctx, o, &len, sealed.begin(), static_cast<int>(plain_bytes)) &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) &&
            EVP_DecryptFinal_ex(ctx, o + len, &last) > 0;
  if (!ok) return std::nullopt;
  return plain;
}

// The nonce of an event's sealed fields: SHA-256(key || AAD), cut to 12 bytes. Event ids are
// unique in a ledger, so no two stored ciphertexts share one (a retry with the same id seals the
// same fields to the same bytes; one with other fields is refused and never stored).
std::string DerivedNonce(const SubjectKey& key, std::string_view aad) {
  std::string input(reinterpret_cast<const char*>(key.data()), key.size());
  input.append(aad);
  Hash256 digest = Sha256(input);
  return std::string(reinterpret_cast<const char*>(digest.data()), kNonceBytes);
}

// Puts the fields Seal moved into `personal` back into `event`, with the generated accessors:
// this runs on every read of a sealed event, where reflection cost more than the decryption.
// Whatever kPersonalFields lists must be here and in TakeOut (SealingTest checks each).
void PutBack(schema::Event::Reader personal, schema::Event::Builder event) {
  if (personal.getActor().hasId()) event.getActor().setId(personal.getActor().getId());
  auto from = personal.getPayload();
  auto to = event.getPayload();
  if (from.which() != to.which()) return;  // only the actor was moved, or nothing
#define SECONDMENT_PUT_BACK(f, t, Field) \
  if (f.has##Field()) t.set##Field(f.get##Field())
  using P = schema::Event::Payload;
  switch (from.which()) {
    case P::PROPOSED: {
      auto f = from.getProposed();
      auto t = to.getProposed();
      SECONDMENT_PUT_BACK(f, t, EmployeeId);
      SECONDMENT_PUT_BACK(f, t, Objectives);
      SECONDMENT_PUT_BACK(f, t, BackfillPlan);
      if (f.hasHome() && f.getHome().hasManagerId())
        t.getHome().setManagerId(f.getHome().getManagerId());
      if (f.hasHost() && f.getHost().hasManagerId())
        t.getHost().setManagerId(f.getHost().getManagerId());
      break;
    }
    case P::APPROVAL_GRANTED: {
      auto t = to.getApprovalGranted();
      SECONDMENT_PUT_BACK(from.getApprovalGranted(), t, Conditions);
      break;
    }
    case P::APPROVAL_REFUSED: {
      auto t = to.getApprovalRefused();
      SECONDMENT_PUT_BACK(from.getApprovalRefused(), t, Reason);
      break;
    }
    case P::WITHDRAWN: {
      auto t = to.getWithdrawn();
      SECONDMENT_PUT_BACK(from.getWithdrawn(), t, Reason);
      break;
    }
    case P::HANDOVER_RECORDED: {
      auto f = from.getHandoverRecorded();
      auto t = to.getHandoverRecorded();
      SECONDMENT_PUT_BACK(f, t, From);
      SECONDMENT_PUT_BACK(f, t, To);
      SECONDMENT_PUT_BACK(f, t, Duties);
      SECONDMENT_PUT_BACK(f, t, Notes);
      break;
    }
    case P::FEEDBACK_RECORDED: {
      auto t = to.getFeedbackRecorded();
      SECONDMENT_PUT_BACK(from.getFeedbackRecorded(), t, Text);
      break;
    }
    case P::EXTENSION_REQUESTED: {
      auto t = to.getExtensionRequested();
      SECONDMENT_PUT_BACK(from.getExtensionRequested(), t, Rationale);
      break;
    }
    case P::RETURNED: {
      auto t = to.getReturned();
      SECONDMENT_PUT_BACK(from.getReturned(), t, Reason);
      break;
    }
    case P::CORRECTED: {
      auto t = to.getCorrected();
      SECONDMENT_PUT_BACK(from.getCorrected(), t, Reason);
      break;
    }
    case P::CORRECTION_PROPOSED: {
      auto t = to.getCorrectionProposed();
      SECONDMENT_PUT_BACK(from.getCorrectionProposed(), t, Reason);
      break;
    }
    case P::VOIDED: {
      auto t = to.getVoided();
      SECONDMENT_PUT_BACK(from.getVoided(), t, Reason);
      break;
    }
    default:
      break;
  }
#undef SECONDMENT_PUT_BACK
}

// Moves the personal fields of `event`'s payload (the managers' ids only with
// options.managers) into `personal`, with the generated accessors as PutBack; true when any
// moved.
bool TakeOut(schema::Event::Builder event, schema::Event::Builder personal,
             const SealOptions& options) {
  auto from = event.getPayload();
  auto to = personal.getPayload();
  bool moved = false;
#define SECONDMENT_TAKE(f, t, Field) \
  if (f.has##Field()) {              \
    t.set##Field(f.get##Field());    \
    f.disown##Field();               \
    moved = true;                    \
  }
  using P = schema::Event::Payload;
  switch (from.which()) {
    case P::PROPOSED: {
      auto f = from.getProposed();
      bool home = options.managers && f.hasHome() && f.getHome().hasManagerId();
      bool host = options.managers && f.hasHost() && f.getHost().hasManagerId();
      if (!f.hasEmployeeId() && !f.hasObjectives() && !f.hasBackfillPlan() && !home && !host) break;
      auto t = to.initProposed();
      SECONDMENT_TAKE(f, t, EmployeeId);
      SECONDMENT_TAKE(f, t, Objectives);
      SECONDMENT_TAKE(f, t, BackfillPlan);
      if (home) {
        auto party = f.getHome(), out = t.initHome();
        SECONDMENT_TAKE(party, out, ManagerId);
      }
      if (host) {
        auto party = f.getHost(), out = t.initHost();
        SECONDMENT_TAKE(party, out, ManagerId);
      }
      break;
    }
#define SECONDMENT_TAKE_ONE(CASE, Member, Field) \
  case P::CASE: {                                \
    auto f = from.get##Member();                 \
    if (!f.has##Field()) break;                  \
    auto t = to.init##Member();                  \
    SECONDMENT_TAKE(f, t, Field);                \
    break;                                       \
  }
      SECONDMENT_TAKE_ONE(APPROVAL_GRANTED, ApprovalGranted, Conditions)
      SECONDMENT_TAKE_ONE(APPROVAL_REFUSED, ApprovalRefused, Reason)
      SECONDMENT_TAKE_ONE(WITHDRAWN, Withdrawn, Reason)
      SECONDMENT_TAKE_ONE(FEEDBACK_RECORDED, FeedbackRecorded, Text)
      SECONDMENT_TAKE_ONE(EXTENSION_REQUESTED, ExtensionRequested, Rationale)
      SECONDMENT_TAKE_ONE(RETURNED, Returned, Reason)
      SECONDMENT_TAKE_ONE(CORRECTED, Corrected, Reason)
      SECONDMENT_TAKE_ONE(CORRECTION_PROPOSED, CorrectionProposed, Reason)
      SECONDMENT_TAKE_ONE(VOIDED, Voided, Reason)
#undef SECONDMENT_TAKE_ONE
    case P::HANDOVER_RECORDED: {
      auto f = from.getHandoverRecorded();
      if (!f.hasFrom() && !f.hasTo() && !f.hasDuties() && !f.hasNotes()) break;
      auto t = to.initHandoverRecorded();
      SECONDMENT_TAKE(f, t, From);
      SECONDMENT_TAKE(f, t, To);
      SECONDMENT_TAKE(f, t, Duties);
      SECONDMENT_TAKE(f, t, Notes);
      break;
    }
    default:
      break;
  }
#undef SECONDMENT_TAKE
  return moved;
}

// A zeroed first segment for the builder that opens an event, reused by each thread: the
// builder zeroes what it used when it is destroyed, as MallocMessageBuilder requires.
constexpr size_t kScratchWords = 8192;
kj::ArrayPtr<capnp::word> BuilderScratch() {
  thread_local std::unique_ptr<capnp::word[]> words(new capnp::word[kScratchWords]());
  return kj::arrayPtr(words.get(), kScratchWords);
}

// Where the packed plaintext is unpacked, reused by each thread.
kj::ArrayPtr<capnp::word> UnpackScratch() {
  thread_local std::unique_ptr<capnp::word[]> words(new capnp::word[kScratchWords]);
  return kj::arrayPtr(words.get(), kScratchWords);
}

kj::Array<capnp::word> Canonical(schema::Event::Reader event) {
  return capnp::AnyStruct::Reader(event).canonicalize();
}

}  // namespace

SubjectKey NewSubjectKey() {
  SubjectKey key;
  LEDGER_ASSERT(RAND_bytes(key.data(), static_cast<int>(key.size())) == 1, "RAND_bytes failed");
  return key;
}

std::string NewPseudonym() {
  std::string raw(kPseudonymBytes, '\0');
  LEDGER_ASSERT(
      RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) == 1,
      "RAND_bytes failed");
  return ToHex(raw);
}

bool IsPseudonym(std::string_view text) {
  if (text.size() != 2 * kPseudonymBytes) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string SubjectOf(schema::Sealed::Reader sealed) {
  auto subject = sealed.getSubject();
  return ToHex(std::string_view(reinterpret_cast<const char*>(subject.begin()), subject.size()));
}

std::string ErasedId(std::string_view pseudonym) {
  return "erased-" + std::string(pseudonym.substr(0, 8));
}

Status Seal(schema::Event::Builder event, std::string_view pseudonym, const SubjectKey& key,
            std::string_view subject_id, const SealOptions& options) {
  if (!IsPseudonym(pseudonym)) {
    return InvalidArgument(fmt::format("'{}' is not a pseudonym (32 hex digits)", pseudonym));
  }
  if (event.hasSealed()) return InvalidArgument("the event already holds sealed fields");
  capnp::MallocMessageBuilder message(64);  // the moved fields: a few hundred bytes
  auto personal = message.initRoot<schema::Event>();
  bool moved = false;
  auto actor = event.getActor();
  if (!subject_id.empty() && actor.hasId() &&
      std::string_view(actor.getId().cStr(), actor.getId().size()) == subject_id) {
    personal.initActor().setId(actor.getId());
    actor.disownId();
    moved = true;
  }
  if (TakeOut(event, personal, options)) moved = true;
  if (!moved) return Status::Ok();
  std::string subject = PseudonymBytes(pseudonym);
  std::string aad = Aad(event.asReader(), subject);
  std::string plain = Pack(Canonical(personal.asReader()));
  std::string ciphertext = Encrypt(key, DerivedNonce(key, aad), aad, plain);
  auto sealed = event.initSealed();
  sealed.setSubject(
      kj::arrayPtr(reinterpret_cast<const kj::byte*>(subject.data()), subject.size()));
  sealed.setCiphertext(
      kj::arrayPtr(reinterpret_cast<const kj::byte*>(ciphertext.data()), ciphertext.size()));
  return Status::Ok();
}

Result<kj::Array<capnp::word>> Open(schema::Event::Reader stored, Opening opening,
                                    const SubjectKey* key, std::string_view pseudonym) {
  // Room for the event and the fields put back, in one segment. The result is canonical, as
  // stored events are: the RPC feed sends it, and a client checks that it is.
  if (opening == Opening::kReveal && !stored.hasSealed()) return Canonical(stored);
  capnp::MallocMessageBuilder message(BuilderScratch(),
                                      capnp::AllocationStrategy::GROW_HEURISTICALLY);
  message.setRoot(stored);
  auto event = message.getRoot<schema::Event>();
  if (opening == Opening::kReveal) {
    LEDGER_ASSERT(key != nullptr, "Open(kReveal) needs the key");
    auto sealed = stored.getSealed();
    auto subject_data = sealed.getSubject();
    std::string_view subject(reinterpret_cast<const char*>(subject_data.begin()),
                             subject_data.size());
    std::string aad = Aad(stored, subject);
    std::optional<std::string> plain =
        Decrypt(*key, DerivedNonce(*key, aad), aad, sealed.getCiphertext());
    if (!plain) {
      return Corruption(fmt::format(
          "the sealed fields of the event at position {} do not authenticate under the key of "
          "subject {}",
          stored.getPosition(), ToHex(subject)));
    }
    kj::ArrayInputStream packed(
        kj::arrayPtr(reinterpret_cast<const kj::byte*>(plain->data()), plain->size()));
    capnp::PackedMessageReader reader(packed, capnp::ReaderOptions(), UnpackScratch());
    PutBack(reader.getRoot<schema::Event>(), event);
    event.disownSealed();
    return Canonical(event.asReader());
  }
  auto payload = PayloadOf(event);
  int64_t member = ActiveMember(payload.asReader());
  std::string erased = ErasedId(pseudonym);
  bool was_sealed = stored.hasSealed();
  auto actor = event.getActor();
  if ((was_sealed && !actor.hasId()) ||
      (!was_sealed && actor.getRole() == schema::Role::SECONDEE)) {
    actor.setId(erased);
  }
  for (size_t i = 0; i < kFieldCount; ++i) {
    if (!InMember(i, member)) continue;
    const PersonalField& f = kPersonalFields[i];
    auto holder = Holder(payload, i);
    bool present = holder.has(FieldOf(i));
    if (f.manager) {
      if (was_sealed && !present) holder.set(FieldOf(i), capnp::Text::Reader(erased.c_str()));
      continue;
    }
    if (f.id) {
      holder.set(FieldOf(i), capnp::Text::Reader(erased.c_str()));
    } else if (present) {
      holder.clear(FieldOf(i));
    }
  }
  std::string subject = PseudonymBytes(pseudonym);
  event.initSealed().setSubject(
      kj::arrayPtr(reinterpret_cast<const kj::byte*>(subject.data()), subject.size()));
  return Canonical(event.asReader());
}

bool HoldsPersonalDataInClear(schema::Event::Reader stored, std::string_view subject_id) {
  auto actor = stored.getActor().getId();
  if (!subject_id.empty() && std::string_view(actor.cStr(), actor.size()) == subject_id) {
    return true;
  }
  auto payload = PayloadOf(stored);
  int64_t member = ActiveMember(payload);
  for (size_t i = 0; i < kFieldCount; ++i) {
    if (!InMember(i, member) || kPersonalFields[i].manager) continue;
    auto holder = Holder(payload, i);
    if (!holder.has(FieldOf(i))) continue;
    auto value = holder.get(FieldOf(i));
    if (value.getType() == capnp::DynamicValue::TEXT && value.as<capnp::Text>().size() == 0) {
      continue;
    }
    if (value.getType() == capnp::DynamicValue::LIST &&
        value.as<capnp::DynamicList>().size() == 0) {
      continue;
    }
    return true;
  }
  return false;
}

std::vector<std::string> PersonalFieldNames(const SealOptions& options) {
  std::vector<std::string> names{"actor.id (when it is the subject's)"};
  for (const PersonalField& f : kPersonalFields) {
    if (!Selected(f, options)) continue;
    names.push_back(f.group ? fmt::format("{}.{}.{}", f.payload, f.group, f.field)
                            : fmt::format("{}.{}", f.payload, f.field));
  }
  return names;
}

}  // namespace secondment
