# lynx's bundled worker for `handler: "module.path:function"` tools.
# Reads one JSON request per line on stdin: {"id", "tool", "args", "context"}; calls
# function(args, context) (awaiting it if it is a coroutine) in a thread pool; writes one JSON
# answer per line: {"id", "output"} or {"id", "error": {"message"}}. Logs go to stderr.
#
# The answers have file descriptor 1 to themselves: before the module is imported, fd 1 is
# pointed at stderr, so `print()` in a handler (or a subprocess it starts) lands in the log
# instead of corrupting the protocol. If the module cannot be imported, the runner stays up and
# answers every request with the reason, instead of crashing in a restart loop.
import asyncio, importlib, inspect, json, os, sys, threading, traceback
from concurrent.futures import ThreadPoolExecutor


def main():
    entry = sys.argv[1]
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    lock = threading.Lock()

    def answer(obj):
        try:
            line = json.dumps(obj, default=str)
        except Exception as e:  # e.g. a circular structure
            line = json.dumps({"id": obj.get("id"), "error": {
                "message": f"the handler's result is not JSON-serialisable: {type(e).__name__}: {e}"}})
        with lock:
            out.write(line + "\n")
            out.flush()

    module_name, _, func_name = entry.partition(":")
    sys.path.insert(0, ".")
    func, broken = None, None
    try:
        func = getattr(importlib.import_module(module_name), func_name)
        if not callable(func):
            broken = f"`{entry}` is not a function"
    except BaseException as e:  # ImportError, SyntaxError, SystemExit at import time, …
        traceback.print_exc(file=sys.stderr)
        broken = f"cannot load `{entry}`: {type(e).__name__}: {e}"

    def run(req):
        rid = req.get("id")
        if broken:
            answer({"id": rid, "error": {"message": broken}})
            return
        try:
            result = func(req.get("args") or {}, req.get("context") or {})
            if inspect.isawaitable(result):
                result = asyncio.run(_wait(result))
            answer({"id": rid, "output": result})
        except BaseException as e:  # the tool's error (even SystemExit), reported to the caller
            traceback.print_exc(file=sys.stderr)
            answer({"id": rid, "error": {"message": f"{type(e).__name__}: {e}"}})

    with ThreadPoolExecutor(max_workers=16) as pool:
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            try:
                req = json.loads(line)
            except ValueError:
                print("lynx runner: ignoring a line that is not JSON", file=sys.stderr)
                continue
            if not isinstance(req, dict):
                print("lynx runner: ignoring a line that is not an object", file=sys.stderr)
                continue
            pool.submit(run, req)


async def _wait(awaitable):
    return await awaitable


if __name__ == "__main__":
    main()
