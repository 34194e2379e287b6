#!/usr/bin/env python3
"""Interop checks: the official MCP Python SDK (`mcp==2.3.0`) against `lynx serve`.

    python_client.py LYNX_BINARY [--project DIR]

For stdio (`lynx serve --stdio`, spawned by the SDK) and Streamable HTTP (`lynx serve --listen
127.0.0.1:PORT --no-watch`, started here on a free port), each in both client modes — `legacy`
(the initialize handshake) and the default `auto` (probes `server/discover`, goes modern at
2026-07-28 when the server offers it) — it lists the tools, calls the builtin echo, the Python
`exec` tool and the Python `worker` tool, calls an unknown tool (expects JSON-RPC error -32602)
and calls echo with bad arguments (expects a tool result with isError naming the field). Over
HTTP the modern client also opens a `subscriptions/listen` stream and must get `ToolsListChanged`
after lynx reloads (SIGHUP). A raw stdio session then checks that lynx's stdout carries nothing but JSON-RPC lines.

Every step is bounded by a timeout. One line per check, then `interop: N passed, M failed`;
exit status 1 on any failure. The project served is fixtures/interop unless --project is given.
"""
from __future__ import annotations

import argparse
import builtins
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request
from contextlib import AsyncExitStack
from pathlib import Path

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError
from mcp.shared.subscriptions import ToolsListChanged

MODERN = "2026-07-28"
HANDSHAKE_VERSIONS = ("2025-11-25", "2025-06-18", "2025-03-26")

ECHO = "demo.domain.echo.run"
EXEC = "demo.domain.greet.run"
WORKER = "demo.domain.sum.run"
TOOLS = (ECHO, EXEC, WORKER)

STEP_TIMEOUT = 20.0  # one request/response (the first worker call also starts the worker)
TARGET_TIMEOUT = 90.0  # one client connection, all of its checks, and closing it
START_TIMEOUT = 20.0  # lynx HTTP server up (/healthz answers 200)
STOP_TIMEOUT = 15.0  # lynx exits after SIGTERM (its default drain is shorter)

_ExceptionGroup = getattr(builtins, "BaseExceptionGroup", ())  # Python >= 3.11

REPO = Path(__file__).resolve().parents[2]


class Report:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        line = f"{'ok  ' if ok else 'FAIL'} {name}"
        if detail:
            line += f" — {detail}"
        print(line, flush=True)
        return ok


def short(value: object, limit: int = 300) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def error_text(exc: BaseException) -> str:
    if isinstance(exc, MCPError):
        return f"MCPError {exc.code}: {short(exc.message)}" + (f" data={short(exc.data)}" if exc.data else "")
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, _ExceptionGroup):
        return "; ".join(error_text(e) for e in exc.exceptions)
    return f"{type(exc).__name__}: {short(str(exc))}"


def text_of(result) -> str:
    return " ".join(getattr(c, "text", "") or "" for c in result.content)


# ---------------------------------------------------------------------------------------------
# SDK client checks (one connection per transport × mode)


