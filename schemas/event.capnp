# The stored event format of the secondment ledger.
#
# Every event is stored as the canonical Cap'n Proto encoding (capnp::canonicalize) of one
# `Event`, so that its bytes, and the hashes over them, are stable. Evolve this file only by
# adding fields with new ordinals at the end of a struct or union; never renumber, retype or
# remove a field (ledger/FORMAT.md, "Compatibility").
#
# Enums start with `unspecified` so that a field the writer forgot is visible as such.
# Text fields are UTF-8; an empty Text means "not given".

@0xd79f555a8487f790;

using Cxx = import "/capnp/c++.capnp";
using Json = import "/capnp/compat/json.capnp";
$Cxx.namespace("secondment::schema");

struct Date {
  # A business date on the proleptic Gregorian calendar. All zero means "no date".
  year @0 :UInt16;
  month @1 :UInt8;   # 1..12
  day @2 :UInt8;     # 1..31
}

enum Role {
  # Who acted. The first six are the lifecycle roles of DESIGN.md section 2; `system` marks
  # events the ledger appends by itself (Extended, ConvertedToPermanent).
  unspecified @0;
  hr @1;
  homeManager @2;
  hostManager @3;
  secondee @4;
  exception @5;
  auditor @6;
  subscriber @7;
  system @8;
}

struct Actor {
  id @0 :Text;       # the principal's id (an employee or service id)
  role @1 :Role;
}

enum Scope {
  # What an approval decides on.
  unspecified @0;
  placement @1;
  extension @2;
  conversion @3;
  correction @4;     # a correction that needs a second person's approval (policy)
}

enum Kind {
  unspecified @0;
  internal @1;       # another department of the same organisation
  external @2;       # another organisation
  international @3;
  nonProfit @4;
  client @5;
}

enum CostArrangement {
  unspecified @0;
  homePays @1;
  hostReimburses @2;
  hostPays @3;
}

enum HandoverDirection {
  unspecified @0;
  outbound @1;       # duties handed over at home before leaving
  inbound @2;        # duties taken over at the host
  return @3;         # duties handed back on return
}

enum ReturnPosition {
  unspecified @0;
  substantive @1;    # back to the same post
  equivalent @2;     # back to an equivalent post
}

struct Party {
  # One side of a secondment.
  org @0 :Text;
  unit @1 :Text;
  managerId @2 :Text;
}

# ---- Payloads, one per lifecycle event (DESIGN.md section 2) ----

struct Proposed {
  employeeId @0 :Text;
  home @1 :Party;
  host @2 :Party;
  kind @3 :Kind;
  roleTitle @4 :Text;
  objectives @5 :List(Text);
  plannedStart @6 :Date;
  plannedEnd @7 :Date;
  ftePercent @8 :UInt8 = 100;   # share of full time spent at the host, 1..100
  location @9 :Text;
  country @10 :Text;            # ISO 3166-1 alpha-2
  costArrangement @11 :CostArrangement;
  backfillPlan @12 :Text;
}

struct ApprovalGranted {
  scope @0 :Scope;
  approverRole @1 :Role;
  conditions @2 :Text;
  completesRequest @3 :Bool;   # this was the last approval the policy required at the time
}

struct ApprovalRefused {
  scope @0 :Scope;
  approverRole @1 :Role;
  reason @2 :Text;
}

struct Withdrawn {
  reason @0 :Text;
}

struct AgreementSigned {
  reference @0 :Text;
  version @1 :UInt32;
  documentSha256 @2 :Data $Json.hex;   # 32 bytes, or empty when not given
}

struct Started {
  actualStart @0 :Date;
}

struct HandoverRecorded {
  direction @0 :HandoverDirection;
  from @1 :Text;
  to @2 :Text;
  duties @3 :List(Text);
  notes @4 :Text;
}

struct FeedbackRecorded {
  fromRole @0 :Role;
  rating @1 :UInt8;    # 1..5, 0 = no rating
  text @2 :Text;
}

struct ExtensionRequested {
  newPlannedEnd @0 :Date;
  rationale @1 :Text;
}

struct Extended {
  previousEnd @0 :Date;
  newEnd @1 :Date;
  cumulativeDays @2 :UInt32;   # planned duration from start to newEnd, in days
}

struct Returned {
  returnDate @0 :Date;
  early @1 :Bool;
  reason @2 :Text;
  position @3 :ReturnPosition;
}

struct ConversionProposed {
  newRole @0 :Text;
  effectiveDate @1 :Date;
  recruitmentRef @2 :Text;
}

struct ConvertedToPermanent {
  effectiveDate @0 :Date;
  newRole @1 :Text;
  hostOrg @2 :Text;
  hostUnit @3 :Text;
}

struct PeriodClaimed {
  # Appended to the stream `employee-<employeeId>` in the same atomic append as a Proposed or
  # an Extended, so that two decisions about one employee's periods cannot both succeed on a
  # stale view (the rule "no two open secondments of one employee overlap").
  secondmentId @0 :Text;
  plannedStart @1 :Date;
  plannedEnd @2 :Date;
}

