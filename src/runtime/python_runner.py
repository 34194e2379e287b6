# lynx's bundled worker for `handler: "module.path:function"` tools.
# Reads one JSON request per line on stdin: {"id", "tool", "args", "context"}; calls
# function(args, context) (awaiting it if it is a coroutine) in a thread pool; writes one JSON
# answer per line: {"id", "output"} or {"id", "error": {"message"}}. Logs go to stderr.
import asyncio, importlib, inspect, json, sys, threading, traceback
from concurrent.futures import ThreadPoolExecutor

def main():
    entry = sys.argv[1]
    module_name, _, func_name = entry.partition(":")
    sys.path.insert(0, ".")
    func = getattr(importlib.import_module(module_name), func_name)
    lock = threading.Lock()

    def answer(obj):
        line = json.dumps(obj, default=str)
        with lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    def run(req):
        rid = req.get("id")
        try:
            result = func(req.get("args") or {}, req.get("context") or {})
            if inspect.isawaitable(result):
                result = asyncio.run(result)
            answer({"id": rid, "output": result})
        except Exception as e:  # the tool's error, reported to the caller
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
            pool.submit(run, req)

if __name__ == "__main__":
    main()
