# Shared by scripts/demo and scripts/test: install what the build needs, then build.
# Sourced, not run. Works on a fresh Debian machine (as root, or with sudo).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"

# Debian packages the project builds, tests and benchmarks with.
PACKAGES=(
  build-essential cmake ninja-build pkg-config
  librocksdb-dev capnproto libcapnp-dev libspdlog-dev libfmt-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libnats-dev nats-server openssl curl
  libsqlite3-dev libpq-dev
)

# What the web page's browser test (tests/web) needs: Debian's Chromium, and Node.js with npm
# when the machine has no node (playwright-core comes from the npm registry, pinned by
# tests/web/package-lock.json; it downloads no browser).
WEB_PACKAGES=(chromium)

# What scripts/sanitize and scripts/fuzz add: clang with its sanitizer and libFuzzer runtimes,
# and llvm-symbolizer for readable reports.
SANITIZER_PACKAGES=(clang-14 libclang-rt-14-dev llvm-14)

ensure_packages() {  # [EXTRA_PACKAGE]...
  local missing=()
  for p in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

ensure_web_packages() {
  ensure_packages "${WEB_PACKAGES[@]}"
  command -v node >/dev/null && command -v npm >/dev/null && return 0
  ensure_packages nodejs npm
}

build() {
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" >/dev/null
  fi
  cmake --build "$BUILD_DIR" -- -j"$(nproc)"
  ln -sfn "$BUILD_DIR/compile_commands.json" "$ROOT/compile_commands.json"
}

# Configures DIR (once) as a clang build with the compile flags FLAGS; further arguments go to
# cmake. Used by scripts/sanitize and scripts/fuzz, which build into their own directories.
configure_sanitized() {  # DIR FLAGS [CMAKE_ARG]...
  local dir="$1" flags="$2"
  shift 2
  if [ ! -f "$dir/build.ninja" ]; then
    CC=clang-14 CXX=clang++-14 cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=None \
      -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" "$@" >/dev/null
  fi
  export ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14
}

# The ASan + UBSan build, with clang's coverage instrumentation, that scripts/sanitize tests and
# scripts/fuzz fuzzes: one build serves both. Sanitizer reports stop the process.
ASAN_DIR="$ROOT/build-asan"
configure_asan() {
  configure_sanitized "$ASAN_DIR" \
    "-O1 -gline-tables-only -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" \
    -DSECONDMENT_FUZZ=ON -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined"
  export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
}