struct Corrected {
  # A recorded value was wrong: `field` (one of the names `secondment correct --field` takes,
  # such as "planned_end" or "host_unit") now reads `newValue` instead of `oldValue`, from the
  # moment this event is recorded. The earlier events stay as they were; what the ledger said
  # before the correction is still what it says as of a position before it.
  field @0 :Text;
  oldValue @1 :Text;
  newValue @2 :Text;
  reason @3 :Text;
  correctsPosition @4 :UInt64;   # the event that last set the field (0: not known)
}

struct CorrectionProposed {
  # A correction that waits for a second approval (policy "correctionApproval"); the approval
  # that completes it appends the Corrected event.
  field @0 :Text;
  oldValue @1 :Text;
  newValue @2 :Text;
  reason @3 :Text;
  correctsPosition @4 :UInt64;
}

struct Voided {
  # The step recorded at `position` (an event of this secondment) was recorded by mistake and
  # no longer counts. Its bytes stay in the log and in every proof.
  position @0 :UInt64;
  eventId @1 :Data $Json.hex;    # of the voided event
  voidedType @2 :Text;           # its payload's name, e.g. "returned"
  reason @3 :Text;
}

struct ErasureRequested {
  # A request to erase the personal data of the data subject whose stream this is
  # (subject-<pseudonym>); a second hr person's `forget --approve` carries it out. The reason
  # stays readable after the erasure, so it must name nobody.
  reason @0 :Text;
}

struct PersonalDataErased {
  # The data subject's key is destroyed: every field sealed under it now reads as erased.
  # Downstream copies (subscribers, the relay's stream) act on it: the secondments listed are
  # the person's.
  subject @0 :Text;                 # the pseudonym: Sealed.subject as 32 hex digits
  secondments @1 :List(Text);       # ids of the person's secondments
  reason @2 :Text;                  # the request's reason
  sealedEvents @3 :UInt64;          # events whose personal fields were sealed under the key
  clearEvents @4 :UInt64;           # events written before sealing existed: still in clear
  requestedBy @5 :Text;             # the hr person who made the request (the actor approves)
}

struct Sealed {
  # The personal fields of an event, moved out of it and encrypted under a key that belongs to
  # the data subject (ledger/FORMAT.md, "Sealed fields"). The hashed bytes hold only this.
  subject @0 :Data $Json.hex;       # the subject's pseudonym: 16 bytes
  ciphertext @1 :Data $Json.hex;    # AES-256-GCM of the packed canonical Event holding the
                                    # moved fields, followed by its 16-byte tag; the nonce is
                                    # derived from the key, the event id and the subject
}

# ---- The envelope ----

struct Event {
  # Assigned by the ledger when the event is committed; whatever a caller puts here is
  # overwritten.
  position @0 :UInt64;           # global position, dense from 1
  streamVersion @1 :UInt32;      # version within the stream, dense from 0
  recordedAtMicros @2 :Int64;    # ledger clock, UTC microseconds since 1970; never decreases
  streamId @3 :Text;
  prevHash @9 :Data $Json.hex;   # leaf hash of the stream's previous event; empty at version 0

  # Given by the caller.
  eventId @4 :Data $Json.hex;    # 16 bytes, unique in the ledger (idempotency key)
  effectiveDate @5 :Date;        # the business date the fact takes effect
  actor @6 :Actor;
  correlationId @7 :Data $Json.hex;   # 16 bytes or empty: groups events of one business flow
  causationId @8 :Data $Json.hex;     # 16 bytes or empty: the event or command that caused it

  payload :union {
    proposed @10 :Proposed;
    approvalGranted @11 :ApprovalGranted;
    approvalRefused @12 :ApprovalRefused;
    withdrawn @13 :Withdrawn;
    agreementSigned @14 :AgreementSigned;
    started @15 :Started;
    handoverRecorded @16 :HandoverRecorded;
    feedbackRecorded @17 :FeedbackRecorded;
    extensionRequested @18 :ExtensionRequested;
    extended @19 :Extended;
    returned @20 :Returned;
    conversionProposed @21 :ConversionProposed;
    convertedToPermanent @22 :ConvertedToPermanent;
    periodClaimed @23 :PeriodClaimed;
    corrected @24 :Corrected;
    correctionProposed @25 :CorrectionProposed;
    voided @26 :Voided;
    erasureRequested @29 :ErasureRequested;
    personalDataErased @30 :PersonalDataErased;
  }

  source @27 :Text;
  # Given by the caller: where an imported event came from ("FILE:LINE" of `secondment import`);
  # empty for a step recorded directly.

  sealed @28 :Sealed;
  # Set by the ledger when the event names a data subject: the personal fields, encrypted.
  # They read as empty here; EventLog's reads put them back while the subject's key exists.
}
