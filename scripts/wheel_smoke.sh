#!/usr/bin/env bash
# The package as users install it: build the wheel from this checkout's tracked files, install it alone
# (dependencies from the package index, nothing editable) into a fresh virtual environment, and from a folder
# outside the checkout run `prism --version`, `prism demo` and `prism serve` (GET / must list every edition).
# Editable installs and the test suite read templates straight from src/, so only this catches a file the
# wheel forgot.  Usage: scripts/wheel_smoke.sh   (PYTHON=python3.11 to choose the interpreter)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1
# Nothing from the caller's environment may reach the installed package: no sources, no settings.
unset PYTHONPATH
while read -r name; do unset "$name"; done < <(compgen -e | grep '^PRISM_' || true)

T=$(mktemp -d "${TMPDIR:-/tmp}/prism-wheel-smoke.XXXXXX")
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$T"
}
trap cleanup EXIT
say() { echo "wheel smoke [${SECONDS}s]: $*"; }
fail() {
  echo "wheel smoke [${SECONDS}s]: FAILED: $*" >&2
  exit 1
}

say "creating a fresh virtual environment"
"$PYTHON" -m venv "$T/venv"
VPY="$T/venv/bin/python"

# Build from the files git tracks, as from a clean clone: an untracked template, or a stale build/ folder
# left in the checkout, must not make the wheel look complete.
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mkdir "$T/clone"
  (cd "$ROOT" && git ls-files -z |
    while IFS= read -r -d '' f; do if [ -f "$f" ]; then printf '%s\0' "$f"; fi; done |  # not deleted ones
    tar --null -T - -cf - | tar -xf - -C "$T/clone")
  SOURCE="$T/clone"
else
  SOURCE="$ROOT"
fi
say "building the wheel"
"$VPY" -m pip wheel "$SOURCE" -w "$T/dist" --no-deps -q
wheels=("$T"/dist/*.whl)
[ ${#wheels[@]} = 1 ] || fail "expected one wheel, got: ${wheels[*]}"
WHEEL=${wheels[0]}
case "$WHEEL" in
  */ai_prism-*-py3-none-any.whl) say "$(basename "$WHEEL")" ;;
  *) fail "$(basename "$WHEEL") is not a pure-Python py3-none-any wheel" ;;
esac

say "installing the wheel alone (its dependencies from the package index)"
"$VPY" -m pip install -q "$WHEEL"
PRISM="$T/venv/bin/prism"
cd "$T"  # the checkout must not be importable from here
where=$("$VPY" -c 'import prism; print(prism.__file__)')
case "$where" in
  "$T/venv/"*) ;;
  *) fail "prism was imported from $where, not from the installed wheel" ;;
esac

"$PRISM" --version | grep -Eq '^prism [0-9]' || fail "prism --version"
say "$("$PRISM" --version)"

say "prism demo"
"$PRISM" demo --home "$T/home" --out "$T/out" >"$T/demo.log" 2>&1 || {
  cat "$T/demo.log" >&2
  fail "prism demo"
}
[ -s "$T/out/index.html" ] || fail "prism demo wrote no $T/out/index.html"

PORT=$("$VPY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
say "prism serve on port $PORT"
"$PRISM" serve --home "$T/home" --port "$PORT" >"$T/serve.log" 2>&1 &
SERVER_PID=$!
# Poll GET / until it answers (at most 60 s), then check it lists an edition for every reader type.
if ! "$VPY" - "$PORT" "$SERVER_PID" "$T/home" <<'EOF'; then
import json, os, subprocess, sys, time, urllib.request

port, pid, home = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
deadline = time.monotonic() + 60
while True:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            status, page = response.status, response.read().decode("utf-8")
        break
    except OSError as exc:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            sys.exit("the server exited before answering")
        if time.monotonic() > deadline:
            sys.exit(f"no answer on port {port} within 60 s: {exc}")
        time.sleep(0.25)
listed = subprocess.run(
    [os.path.join(os.path.dirname(sys.executable), "prism"), "personas", "list", "--json", "--home", home],
    capture_output=True, text=True, check=True,
)
keys = [persona["key"] for persona in json.loads(listed.stdout)]
missing = [key for key in keys if f'href="/briefings/{key}/' not in page]
if status != 200 or not keys or missing:
    sys.exit(f"GET / gave {status}; editions missing for {missing or keys}")
print(f"wheel smoke: GET / is 200 and lists the {len(keys)} editions")
EOF
  cat "$T/serve.log" >&2
  fail "prism serve"
fi
say "OK"
