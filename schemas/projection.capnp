# Rows of the read models in projections/ (stored in the ledger's projection tables). They are
# derived data: a rebuild writes them again from the log, so they may change shape between
# versions as long as `rebuild` is run; see projections/README.md.

@0xd9053d6dc791a339;

using Cxx = import "/capnp/c++.capnp";
using Event = import "event.capnp";
$Cxx.namespace("secondment::schema");

struct ApprovalsRow {
  granted @0 :List(Event.Role);
  grantedBy @1 :List(Text);      # the approvers' ids, beside `granted`
  requestedBy @2 :Text;          # who made the request
  requestedOn @3 :Event.Date;
}

struct FactRow {
  # A step of the placement that a void may undo (lifecycle.h `Fact`).
  eventId @0 :Data;
  type @1 :UInt16;               # the Event.payload union's discriminant
  date @2 :Event.Date;
  withinPlacement @3 :Bool;
  voided @4 :Bool;
}

struct CorrectionRequestRow {
  field @0 :Text;
  oldValue @1 :Text;
  newValue @2 :Text;
  reason @3 :Text;
  correctsPosition @4 :UInt64;
  approvals @5 :ApprovalsRow;
}

struct FieldSourceRow {
  field @0 :Text;
  position @1 :UInt64;
}

struct SecondmentRow {
  # A secondment as Evolve folds it (ledger/lifecycle.h `Secondment`), plus where it stands.
  id @0 :Text;
  status @1 :UInt8;              # 0 none, 1 proposed, 2 approved, 3 active, 4 returned,
                                 # 5 converted, 6 rejected, 7 withdrawn
  employeeId @2 :Text;
  home @3 :Event.Party;
  host @4 :Event.Party;
  kind @5 :Event.Kind;
  roleTitle @6 :Text;
  objectives @7 :List(Text);
  plannedStart @8 :Event.Date;
  plannedEnd @9 :Event.Date;
  actualStart @10 :Event.Date;   # all zeros when not started
  ftePercent @11 :UInt8;
  country @12 :Text;
  location @13 :Text;
  backfill @14 :Text;
  cost @15 :Event.CostArrangement;
  agreementReference @16 :Text;  # null when not signed
  agreementVersion @17 :UInt32;
  placement @18 :ApprovalsRow;
  extensionRequest @19 :ExtensionRequestRow;   # null when none waits
  conversionRequest @20 :ConversionRequestRow; # null when none waits
  extensions @21 :List(ExtensionRow);
  feedbackCount @22 :UInt32;
  handoverCount @23 :UInt32;
  returnedOn @24 :Event.Date;
  returnedEarly @25 :Bool;
  convertedOn @26 :Event.Date;
  convertedRole @27 :Text;
  closingReason @28 :Text;
  lastPosition @29 :UInt64;      # of the secondment's last event
  version @30 :UInt32;           # of the secondment's last event
  proposedOn @31 :Event.Date;
  approvedOn @32 :Event.Date;    # all zeros when not approved
  signedOn @33 :Event.Date;      # all zeros when not signed
  facts @34 :List(FactRow);
  exceptionUntil @35 :Event.Date;  # the end an exception approval covered; zeros: none
  correctionRequest @36 :CorrectionRequestRow;  # null when none waits
  fieldSources @37 :List(FieldSourceRow);
}

struct ExtensionRequestRow {
  until @0 :Event.Date;
  rationale @1 :Text;
  approvals @2 :ApprovalsRow;
}

struct ConversionRequestRow {
  effective @0 :Event.Date;
  newRole @1 :Text;
  recruitmentRef @2 :Text;
  approvals @3 :ApprovalsRow;
}

struct ExtensionRow {
  previousEnd @0 :Event.Date;
  newEnd @1 :Event.Date;
  cumulativeDays @2 :UInt32;
}

struct PlacementRow {
  # An entry of the placements projection: a secondment that has started, with the interval
  # it covers (to its return, conversion, or planned end).
  id @0 :Text;
  employeeId @1 :Text;
  homeOrg @2 :Text;
  homeUnit @3 :Text;
  hostOrg @4 :Text;
  hostUnit @5 :Text;
  kind @6 :Event.Kind;
  country @7 :Text;
  start @8 :Event.Date;
  plannedEnd @9 :Event.Date;
  end @10 :Event.Date;           # the return or conversion date; null while active
  roleTitle @11 :Text;
}
