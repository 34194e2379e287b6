#!/usr/bin/env bash
# The main job on a fresh machine: build lynx, serve the bundled example project over
# Streamable HTTP, and call its tools as an MCP client would (handshake, list, call).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
LYNX="${CARGO_TARGET_DIR:-target}/debug/lynx"
exec python3 - "$LYNX" <<'PY'
import json, os, socket, subprocess, sys, time, urllib.request

lynx = os.path.abspath(sys.argv[1])
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
url = f"http://127.0.0.1:{port}/mcp"
server = subprocess.Popen([lynx, "tool:validate"], cwd="fixtures/example")
server.wait(timeout=60)
server = subprocess.Popen([lynx, "serve", "--listen", f"127.0.0.1:{port}", "--no-watch"], cwd="fixtures/example")
try:
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.05)
    session = None

    def rpc(method, params=None, id=1):
        global session
        body = {"jsonrpc": "2.0", "id": id, "method": method, "params": params or {}}
        req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"})
        if session:
            req.add_header("Mcp-Session-Id", session)
        with urllib.request.urlopen(req, timeout=30) as resp:
            session = session or resp.headers.get("Mcp-Session-Id")
            return json.loads(resp.read())

    init = rpc("initialize", {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "demo", "version": "1"}})
    print("initialize ->", init["result"]["serverInfo"])
    tools = rpc("tools/list", id=2)["result"]["tools"]
    print("tools/list ->", [t["name"] for t in tools])
    for i, (name, args) in enumerate([
        ("demo.domain.echo.run", {"message": "hello from the demo"}),
        ("finance.domain.health.read", {"account": "A-1"}),
        ("finance.cell.payment.approve", {"payment_id": "P-7", "amount_usd": 12.5}),
    ]):
        result = rpc("tools/call", {"name": name, "arguments": args}, id=10 + i)["result"]
        print(f"tools/call {name} ->", json.dumps(result.get("structuredContent")), "(error)" if result["isError"] else "")
        assert not result["isError"], result
    print("demo: ok")
finally:
    server.terminate()
    server.wait(timeout=30)
PY
