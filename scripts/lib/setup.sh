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
  build_sign_in_page "$ROOT/web/dist"
  precompress_portal "$ROOT/web/dist"
}

# dist/login.html, served for /login (routes/spa.rs): index.html with the login form
# (web/login-shell.html) in place of the loading card, so the form paints before any wasm
# arrives, and with the sign-in bundle (`portcullis-login`, web/src/sign_in_app.rs: the
# signed-out pages only) in place of the portal's, so a first visit downloads a fraction of
# the portal. trunk builds it into a dist of its own; its files join the portal's. Each
# translated shell (web/login-shell.<lang>.html) makes a login.<lang>.html beside it, the
# same page in that language, for browsers that ask for it.
build_sign_in_page() {
  local dist="$1" page="$ROOT/web/sign-in.gen.html" out shell lang
  grep -q "<!-- page:start" "$ROOT/web/index.html" && grep -q "<!-- page:end" "$ROOT/web/index.html" \
    && grep -q 'data-bin="portcullis-web"' "$ROOT/web/index.html" || {
    echo "build_portal: web/index.html lacks the page:start/page:end markers or data-bin" >&2
    return 1
  }
  # The markers stay, so each language's shell can take the English one's place after trunk.
  awk '{ sub(/data-bin="portcullis-web"/, "data-bin=\"portcullis-login\""); print }' \
    "$ROOT/web/index.html" | with_shell "$ROOT/web/login-shell.html" > "$page"
  out="$(mktemp -d)"
  say "building the sign-in bundle (web/dist/login.html)"
  if ! (cd "$ROOT/web" && trunk build --release --offline=true --dist "$out" "$(basename "$page")"); then
    rm -rf "$page" "$out"; return 1
  fi
  rm -f "$page"
  cp "$out"/*.wasm "$out"/*.js "$out"/*.css "$dist"/
  cp "$out/index.html" "$dist/login.html"
  # sign-in.html: the sign-in bundle under index.html's own loading card, for any other page
  # a browser without a session cookie opens (routes/spa.rs).
  sed -n '/<!-- page:start/,/<!-- page:end/p' "$ROOT/web/index.html" | sed '1d;$d' > "$out/loading.html"
  with_shell "$out/loading.html" < "$out/index.html" > "$dist/sign-in.html"
  for shell in "$ROOT"/web/login-shell.*.html; do
    [ -e "$shell" ] || continue
    lang="$(basename "$shell" .html)"; lang="${lang#login-shell.}"
    with_shell "$shell" < "$out/index.html" | sed "s/<html lang=\"en\">/<html lang=\"$lang\">/" \
      > "$dist/login.$lang.html"
  done
  rm -rf "$out"
}

# stdin with the lines between <!-- page:start --> and <!-- page:end --> replaced by the file
# $1 (the markers kept).
with_shell() {
  awk -v shell="$1" '
    /<!-- page:start/ { print; skip = 1; while ((getline line < shell) > 0) print line; close(shell); next }
    /<!-- page:end/ { skip = 0 }
    !skip
  '
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
