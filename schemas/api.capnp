# The ledger's network interface (DESIGN.md section 7), served by `secondment serve`.
#
# A client connects (TCP, or TLS when the server has a certificate), takes the bootstrap
# Login, and presents its token. It gets back a Session that hands out only the capabilities
# of the principal's roles. Every event appended through them records the authenticated
# principal as its actor, never a name the client sends.

@0xb4f3a6c1d2e85f17;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("secondment::api");

interface Login {
  # Fails with "unauthenticated" for a missing, unknown or revoked token.
  authenticate @0 (token :Text) -> (session :Session);
}

interface Session {
  whoami @0 () -> (principal :Text, roles :List(Text));

  # A runner for one of the principal's roles: "hr", "home_manager", "host_manager",
  # "secondee" or "auditor". Fails with "not permitted" for a role the principal lacks.
  runner @1 (role :Text) -> (runner :Runner);

  # The event feed, for principals with the "subscriber" role ("not permitted" otherwise).
  feed @2 () -> (feed :Feed);
}

interface Runner {
  # Runs one `secondment` command (its name and options, as on the command line, without
  # global options) as the principal in this runner's role, and returns what the command
  # printed and its exit status (docs/cli.md). Commands outside the role's set, and options
  # naming files on the client's machine, are refused with exit status 3 or 2.
  run @0 (args :List(Text), json :Bool) -> (exitCode :Int32, out :Text, err :Text);
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
