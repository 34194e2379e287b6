-- wrk script for `cargo xtask bench-serve`: POSTs an MCP `tools/call` of an echo tool.
--
--   wrk -t1 -c16 -d10s -s benches/serve/mcp_call.lua http://127.0.0.1:PORT/mcp -- TOOL
--
-- TOOL is the tool name (default `echo`; for lynx the tool id, e.g. `demo.domain.echo.run`).
--
-- Era, from the environment variable MCP_ERA (read when the script loads, because wrk decides
-- then whether requests are static or built by `request()`):
--   modern (default)  stateless 2026-07-28: every request carries `MCP-Protocol-Version`,
--                     `Mcp-Method`, `Mcp-Name` and the `_meta` envelope (protocol version and
--                     client capabilities). One pre-formatted request, no per-request Lua.
--   legacy            2025-11-25 with a session: while no session id is known each request is an
--                     `initialize`; the first `Mcp-Session-Id` seen is kept (one session per wrk
--                     thread, shared by its connections), `notifications/initialized` is sent
--                     once, then every request is a `tools/call` carrying the session id.
--
-- A response counts as an error unless it is HTTP 200 with `structuredContent` in its body
-- (JSON or SSE), or a 200/202 answer to the handshake. `done()` prints one line
-- `BENCH-JSON {…}` with requests, duration, req/s, p50/p99/max latency (µs) and the error
-- counts (HTTP/body errors summed over threads, plus wrk's socket errors).

local tool = "echo"
local era = os.getenv("MCP_ERA") or "modern"
local threads = {}

-- per-thread counters (each wrk thread has its own Lua state)
ok = 0
bad_status = 0
bad_body = 0
handshake = 0

local function call_body(id_meta)
  local meta = ""
  if id_meta then
    meta = ',"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",'
      .. '"io.modelcontextprotocol/clientCapabilities":{}}'
  end
  return '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"' .. tool
    .. '","arguments":{"message":"hello from wrk"}' .. meta .. '}}'
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  if args[1] and args[1] ~= "" then
    tool = args[1]
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json, text/event-stream"
  if era == "legacy" then
    wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
    init_req = wrk.format(nil, nil, nil,
      '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",'
      .. '"capabilities":{},"clientInfo":{"name":"wrk","version":"1"}}}')
  else
    wrk.headers["MCP-Protocol-Version"] = "2026-07-28"
    wrk.headers["Mcp-Method"] = "tools/call"
    wrk.headers["Mcp-Name"] = tool
    wrk.body = call_body(true)
  end
end

if era == "legacy" then
  local session = nil
  local notified = false
  local call_req = nil

  function request()
    if session == nil then
      return init_req
    end
    if not notified then
      notified = true
      local h = { ["Mcp-Session-Id"] = session }
      return wrk.format(nil, nil, h, '{"jsonrpc":"2.0","method":"notifications/initialized"}')
    end
    if call_req == nil then
      local h = { ["Mcp-Session-Id"] = session }
      call_req = wrk.format(nil, nil, h, call_body(false))
    end
    return call_req
  end

  function response(status, headers, body)
    if session == nil then
      for k, v in pairs(headers) do
        if string.lower(k) == "mcp-session-id" then
          session = v
        end
      end
    end
    if (status == 200 or status == 202) and not string.find(body, "structuredContent", 1, true) then
      if status == 202 or string.find(body, "protocolVersion", 1, true) then
        handshake = handshake + 1
        return
      end
    end
    if status ~= 200 then
      bad_status = bad_status + 1
    elseif string.find(body, "structuredContent", 1, true) then
      ok = ok + 1
    else
      bad_body = bad_body + 1
    end
  end
else
  function response(status, headers, body)
    if status ~= 200 then
      bad_status = bad_status + 1
    elseif string.find(body, "structuredContent", 1, true) then
      ok = ok + 1
    else
      bad_body = bad_body + 1
    end
  end
end

function done(summary, latency, requests)
  local t_ok, t_status, t_body, t_hs = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    t_ok = t_ok + (t:get("ok") or 0)
    t_status = t_status + (t:get("bad_status") or 0)
    t_body = t_body + (t:get("bad_body") or 0)
    t_hs = t_hs + (t:get("handshake") or 0)
  end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    'BENCH-JSON {"era":"%s","requests":%d,"duration_us":%d,"rps":%.1f,'
      .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"ok":%d,"bad_status":%d,"bad_body":%d,'
      .. '"handshake":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,'
      .. '"timeouts":%d,"wrk_status_errors":%d}\n',
    era, summary.requests, summary.duration, summary.requests / secs,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    t_ok, t_status, t_body, t_hs, e.connect, e.read, e.write, e.timeout, e.status))
end
