// Interop checks: the official MCP TypeScript SDK (`@modelcontextprotocol/sdk@1.32.2`, legacy
// era) against `lynx serve`.
//
//     node ts_client.mjs LYNX_BINARY [--project DIR] [--sdk DIR]
//
// Over Streamable HTTP (`lynx serve --listen 127.0.0.1:PORT --no-watch`, started here on a free
// port) and stdio (`lynx serve --stdio --no-watch`, spawned by the SDK), it lists the tools, calls
// the builtin echo, the Python `exec` tool and the Python `worker` tool, calls an unknown tool
// (expects an McpError with code -32602) and calls echo with bad arguments (expects a tool result
// with isError naming the field).
//
// The SDK is imported by absolute path from --sdk DIR (default
// ${LYNX_INTEROP_CACHE:-$HOME/.cache/lynx-interop}/npm/node_modules/@modelcontextprotocol/sdk):
// ESM ignores NODE_PATH, so scripts/interop-ts.sh installs it there and this file loads its
// dist/esm entry points directly. Every step is bounded by a timeout. One line per check, then
// `interop-ts: N passed, M failed`; exit status 1 on any failure, 2 on a usage/setup error.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, accessSync, constants } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ECHO = "demo.domain.echo.run";
const EXEC = "demo.domain.greet.run";
const WORKER = "demo.domain.sum.run";
const TOOLS = [ECHO, EXEC, WORKER];

const STEP_TIMEOUT = 20_000; // one request/response (the first worker call also starts the worker)
const CONNECT_TIMEOUT = 20_000; // transport start + initialize handshake
const CLOSE_TIMEOUT = 10_000; // closing a client (and, for stdio, the spawned lynx)
const START_TIMEOUT = 20_000; // lynx HTTP server up (/healthz answers 200)
const STOP_TIMEOUT = 15_000; // lynx exits after SIGTERM

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

// ---------------------------------------------------------------------------------------------
// arguments and SDK loading

function usage(msg) {
  console.error(`interop-ts: ${msg}`);
  console.error("usage: node ts_client.mjs LYNX_BINARY [--project DIR] [--sdk DIR]");
  process.exit(2);
}

const argv = process.argv.slice(2);
let lynxArg;
let project = join(REPO, "fixtures", "interop");
let sdkDir = join(
  process.env.LYNX_INTEROP_CACHE || join(homedir(), ".cache", "lynx-interop"),
  "npm", "node_modules", "@modelcontextprotocol", "sdk",
);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--project") project = argv[++i] ?? usage("--project needs a value");
  else if (a === "--sdk") sdkDir = argv[++i] ?? usage("--sdk needs a value");
  else if (a.startsWith("--")) usage(`unknown option ${a}`);
  else if (lynxArg === undefined) lynxArg = a;
  else usage(`unexpected argument ${a}`);
}
if (!lynxArg) usage("missing LYNX_BINARY");
const lynx = resolve(lynxArg);
project = resolve(project);
sdkDir = resolve(sdkDir);
try {
  accessSync(lynx, constants.X_OK);
} catch {
  usage(`${lynx} is not an executable`);
}
if (!existsSync(join(project, "lynx.toml"))) usage(`${project} has no lynx.toml`);
if (!existsSync(join(sdkDir, "package.json"))) usage(`no SDK at ${sdkDir} (run scripts/interop-ts.sh)`);
const sdkVersion = JSON.parse(readFileSync(join(sdkDir, "package.json"), "utf8")).version;

const sdk = (p) => import(pathToFileURL(join(sdkDir, "dist", "esm", p)).href);
const { Client } = await sdk("client/index.js");
const { StreamableHTTPClientTransport } = await sdk("client/streamableHttp.js");
const { StdioClientTransport, getDefaultEnvironment } = await sdk("client/stdio.js");
const { McpError } = await sdk("types.js");

// ---------------------------------------------------------------------------------------------
// report

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
  return ok;
}

function short(value, limit = 300) {
  let text;
  if (typeof value === "string") text = value;
  else {
    try {
      text = JSON.stringify(value);
    } catch {
      text = String(value);
    }
  }
  return text === undefined ? String(text) : text.length <= limit ? text : text.slice(0, limit) + "…";
}

function errorText(err) {
  if (err instanceof McpError) return `McpError ${err.code}: ${short(err.message)}${err.data ? ` data=${short(err.data)}` : ""}`;
  if (err && err.name === "TimeoutError") return err.message;
  return `${err?.name ?? "Error"}: ${short(String(err?.message ?? err))}`;
}