async def sdk_checks(report: Report, label: str, make_client, expect_modern: bool, reload=None) -> None:
    """Connect with the SDK and run every tool check; each check is reported exactly once.

    With `reload` (a function that makes the server reload its project), a modern client also
    opens a `subscriptions/listen` stream and must see `ToolsListChanged` after the reload."""
    listen_check = "subscriptions/listen sees the tool list change on reload"
    names = [
        "connect",
        "tools/list has the three tools",
        "call echo (builtin)",
        "call exec tool (python)",
        "call worker tool (python)",
        "unknown tool -> error -32602",
        "bad arguments -> isError naming the field",
    ]
    if reload is not None and expect_modern:
        names.append(listen_check)
    done: set[str] = set()

    def check(name: str, ok: bool, detail: str = "") -> bool:
        done.add(name)
        return report.check(f"{label}: {name}", ok, detail)

    async def step(name: str, fn) -> None:
        try:
            with anyio.fail_after(STEP_TIMEOUT):
                ok, detail = await fn()
        except Exception as exc:  # noqa: BLE001 - any failure is this check's failure
            ok, detail = False, error_text(exc)
        check(name, ok, detail)

    try:
        with anyio.fail_after(TARGET_TIMEOUT):
            async with AsyncExitStack() as stack:
                try:
                    client = await stack.enter_async_context(make_client())
                except Exception as exc:  # noqa: BLE001
                    check("connect", False, error_text(exc))
                    raise _Abort() from None
                version = client.protocol_version
                if expect_modern:
                    ok = version == MODERN
                    want = MODERN
                else:
                    ok = version in HANDSHAKE_VERSIONS
                    want = "a handshake version"
                info = client.server_info
                check("connect", ok, f"protocol {version} (want {want}), server {info.name if info else None}")

                async def list_tools():
                    result = await client.list_tools()
                    tools = {t.name: t for t in result.tools}
                    missing = [n for n in TOOLS if n not in tools]
                    if missing:
                        return False, f"missing {missing}; got {sorted(tools)}"
                    bad = [n for n in TOOLS if not tools[n].description or tools[n].input_schema.get("type") != "object"]
                    if bad:
                        return False, f"no description or object inputSchema on {bad}"
                    required = tools[ECHO].input_schema.get("required")
                    if required != ["message"]:
                        return False, f"echo inputSchema.required = {required!r}"
                    return True, f"{len(tools)} tools"

                async def call_echo():
                    args = {"message": "hello from the python sdk", "n": 3, "nested": {"ok": True}}
                    result = await client.call_tool(ECHO, args)
                    if result.is_error:
                        return False, f"isError: {short(text_of(result))}"
                    if result.structured_content != args:
                        return False, f"structuredContent {short(result.structured_content)} != args"
                    return True, ""

                async def call_exec():
                    result = await client.call_tool(EXEC, {"name": "Ada"})
                    want = {"greeting": "Hello, Ada!", "tool": EXEC, "handler": "exec"}
                    if result.is_error:
                        return False, f"isError: {short(text_of(result))}"
                    if result.structured_content != want:
                        return False, f"structuredContent {short(result.structured_content)} != {want}"
                    return True, ""

                async def call_worker():
                    results = [await client.call_tool(WORKER, {"numbers": [1, 2, 3.5, i]}) for i in range(3)]
                    for i, result in enumerate(results):
                        want = {"sum": 6.5 + i, "count": 4, "handler": "worker"}
                        if result.is_error:
                            return False, f"call {i}: isError: {short(text_of(result))}"
                        if result.structured_content != want:
                            return False, f"call {i}: structuredContent {short(result.structured_content)} != {want}"
                    return True, "3 calls"

                async def call_unknown():
                    try:
                        result = await client.call_tool("demo.domain.nope.run", {"x": 1})
                    except MCPError as exc:
                        return exc.code == -32602, f"MCPError {exc.code}: {short(exc.message)}"
                    return False, f"got a result instead of an error: isError={result.is_error} {short(text_of(result))}"

                async def call_bad_args():
                    try:
                        result = await client.call_tool(ECHO, {"message": 42})
                    except MCPError as exc:
                        return False, f"got MCPError {exc.code} ({short(exc.message)}) instead of an isError result"
                    text = text_of(result)
                    if not result.is_error:
                        return False, f"isError is {result.is_error!r}: {short(text)}"
                    return "message" in text, f"text: {short(text)}"

                await step("tools/list has the three tools", list_tools)
                await step("call echo (builtin)", call_echo)
                await step("call exec tool (python)", call_exec)
                await step("call worker tool (python)", call_worker)
                await step("unknown tool -> error -32602", call_unknown)
                await step("bad arguments -> isError naming the field", call_bad_args)

                async def listen_for_reload():
                    async with client.listen(tools_list_changed=True) as sub:
                        honored = sub.honored
                        reload()
                        async for event in sub:
                            return isinstance(event, ToolsListChanged), f"{type(event).__name__}; honored {honored}"
                    return False, "the stream ended without an event"

                if listen_check in names:
                    await step(listen_check, listen_for_reload)
    except _Abort:
        pass
    except BaseException as exc:  # noqa: BLE001 - a timeout or a failure while closing the client
        if isinstance(exc, KeyboardInterrupt):
            raise
        report.check(f"{label}: session closed cleanly", False, error_text(exc))
    for name in names:
        if name not in done:
            report.check(f"{label}: {name}", False, "not run (connect failed)")


class _Abort(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# HTTP server lifecycle


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, deadline: float) -> str | None:
    """None once GET url answers 200, else why not."""
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return f"lynx exited with {proc.returncode} before it was healthy"
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return None
                last = f"HTTP {resp.status}"
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.05)
    return f"not healthy after {START_TIMEOUT:.0f}s ({last})"


def stop(proc: subprocess.Popen) -> tuple[bool, str]:
    """SIGTERM, then SIGKILL after STOP_TIMEOUT; (exited in time, detail)."""
    if proc.poll() is not None:
        return False, f"had already exited with {proc.returncode}"
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=STOP_TIMEOUT)
        return True, f"exit status {code}"
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
        return False, f"still running {STOP_TIMEOUT:.0f}s after SIGTERM; killed"


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# ---------------------------------------------------------------------------------------------
# Raw stdio: nothing but JSON-RPC on stdout


