#!/usr/bin/env python3
"""expect.py EXPR [FILE] - read kz/1 JSON lines (FILE or stdin) as `docs`
and exit 0 if the Python expression EXPR is true, else print it with the
records' summary and exit 1. `doc` is the first record. Helpers:
kinds(d) lists block kinds, ents(d) entity texts, quotes(d) quote texts,
flags(d) (rule, severity) pairs."""
import json
import sys


def kinds(d):
    return [b["kind"] for b in d.get("blocks", [])]


def ents(d):
    return [e["text"] for e in d.get("entities", [])]


def quotes(d):
    return [q["text"] for q in d.get("quotes", [])]


def flags(d):
    return [(f["rule"], f["severity"]) for f in d.get("flags", [])]


def main():
    expr = sys.argv[1]
    data = open(sys.argv[2], encoding="utf-8").read() if len(sys.argv) > 2 else sys.stdin.read()
    docs = [json.loads(l) for l in data.splitlines() if l.strip()]
    doc = docs[0] if docs else None
    env = dict(docs=docs, doc=doc, kinds=kinds, ents=ents, quotes=quotes, flags=flags)
    try:
        ok = eval(expr, env)
    except Exception as e:  # a failed lookup is a failed expectation
        ok = False
        print(f"  error evaluating: {e!r}", file=sys.stderr)
    if not ok:
        print(f"  expectation failed: {expr}", file=sys.stderr)
        for d in docs[:3]:
            print("  record:", json.dumps({k: d.get(k) for k in ("id", "errors", "flags")}, ensure_ascii=False)[:600], file=sys.stderr)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