class TimeoutError extends Error {
  constructor(what, ms) {
    super(`${what} timed out after ${ms / 1000}s`);
    this.name = "TimeoutError";
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
}

const textOf = (result) => (result.content ?? []).map((c) => c.text ?? "").join(" ");

// ---------------------------------------------------------------------------------------------
// SDK client checks (one connection per transport)

const NAMES = [
  "connect",
  "tools/list has the three tools",
  "call echo (builtin)",
  "call exec tool (python)",
  "call worker tool (python)",
  "unknown tool -> McpError -32602",
  "bad arguments -> isError naming the field",
];

async function sdkChecks(label, makeTransport) {
  const reqOpts = { timeout: STEP_TIMEOUT };
  const client = new Client({ name: "lynx-interop-ts", version: sdkVersion }, { capabilities: {} });
  const done = new Set();
  const rep = (name, ok, detail) => {
    done.add(name);
    check(`${label}: ${name}`, ok, detail);
  };
  const step = async (name, fn) => {
    let ok, detail;
    try {
      [ok, detail] = await withTimeout(fn(), STEP_TIMEOUT + 2_000, name);
    } catch (err) {
      [ok, detail] = [false, errorText(err)];
    }
    rep(name, ok, detail);
  };

  let connected = false;
  try {
    await withTimeout(client.connect(makeTransport(), reqOpts), CONNECT_TIMEOUT, "connect");
    connected = true;
    const info = client.getServerVersion();
    // The negotiated version is held by the transport (HTTP) or not exposed (stdio) in 1.x.
    const version = client.transport?.protocolVersion;
    rep("connect", !!info, `server ${info?.name ?? "?"} ${info?.version ?? ""}${version ? `, protocol ${version}` : ""}`);
  } catch (err) {
    rep("connect", false, errorText(err));
  }

  if (connected) {
    await step("tools/list has the three tools", async () => {
      const { tools } = await client.listTools({}, reqOpts);
      const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
      const missing = TOOLS.filter((n) => !byName[n]);
      if (missing.length) return [false, `missing ${missing}; got ${Object.keys(byName).sort()}`];
      const bad = TOOLS.filter((n) => !byName[n].description || byName[n].inputSchema?.type !== "object");
      if (bad.length) return [false, `no description or object inputSchema on ${bad}`];
      const required = byName[ECHO].inputSchema.required;
      if (!deepEqual(required, ["message"])) return [false, `echo inputSchema.required = ${short(required)}`];
      return [tools.length === 3, `${tools.length} tools`];
    });

    await step("call echo (builtin)", async () => {
      const args = { message: "hello from the typescript sdk", n: 3, nested: { ok: true } };
      const result = await client.callTool({ name: ECHO, arguments: args }, undefined, reqOpts);
      if (result.isError) return [false, `isError: ${short(textOf(result))}`];
      if (!deepEqual(result.structuredContent, args))
        return [false, `structuredContent ${short(result.structuredContent)} != args`];
      return [true, ""];
    });

    await step("call exec tool (python)", async () => {
      const result = await client.callTool({ name: EXEC, arguments: { name: "Ada" } }, undefined, reqOpts);
      const want = { greeting: "Hello, Ada!", tool: EXEC, handler: "exec" };
      if (result.isError) return [false, `isError: ${short(textOf(result))}`];
      if (!deepEqual(result.structuredContent, want))
        return [false, `structuredContent ${short(result.structuredContent)} != ${short(want)}`];
      return [true, ""];
    });

    await step("call worker tool (python)", async () => {
      for (let i = 0; i < 3; i++) {
        const result = await client.callTool({ name: WORKER, arguments: { numbers: [1, 2, 3.5, i] } }, undefined, reqOpts);
        const want = { sum: 6.5 + i, count: 4, handler: "worker" };
        if (result.isError) return [false, `call ${i}: isError: ${short(textOf(result))}`];
        if (!deepEqual(result.structuredContent, want))
          return [false, `call ${i}: structuredContent ${short(result.structuredContent)} != ${short(want)}`];
      }
      return [true, "3 calls"];
    });

    await step("unknown tool -> McpError -32602", async () => {
      let result;
      try {
        result = await client.callTool({ name: "demo.domain.nope.run", arguments: { x: 1 } }, undefined, reqOpts);
      } catch (err) {
        if (err instanceof McpError) return [err.code === -32602, `McpError ${err.code}: ${short(err.message)}`];
        throw err;
      }
      return [false, `got a result instead of an error: isError=${result.isError} ${short(textOf(result))}`];
    });

    await step("bad arguments -> isError naming the field", async () => {
      let result;
      try {
        result = await client.callTool({ name: ECHO, arguments: { message: 42 } }, undefined, reqOpts);
      } catch (err) {
        if (err instanceof McpError)
          return [false, `got McpError ${err.code} (${short(err.message)}) instead of an isError result`];
        throw err;
      }
      const text = textOf(result);
      if (result.isError !== true) return [false, `isError is ${result.isError}: ${short(text)}`];
      return [text.includes("message"), `text: ${short(text)}`];
    });
  }

  try {
    await withTimeout(client.close(), CLOSE_TIMEOUT, "close");
  } catch (err) {
    check(`${label}: session closed cleanly`, false, errorText(err));
  }
  for (const name of NAMES) if (!done.has(name)) check(`${label}: ${name}`, false, "not run (connect failed)");
}

// ---------------------------------------------------------------------------------------------
// HTTP server lifecycle

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitHealthy(url, proc) {
  const deadline = Date.now() + START_TIMEOUT;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null)
      return `lynx exited with ${proc.exitCode ?? proc.signalCode} before it was healthy`;
    try {
      const resp = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await resp.arrayBuffer().catch(() => {});
      if (resp.status === 200) return null;
      last = `HTTP ${resp.status}`;
    } catch (err) {
      last = String(err?.cause?.code ?? err?.message ?? err);
    }
    await sleep(50);
  }
  return `not healthy after ${START_TIMEOUT / 1000}s (${last})`;
}

