#!/usr/bin/env python3
"""Checks of review.tests.sh kept out of the shell functions (show.tests.sh
passes every function to a child bash as one argument, which has a size
limit). Usage: review_check.py export|show_csv FILES..."""
import csv, json, sys


def check_export(ARGV):
    rows = list(csv.reader(open(ARGV[0], newline="", encoding="utf-8")))
    assert rows[0][:6] == ["id", "text_hash", "rule", "start", "end", "decision"], rows[0]
    assert len(rows) == 2, rows
    r = dict(zip(rows[0], rows[1]))
    assert r["decision"] == "correct" and r["correction"] == "Sergueï Lavrov", r
    # the speaker alone corrected: no span
    assert rows[0][6:9] == ["correction", "span_start", "span_end"], rows[0]
    assert (r["span_start"], r["span_end"]) == ("", ""), r
    assert r["note"] == "'=HYPERLINK(\"x\"), dit-il\n\tet \"puis\"".replace("\t", "\\t"), repr(r["note"])
    assert open(ARGV[0], "rb").read().endswith(b"\r\n")
    j = [json.loads(l) for l in open(ARGV[1])]
    assert [(d["id"], d["rule"], d["decision"]) for d in j] == [("a1", "speaker", "correct")], j
    assert (j[0]["span_start"], j[0]["span_end"]) == (None, None), j


def check_show_csv(ARGV):
    doc = json.loads(open(ARGV[0]).read())
    raw = open(ARGV[1], "rb").read()
    assert b"\x1b" not in raw, "ESC written raw"
    rows = list(csv.reader(open(ARGV[1], newline="", encoding="utf-8")))
    head = rows[0]
    assert head == ["id", "line", "start", "end", "item", "rule", "severity",
                    "message", "text", "speaker", "via"], head
    body = [dict(zip(head, r)) for r in rows[1:]]
    flags = [r for r in body if r["item"] == "flag"]
    quotes = [r for r in body if r["item"] == "quote"]
    assert len(flags) == len(doc["flags"]) and len(quotes) == len(doc["quotes"]), (flags, quotes)
    assert all(r["id"] == 'c1,"x"\\e[2J' for r in body), body[0]["id"]
    for r, f in zip(flags, doc["flags"]):
        assert (r["rule"], r["severity"], r["message"], int(r["start"]), int(r["end"])) == \
            (f["rule"], f["severity"], f["message"], f["start"], f["end"]), r
        assert int(r["line"]) == doc["text"][:f["start"]].count("\n") + 1
    for r, q in zip(quotes, doc["quotes"]):
        assert r["text"] == q["text"] and r["rule"] == q["kind"], (r, q)
        assert r["speaker"] == ((q.get("speaker") or {}).get("name") or ""), r
    # the quote with commas, double quotes and a paragraph break
    assert any(',' in r["text"] and '"' in r["text"] and "\n" in r["text"] for r in quotes), quotes
    assert rows[0] and open(ARGV[2], newline="").read() == ",".join(head) + "\r\n"


if __name__ == "__main__":
    globals()["check_" + sys.argv[1]](sys.argv[2:])
