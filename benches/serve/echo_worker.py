#!/usr/bin/env python3
"""The `worker` handler of `cargo xtask bench-serve` (stdlib only): lynx's JSON-lines worker
protocol, answering every request with its arguments, the way a scaffolded Python worker does.

    {"id": 1, "tool": "...", "args": {...}, "context": {...}}  ->  {"id": 1, "output": {...}}
"""
import json
import sys


def main():
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError as exc:
            print(f"ignoring invalid request line: {exc}", file=sys.stderr, flush=True)
            continue
        out.write(json.dumps({"id": request.get("id"), "output": request.get("args") or {}}) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