def raw_stdio_check(report: Report, lynx: str, project: Path, logdir: Path) -> None:
    label = "stdio raw"
    requests = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                    "clientInfo": {"name": "lynx-interop-raw", "version": "0"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": EXEC, "arguments": {"name": "stdout"}}},
        {"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {"name": WORKER, "arguments": {"numbers": [2, 2]}}},
    ]
    want_ids = {1, 2, 3, 4}
    stderr_path = logdir / "stdio-raw.stderr"
    with open(stderr_path, "wb") as stderr:
        proc = subprocess.Popen([lynx, "serve", "--stdio"], cwd=project, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=stderr)
    lines: queue.Queue[bytes | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            lines.put(raw)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    got: list[bytes] = []
    seen: set = set()
    eof = False
    try:
        assert proc.stdin is not None
        for req in requests:
            proc.stdin.write((json.dumps(req) + "\n").encode())
        proc.stdin.flush()
        deadline = time.monotonic() + STEP_TIMEOUT
        while seen != want_ids and time.monotonic() < deadline:
            try:
                raw = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if raw is None:
                eof = True
                break
            got.append(raw)
            try:
                msg = json.loads(raw)
                if isinstance(msg, dict) and "id" in msg:
                    seen.add(msg["id"])
            except ValueError:
                pass
        report.check(f"{label}: answers to initialize, tools/list, exec and worker calls",
                     seen >= want_ids, f"answered ids {sorted(seen, key=str)}")
        # stdin EOF: lynx must flush what it has and exit promptly.
        proc.stdin.close()
        deadline = time.monotonic() + STEP_TIMEOUT
        while not eof and time.monotonic() < deadline:
            try:
                raw = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if raw is None:
                eof = True
            else:
                got.append(raw)
        try:
            code = proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            report.check(f"{label}: exits on stdin EOF", True, f"exit status {code}")
        except subprocess.TimeoutExpired:
            report.check(f"{label}: exits on stdin EOF", False, f"still running {STEP_TIMEOUT:.0f}s after EOF")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)

    bad = []
    for raw in got:
        try:
            msg = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            bad.append(f"not JSON: {short(raw.decode('utf-8', 'replace').rstrip(), 120)}")
            continue
        if not raw.endswith(b"\n"):
            bad.append("line without a trailing newline")
        if not (isinstance(msg, dict) and msg.get("jsonrpc") == "2.0"
                and ("method" in msg or ("id" in msg and (("result" in msg) != ("error" in msg))))):
            bad.append(f"not a JSON-RPC message: {short(msg, 120)}")
    report.check(f"{label}: stdout carries only JSON-RPC lines", bool(got) and not bad,
                 f"{len(got)} lines" + (f"; {len(bad)} bad: {bad[:3]}" if bad else ""))


# ---------------------------------------------------------------------------------------------


async def run_sdk(report: Report, lynx: str, project: Path, logdir: Path) -> None:
    # stdio: the SDK spawns `lynx serve --stdio` (stderr to a log file, not our output).
    for mode in ("legacy", "auto"):
        errlog = open(logdir / f"stdio-{mode}.stderr", "w")  # noqa: SIM115 - closed below
        try:
            params = StdioServerParameters(command=lynx, args=["serve", "--stdio"], cwd=str(project))
            await sdk_checks(
                report,
                f"stdio {mode}",
                lambda: Client(stdio_client(params, errlog=errlog), mode=mode, read_timeout_seconds=STEP_TIMEOUT),
                expect_modern=mode == "auto",
            )
        finally:
            errlog.close()

    # HTTP: one lynx server, both client modes against it.
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = logdir / "http.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([lynx, "serve", "--listen", f"127.0.0.1:{port}", "--no-watch"], cwd=project,
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        why = await anyio.to_thread.run_sync(wait_healthy, f"{base}/healthz", proc, time.monotonic() + START_TIMEOUT)
        if not report.check("http: lynx serve is healthy", why is None, why or f"{base}/healthz"):
            print(tail(log_path), file=sys.stderr)
        else:
            for mode in ("legacy", "auto"):
                await sdk_checks(
                    report,
                    f"http {mode}",
                    lambda: Client(f"{base}/mcp", mode=mode, read_timeout_seconds=STEP_TIMEOUT),
                    expect_modern=mode == "auto",
                    reload=lambda: proc.send_signal(signal.SIGHUP),
                )
    finally:
        ok, detail = await anyio.to_thread.run_sync(stop, proc)
        report.check("http: lynx exits after SIGTERM", ok and proc.returncode == 0, detail)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lynx", help="path to the lynx binary")
    parser.add_argument("--project", default=str(REPO / "fixtures" / "interop"), help="lynx project to serve")
    parser.add_argument("--logs", help="directory for lynx's stderr logs (default: a temporary directory)")
    ns = parser.parse_args()

    lynx = str(Path(ns.lynx).resolve())
    project = Path(ns.project).resolve()
    if not os.access(lynx, os.X_OK):
        print(f"interop: {lynx} is not an executable", file=sys.stderr)
        return 2
    if not (project / "lynx.toml").is_file():
        print(f"interop: {project} has no lynx.toml", file=sys.stderr)
        return 2
    logdir = Path(ns.logs) if ns.logs else Path(tempfile.mkdtemp(prefix="lynx-interop-"))
    logdir.mkdir(parents=True, exist_ok=True)

    report = Report()
    try:
        anyio.run(run_sdk, report, lynx, project, logdir)
    except Exception:  # noqa: BLE001 - a bug here must still end in a failed run, not a traceback only
        traceback.print_exc()
        report.check("sdk checks ran to the end", False, "unexpected exception (above)")
    try:
        raw_stdio_check(report, lynx, project, logdir)
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        report.check("stdio raw: ran to the end", False, "unexpected exception (above)")

    print(f"lynx logs: {logdir}")
    print(f"interop: {report.passed} passed, {report.failed} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
