"""The official Python MCP SDK peer for `cargo xtask bench-serve`.

An `MCPServer` (ex-FastMCP, `mcp==2.3.0`) with one tool, `echo`, that returns its arguments
as structured content (and as text), served over Streamable HTTP in stateless JSON-response
mode (no sessions, no SSE): the SDK's fastest HTTP configuration. Dual-era as the SDK is, so
the benchmark sends it the same modern 2026-07-28 `tools/call` as the other servers.

Usage: python python_echo.py [PORT]   (default 7903; binds 127.0.0.1, path /mcp)
"""

import sys
from typing import Any

from mcp.server.mcpserver import MCPServer

server = MCPServer("python-echo", log_level="WARNING")


@server.tool(description="Returns its arguments unchanged.")
def echo(message: str) -> dict[str, Any]:
    return {"message": message}


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 7903
    server.run(
        "streamable-http",
        host="127.0.0.1",
        port=port,
        json_response=True,
        stateless_http=True,
    )
