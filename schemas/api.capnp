# The ledger's network interface (DESIGN.md section 7), served by `secondment serve`.
# Version 2: typed methods and results (version 1 ran command-line words).
#
# A client connects (TCP, or TLS when the server has a certificate), takes the bootstrap
# Login, and presents its token. It gets back a Session, and from it a Desk for one of the
# principal's roles. Every method of a Desk is decided by the application (service/ in the
# source) from the authenticated principal and that role: the same rules as the command line,
# the same refusals. Every event appended through a Desk records the authenticated principal as
# its actor, never a name the client sends.
#
# Errors: a refused call fails with one typed error, `Error` below: its code and its one-line
# message. Cap'n Proto 0.9 carries no structure with an exception, so the error travels as the
# exception's description, exactly one line:
#   "<Code>: <message>"
# where <Code> is the ErrorCode's name on the wire, in quotes below ("InvalidArgument",
# "RuleViolation", ..., "Unauthenticated"), and <message> is the command line's own line. A
# stock C++ client sees it after Cap'n Proto's own prefix "remote exception: ".
#
# Conventions: an empty Text is "not given"; a Date of all zeros is "no date". Events travel as
# their canonical stored bytes (event.capnp `Event`), which a client can check against the
# ledger's proofs.

@0xc5b8b4939ea1ad30;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("secondment::api");

using Event = import "event.capnp";
using Projection = import "projection.capnp";

# Why a call failed, with the command line's exit status for it (docs/cli.md).
enum ErrorCode {
  ok @0;                # (never sent)
  invalidArgument @1;   # "InvalidArgument", exit 2: malformed, missing, out of limits
  ruleViolation @2;     # "RuleViolation", exit 3: a rule forbids it, or the role may not do it
  conflict @3;          # "Conflict", exit 4: the id exists, or the secondment changed meanwhile
  notFound @4;          # "NotFound", exit 5: no such secondment, stream or position
  corruption @5;        # "Corruption", exit 6: stored data does not verify
  ioError @6;           # "IOError", exit 6: the server's storage failed
  unavailable @7;       # "Unavailable", exit 7: the ledger is closing or takes no writes now
  unauthenticated @8;   # "Unauthenticated", exit 2: a missing, unknown or revoked token
}

struct Error {
  code @0 :ErrorCode;
  message @1 :Text;     # one line
}

interface Login {
  # Fails with Unauthenticated for a missing, unknown or revoked token, and InvalidArgument for
  # a token over 4 KiB.
  authenticate @0 (token :Text) -> (session :Session);
}

interface Session {
  whoami @0 () -> (principal :Text, roles :List(Text));

  # The principal acting in one of its roles: "hr", "home_manager", "host_manager",
  # "secondee", "exception" or "auditor". Fails with "RuleViolation: not permitted: ..." for a
  # role the principal lacks.
  desk @1 (role :Text) -> (desk :Desk);

  # The event feed, for principals with the "subscriber" role.
  feed @2 () -> (feed :Feed);
}

# What a lifecycle step returns.
struct Outcome {
  id @0 :Text;
  positions @1 :List(UInt64);          # of the events appended, in order
  secondment @2 :Projection.SecondmentRow;  # the state after them
}

# One committed event: its position and its canonical bytes.
struct RecordedEvent {
  position @0 :UInt64;
  canonical @1 :Data;
}

# Filters of `status` and `placements`; each that is set must match exactly.
struct Filter {
  hostOrg @0 :Text;
  hostUnit @1 :Text;
  homeOrg @2 :Text;
  homeUnit @3 :Text;
  employee @4 :Text;
  country @5 :Text;
  kind @6 :Event.Kind;                 # unspecified: any
}

# When a read looks: now, or as the ledger stood just after a position (0: before anything
# was recorded).
struct At {
  union {
    now @0 :Void;
    position @1 :UInt64;
  }
}

struct Alert {
  kind @0 :Text;                       # ending_soon, overdue, over_maximum, return_not_recorded
  id @1 :Text;
  why @2 :Text;
}

struct VerifyReport {
  events @0 :UInt64;
  root @1 :Data;                       # 32 bytes
  streams @2 :UInt64;
  checkpoints @3 :UInt64;              # stored checkpoints that verified
  checkpointKeyIds @4 :List(Text);
  extendsSize @5 :UInt64;              # with a held checkpoint: the log extends it to here
  extendsRoot @6 :Data;
}

