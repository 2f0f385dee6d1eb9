# Shared by scripts/run and scripts/test: installs what a fresh Debian machine
# lacks, idempotently (each step is skipped when already done).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
TRUNK_VERSION="0.21.14"
CARGO_FUZZ_VERSION="0.13.2"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

APT_UPDATED=""
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The wasm-bindgen version the portal is locked to: the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_web_toolchain() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
    say "installing trunk $TRUNK_VERSION (takes several minutes once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
  local wbg; wbg="$(wasm_bindgen_version)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbg\$"; then
    say "installing wasm-bindgen-cli $wbg (takes a few minutes once)"
    # Not --locked: its lock file names a dependency version the registry lacks.
    cargo install wasm-bindgen-cli --version "$wbg"
  fi
}

ensure_build_deps() {
  ensure_apt pkg-config libsqlite3-dev libpq-dev libssl-dev
}

# The portal, ready to serve: trunk builds web/dist (the wasm shrunk by binaryen's wasm-opt -Oz,
# which index.html asks for; --offline: trunk uses the wasm-opt and wasm-bindgen on PATH and
# never downloads one), then every .wasm, .js and .css gets a brotli (.br) and a gzip (.gz)
# copy beside it, which the server sends to clients that accept them (routes/spa.rs).
build_portal() {
  ensure_apt binaryen brotli gzip
  say "building the portal (web/dist)"
  (cd "$ROOT/web" && trunk build --release --offline=true)
  write_login_page "$ROOT/web/dist"
  precompress_portal "$ROOT/web/dist"
}

# dist/login.html: the built index.html with the login form (web/login-shell.html) in place
# of the loading card, so /login paints its form before the wasm arrives (routes/spa.rs).
write_login_page() {
  local shell="$ROOT/web/login-shell.html"
  grep -q "<!-- page:start" "$1/index.html" && grep -q "<!-- page:end" "$1/index.html" || {
    echo "build_portal: index.html has no page:start/page:end markers" >&2
    return 1
  }
  awk -v shell="$shell" '
    /<!-- page:start/ { skip = 1; while ((getline line < shell) > 0) print line; next }
    /<!-- page:end/ { skip = 0; next }
    !skip
  ' "$1/index.html" > "$1/login.html"
}

precompress_portal() {
  local file
  for file in "$1"/*.wasm "$1"/*.js "$1"/*.css; do
    [ -e "$file" ] || continue
    brotli --force --best --output="$file.br" "$file"
    gzip --force --best --keep --no-name "$file"
  done
}

# schemathesis (spec-driven API testing) in a venv of its own, with every
# package pinned by scripts/schemathesis/requirements.txt.
SCHEMATHESIS_VERSION="4.32.5"
SCHEMATHESIS_VENV="${XDG_CACHE_HOME:-$HOME/.cache}/portcullis/schemathesis-$SCHEMATHESIS_VERSION"
ensure_schemathesis() {
  if "$SCHEMATHESIS_VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    return 0
  fi
  say "installing schemathesis $SCHEMATHESIS_VERSION"
  command -v python3 >/dev/null || ensure_apt python3 python3-venv
  rm -rf "$SCHEMATHESIS_VENV"
  if ! python3 -m venv "$SCHEMATHESIS_VENV" 2>/dev/null; then
    rm -rf "$SCHEMATHESIS_VENV"
    ensure_apt python3-venv
    python3 -m venv "$SCHEMATHESIS_VENV"
  fi
  "$SCHEMATHESIS_VENV/bin/pip" install -q --disable-pip-version-check \
    -r "$ROOT/scripts/schemathesis/requirements.txt"
}

# cargo-fuzz for the parser fuzzing (scripts/fuzz).
ensure_cargo_fuzz() {
  if ! cargo fuzz --version 2>/dev/null | grep -qx "cargo-fuzz $CARGO_FUZZ_VERSION"; then
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION (a couple of minutes, once)"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
  fi
}
