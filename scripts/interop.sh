#!/usr/bin/env bash
# Interop with a real MCP client: the official Python SDK (mcp==2.3.0) against `lynx serve`
# over stdio and Streamable HTTP, in the SDK's legacy and auto (2026-07-28) modes, plus a raw
# check that stdio stdout carries only JSON-RPC. See scripts/interop/python_client.py.
#
#   scripts/interop.sh [LYNX_BINARY [--logs DIR]]   (default: target/debug/lynx; build it first)
#
# The venv lives outside the repository, in ${LYNX_INTEROP_CACHE:-$HOME/.cache/lynx-interop}/venv,
# and is reused across runs. Needs python3 (>= 3.10) with the venv module. Exit status: 0 all
# checks passed, 1 a check failed, 2 usage or setup error.
set -euo pipefail

MCP_PIN="mcp==2.3.0"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LYNX="${1:-$ROOT/target/debug/lynx}"
[[ $# -gt 0 ]] && shift   # the rest (e.g. --logs DIR) goes to python_client.py
CACHE="${LYNX_INTEROP_CACHE:-$HOME/.cache/lynx-interop}"
VENV="$CACHE/venv"
PYTHON="${PYTHON:-python3}"

if [[ ! -x "$LYNX" ]]; then
  echo "interop: no lynx binary at $LYNX (run \`cargo build\` or pass its path)" >&2
  exit 2
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  mkdir -p "$CACHE"
  timeout 120 "$PYTHON" -m venv "$VENV" || { echo "interop: could not create $VENV" >&2; exit 2; }
fi
# Install (or repair) the pinned SDK only when the venv does not already have it.
if ! "$VENV/bin/python" -c 'import importlib.metadata as m, sys; sys.exit(m.version("mcp") != "2.3.0")' 2>/dev/null; then
  timeout 600 "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$MCP_PIN" \
    || { echo "interop: pip install $MCP_PIN failed" >&2; exit 2; }
fi

# Every check inside is bounded too; this is the backstop for the whole run.
exec timeout --kill-after=10 600 "$VENV/bin/python" "$ROOT/scripts/interop/python_client.py" "$LYNX" "$@"
