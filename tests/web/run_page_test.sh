#!/usr/bin/env bash
# The web page's browser test against a real server:
#   tests/web/run_page_test.sh PATH/TO/secondment OUTDIR
# creates a ledger and a tokens file in a temporary directory, adds hr-1 and hr-2 (hr), mgr-home
# (home_manager), mgr-host (host_manager) and aud-1 (auditor), starts
# `secondment serve --http 127.0.0.1:0 --listen 127.0.0.1:0`, learns the ports from its
# "http on http://..." and "serving DIR on port N" lines,
# runs tests/web/page_test.mjs (screenshots into OUTDIR), stops the server and exits with the
# test's status. Exit 1 when node or chromium is missing (scripts/test installs both).
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 PATH/TO/secondment OUTDIR" >&2
  exit 2
fi
bin=$(realpath "$1")
mkdir -p "$2"
out=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}

if ! command -v node >/dev/null; then
  echo "node is not installed: scripts/test installs it (apt-get install -y nodejs npm)" >&2
  exit 1
fi
if [[ ! -x $chromium ]]; then
  echo "$chromium is missing: scripts/test installs it (apt-get install -y chromium)" >&2
  exit 1
fi
if [[ ! -d $here/node_modules/playwright-core ]]; then
  # The lock file pins playwright-core; npm ci installs exactly that.
  npm ci --prefix "$here" --no-audit --no-fund --loglevel=error >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/secondment-page-test.XXXXXX")
server_pid=
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" --data "$work/data" init >/dev/null
add_token() {  # PRINCIPAL ROLE -> the token on stdout
  "$bin" token add --tokens "$work/tokens" --principal "$1" --role "$2"
}
export TOKEN_HR_1 TOKEN_HR_2 TOKEN_MGR_HOME TOKEN_MGR_HOST TOKEN_AUD_1
TOKEN_HR_1=$(add_token hr-1 hr)
TOKEN_HR_2=$(add_token hr-2 hr)
TOKEN_MGR_HOME=$(add_token mgr-home home_manager)
TOKEN_MGR_HOST=$(add_token mgr-host host_manager)
TOKEN_AUD_1=$(add_token aud-1 auditor)

# The RPC port too: aud-1 signs a checkpoint through it, so the page can download a proof.
"$bin" --data "$work/data" serve --http 127.0.0.1:0 --listen 127.0.0.1:0 --tokens "$work/tokens" \
  >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!

url=
rpc_port=
for _ in $(seq 300); do
  url=$(sed -n 's|^http on \(https\{0,1\}://[^ ]*/\).*$|\1|p' "$work/serve.out" | head -n 1)
  rpc_port=$(sed -n 's|^serving .* on port \([0-9][0-9]*\).*$|\1|p' "$work/serve.out" | head -n 1)
  [[ -n $url && -n $rpc_port ]] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "the server exited before serving:" >&2
    cat "$work/serve.out" "$work/serve.err" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ -z $url || -z $rpc_port ]]; then
  echo "no 'serving DIR on port N' and 'http on http://HOST:PORT/' lines from the server within 30 s:" >&2
  cat "$work/serve.out" "$work/serve.err" >&2
  exit 1
fi
echo "# server at $url (RPC on port $rpc_port)" >&2

status=0
PAGE_URL=$url OUT_DIR=$out CHROMIUM=$chromium SECONDMENT_BIN=$bin RPC_ADDR=127.0.0.1:$rpc_port \
  node "$here/page_test.mjs" || status=$?
if [[ $status -ne 0 ]]; then
  echo "# the server's output:" >&2
  cat "$work/serve.out" "$work/serve.err" >&2
fi
exit "$status"