interface Desk {
  # ---- Lifecycle steps (docs/cli.md). `id` names the secondment; on propose, an empty id
  # asks for a generated one. `date` is the step's business date (the event's effective date);
  # all zeros means the server's today. For start and recordReturn it is the actual start and
  # the return date.
  propose @0 (id :Text, proposal :Event.Proposed, date :Event.Date) -> (outcome :Outcome);
  approve @1 (id :Text, scope :Event.Scope, conditions :Text, date :Event.Date)
      -> (outcome :Outcome);
  refuse @2 (id :Text, scope :Event.Scope, reason :Text, date :Event.Date) -> (outcome :Outcome);
  withdraw @3 (id :Text, reason :Text, date :Event.Date) -> (outcome :Outcome);
  sign @4 (id :Text, reference :Text, version :UInt32, sha256Hex :Text, date :Event.Date)
      -> (outcome :Outcome);
  start @5 (id :Text, date :Event.Date) -> (outcome :Outcome);
  handover @6 (id :Text, direction :Event.HandoverDirection, from :Text, to :Text,
               duties :List(Text), notes :Text, date :Event.Date) -> (outcome :Outcome);
  feedback @7 (id :Text, rating :UInt8, text :Text, date :Event.Date) -> (outcome :Outcome);
  requestExtension @8 (id :Text, until :Event.Date, rationale :Text, date :Event.Date)
      -> (outcome :Outcome);
  recordReturn @9 (id :Text, date :Event.Date, reason :Text, position :Event.ReturnPosition)
      -> (outcome :Outcome);
  proposeConversion @10 (id :Text, effective :Event.Date, newRole :Text, recruitmentRef :Text,
                         date :Event.Date) -> (outcome :Outcome);
  # Corrects one recorded value (`secondment correct`): `field` as `--field` names it, `value`
  # as `--value` writes it.
  correct @25 (id :Text, field :Text, value :Text, reason :Text, date :Event.Date)
      -> (outcome :Outcome);
  # Marks the step recorded at `position` void (`secondment void`).
  voidStep @26 (id :Text, position :UInt64, reason :Text, date :Event.Date)
      -> (outcome :Outcome);
  # The policy in force on the server: its JSON (the --policy file's keys) and one line a rule.
  policy @27 () -> (json :Text, rules :List(Text));

  # ---- Reads, now or as the ledger stood after a past position (`at`).
  show @11 (id :Text, at :At) -> (secondment :Projection.SecondmentRow);
  history @12 (id :Text, at :At) -> (events :List(RecordedEvent));
  employeeHistory @13 (employee :Text, at :At) -> (events :List(RecordedEvent));
  # `state`: one of the states, or empty for all.
  status @14 (state :Text, filter :Filter, at :At)
      -> (secondments :List(Projection.SecondmentRow));
  # `asOf`: the placements covering that business date; no date: active now.
  placements @15 (filter :Filter, asOf :Event.Date, at :At)
      -> (placements :List(Projection.PlacementRow));
  # `today`: no date means the server's today.
  alerts @16 (withinDays :UInt32, today :Event.Date) -> (alerts :List(Alert));
  # At most `limit` (1 to 10,000) events from position `from` (>= 1).
  log @17 (from :UInt64, limit :UInt32) -> (events :List(RecordedEvent));
  head @18 () -> (position :UInt64);
  # The last position recorded at or before `micros` (UTC microseconds); 0 when none.
  positionAt @19 (micros :Int64) -> (position :UInt64);

  # ---- Audit.
  treeHead @20 () -> (ledger :Text, size :UInt64, root :Data);
  # With `trustedKeyPem`, every stored checkpoint must be signed by that key; with `heldNote`
  # too, the log must extend that checkpoint note.
  verify @21 (trustedKeyPem :Text, heldNote :Text) -> (report :VerifyReport);
  # The history proof (docs/audit.md) of secondment `id` within the checkpoint note.
  prove @22 (id :Text, checkpointNote :Text) -> (proofJson :Text);
  # Stores a checkpoint note signed elsewhere by the key `publicKeyPem`: the private key never
  # comes to the server.
  storeCheckpoint @23 (note :Text, publicKeyPem :Text) -> ();
  # Drops and replays one projection (or every one, for an empty name).
  rebuild @24 (projection :Text) -> (events :UInt64);
}

interface Feed {
  # Sends every event from position `from` (after the named consumer's last acknowledgement
  # when `consumer` is set and known), history then live, to `sink` in order, one call per
  # event with Cap'n Proto flow control, until the sink fails or the client goes away.
  # `types` keeps only those event types. Consumer names belong to the principal: two
  # principals' "payroll" are two consumers.
  follow @0 (from :UInt64, types :List(Text), consumer :Text, sink :EventSink) -> ();

  # Records that the client has processed every event up to `position` for `consumer`. Only
  # what a client acknowledges is recorded (at-least-once); positions never go back.
  acknowledge @1 (consumer :Text, position :UInt64) -> ();
}

interface EventSink {
  # One event as JSON (the same object `secondment log --json` prints).
  event @0 (position :UInt64, json :Text) -> stream;
}