function exited(proc) {
  return new Promise((r) => {
    if (proc.exitCode !== null || proc.signalCode !== null) r();
    else proc.once("exit", () => r());
  });
}

async function stop(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null)
    return [false, `had already exited with ${proc.exitCode ?? proc.signalCode}`];
  proc.kill("SIGTERM");
  try {
    await withTimeout(exited(proc), STOP_TIMEOUT, "stop");
    return [proc.exitCode === 0, `exit status ${proc.exitCode ?? proc.signalCode}`];
  } catch {
    proc.kill("SIGKILL");
    await withTimeout(exited(proc), 5_000, "kill").catch(() => {});
    return [false, `still running ${STOP_TIMEOUT / 1000}s after SIGTERM; killed`];
  }
}

function tail(path, lines = 20) {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const logdir = mkdtempSync(join(tmpdir(), "lynx-interop-ts-"));

  // HTTP: one lynx server on a free port.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const logPath = join(logdir, "http.log");
  const logFd = openSync(logPath, "w");
  const proc = spawn(lynx, ["serve", "--listen", `127.0.0.1:${port}`, "--no-watch"], {
    cwd: project,
    stdio: ["ignore", logFd, logFd],
  });
  closeSync(logFd);
  const killOnExit = () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
  };
  process.on("exit", killOnExit);
  try {
    const why = await waitHealthy(`${base}/healthz`, proc);
    if (!check("http: lynx serve is healthy", why === null, why ?? `${base}/healthz`)) {
      console.error(tail(logPath));
      for (const name of NAMES) check(`http: ${name}`, false, "not run (server not healthy)");
    } else {
      await sdkChecks("http", () => new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
    }
  } finally {
    const [ok, detail] = await stop(proc);
    check("http: lynx exits after SIGTERM", ok, detail);
  }

  // stdio: the SDK spawns `lynx serve --stdio --no-watch` (stderr to a log file, not our output).
  const errFd = openSync(join(logdir, "stdio.stderr"), "w");
  try {
    await sdkChecks(
      "stdio",
      () =>
        new StdioClientTransport({
          command: lynx,
          args: ["serve", "--stdio", "--no-watch"],
          cwd: project,
          env: { ...getDefaultEnvironment(), ...process.env },
          stderr: errFd,
        }),
    );
  } finally {
    closeSync(errFd);
  }

  console.log(`lynx logs: ${logdir}`);
}

try {
  await main();
} catch (err) {
  console.error(err?.stack ?? err);
  check("checks ran to the end", false, "unexpected exception (above)");
}
console.log(`interop-ts: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
