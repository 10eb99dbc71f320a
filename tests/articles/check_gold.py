#!/usr/bin/env python3
"""Check that gold annotations agree with their articles.

Usage:
  check_gold.py [PATH...]        check every NAME.gold.json beside NAME.txt
                                 (PATH: a folder or a .txt/.gold.json file;
                                 default: this folder and ../../examples)
  check_gold.py --oracle [DIR...] read an article on stdin, find its twin .txt
                                 in DIR (default: this folder and
                                 ../../examples) and print the kz/1 record a
                                 perfect pipeline would print, from the gold.

Checks, for each article:
  - the gold's id is the file name and its date is ISO 8601 (YYYY-MM-DD);
  - types, kinds and flag types come from the allowed sets; every optional
    entry says why;
  - every entity text occurs in the article as a whole word exactly as many
    times as the counts of the gold entries with that text add up to.
    Occurrences are claimed longest text first, so "Poutine" inside
    "Vladimir Poutine" is not counted again when both are gold texts;
  - every quote text and every flag anchor occurs in the article, written
    exactly as there (same apostrophes and spaces; only a quote that runs
    over several paragraphs may be written with its paragraphs joined);
  - the article is 250-600 words long (a warning only; titles, credits and
    web residue are counted too).

Before comparing, ’ and ‘ are folded to ', and no-break spaces (U+00A0,
U+202F) to a space. Quote texts are compared with quotation marks removed and
white space collapsed, so a multi-paragraph quote can be written in the gold
as its paragraphs joined by one space.

The oracle checks the gold from the other side: run
  python3 ../shared/eval/score.py -v \\
      --pipeline 'python3 tests/articles/check_gold.py --oracle' tests/articles
and every figure must be 1.00, with no false flags.

Exit status: 0 when everything agrees, 1 otherwise.
"""
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DIRS = [HERE, os.path.normpath(os.path.join(HERE, "..", "..", "examples"))]

ENTITY_TYPES = {"PER", "LOC", "ORG", "MISC"}
QUOTE_KINDS = {"direct", "partial", "pull", "scare"}
FLAG_TYPES = {"role-mismatch", "speaker-mismatch", "misquote", "name-variant",
              "anachronism", "number-inconsistency", "unattributed-quote",
              "unbalanced-quote"}
QUOTE_MARKS = "\u00ab\u00bb\u201c\u201d\u201e\u201f\u2039\u203a\""
APOS = "\u2019\u2018"
NBSP = "\u00a0\u202f"


def fold_same_length(s):
    """Fold apostrophes and no-break spaces; the length is kept."""
    s = unicodedata.normalize("NFC", s)
    out = []
    for c in s:
        if c in APOS:
            c = "'"
        elif c in NBSP:
            c = " "
        out.append(c)
    return "".join(out)


def fold_quote(s):
    """Fold for quote comparison; return (folded, map folded index -> source index)."""
    s = unicodedata.normalize("NFC", s)
    out, idx = [], []
    for i, c in enumerate(s):
        if c in APOS:
            c = "'"
        if c in QUOTE_MARKS:
            continue
        if c.isspace():
            c = " "
            if out and out[-1] == " ":
                continue
        out.append(c)
        idx.append(i)
    return "".join(out), idx


def word_re(t):
    return re.compile(r"(?<!\w)" + re.escape(t) + r"(?!\w)")


def claim_entities(text, gold):
    """Return {text: [(start, end), ...]} of whole-word occurrences, claimed
    longest text first without overlap."""
    ft = fold_same_length(text)
    texts = sorted({fold_same_length(e["text"]) for e in gold.get("entities", [])},
                   key=lambda t: (-len(t), t))
    taken = [False] * len(ft)
    spans = {}
    for t in texts:
        spans[t] = []
        for m in word_re(t).finditer(ft):
            if any(taken[m.start():m.end()]):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            spans[t].append((m.start(), m.end()))
    return spans


def find_quote(text, qtext):
    """Spans (start, end) in text where qtext occurs, marks and spaces folded."""
    ft, idx = fold_quote(text)
    fq = fold_quote(qtext)[0].strip()
    if not fq:
        return []
    out = []
    for m in re.finditer(re.escape(fq), ft):
        out.append((idx[m.start()], idx[m.end() - 1] + 1))
    return out


def fold_score(s):
    """The folding eval/score.py applies to flag anchors: apostrophes to ',
    quotation marks to ", spaces and line breaks to one space, dashes to -,
    NFKC, lower case. Return (folded, map folded index -> source index)."""
    s = unicodedata.normalize("NFC", s)
    out, idx = [], []
    for i, c in enumerate(s):
        if c in "\u2019\u2018\u02bc\u00b4`\u2032":
            f = "'"
        elif c in "\u00ab\u00bb\u201c\u201d\u201e\u201f\u2039\u203a":
            f = '"'
        elif c in "\u00a0\u202f\u2009\u2007\u2002\u2003\u200a\t\r\n":
            f = " "
        elif c in "\u2010\u2011\u2012\u2013\u2014\u2212":
            f = "-"
        else:
            f = unicodedata.normalize("NFKC", c).lower()
        for ch in f:
            if ch == " " and out and out[-1] == " ":
                continue
            out.append(ch)
            idx.append(i)
    return "".join(out), idx


def find_anchor(text, anchor):
    """Spans of anchor in text, found the way eval/score.py finds them."""
    ft, idx = fold_score(text)
    fa = fold_score(anchor)[0].strip()
    if not fa:
        return []
    return [(idx[m.start()], idx[m.end() - 1] + 1) for m in re.finditer(re.escape(fa), ft)]


def check(txt_path, gold_path):
    problems, warnings = [], []
    text = open(txt_path, encoding="utf-8").read()
    try:
        gold = json.load(open(gold_path, encoding="utf-8"))
    except json.JSONDecodeError as e:
        return [f"gold is not valid JSON: {e}"], []
    stem = os.path.basename(txt_path)[:-4]
    if gold.get("id") != stem:
        problems.append(f"id {gold.get('id')!r} != file name {stem!r}")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(gold.get("date", ""))):
        problems.append(f"date {gold.get('date')!r} is not YYYY-MM-DD")

    for e in gold.get("entities", []):
        for k in ("text", "type", "canonical", "count"):
            if k not in e:
                problems.append(f"entity {e} lacks {k}")
        if e.get("type") not in ENTITY_TYPES:
            problems.append(f"entity {e.get('text')!r}: bad type {e.get('type')!r}")
        if e.get("optional") and not e.get("why"):
            problems.append(f"optional entity {e.get('text')!r} says no why")
    want = {}
    for e in gold.get("entities", []):
        t = fold_same_length(e["text"])
        want[t] = want.get(t, 0) + e.get("count", 1)
    spans = claim_entities(text, gold)
    for t, n in sorted(want.items()):
        got = len(spans.get(t, []))
        if got != n:
            problems.append(f"entity {t!r}: gold counts {n}, text has {got}")

    for q in gold.get("quotes", []):
        if q.get("kind") not in QUOTE_KINDS:
            problems.append(f"quote {q.get('text', '')[:40]!r}: bad kind {q.get('kind')!r}")
        sp = q.get("speaker", "missing")
        if sp == "missing":
            problems.append(f"quote {q.get('text', '')[:40]!r}: no speaker field")
        elif sp is not None and not (isinstance(sp, list) and sp and all(isinstance(x, str) for x in sp)):
            problems.append(f"quote {q.get('text', '')[:40]!r}: speaker must be null or a list of names")
        if q.get("optional") and not q.get("why"):
            problems.append(f"optional quote {q.get('text', '')[:40]!r} says no why")
        found = find_quote(text, q.get("text", ""))
        if not found:
            problems.append(f"quote not found: {q.get('text', '')[:70]!r}")
        elif q.get("text", "") not in text and not any("\n" in text[a:b] for a, b in found):
            problems.append(f"quote not written exactly as in the text: {q.get('text', '')[:70]!r}")

    for f in gold.get("flags", []):
        if f.get("type") not in FLAG_TYPES:
            problems.append(f"flag {f.get('anchor')!r}: bad type {f.get('type')!r}")
        if not f.get("explain"):
            problems.append(f"flag {f.get('anchor')!r}: no explain")
        if f.get("optional") and not f.get("why") and not f.get("explain"):
            problems.append(f"optional flag {f.get('anchor')!r} says no why")
        n = len(find_anchor(text, f.get("anchor", "")))
        if n == 0:
            problems.append(f"flag anchor not found: {f.get('anchor')!r}")
        elif f.get("anchor", "") not in text:
            problems.append(f"flag anchor not written exactly as in the text: {f.get('anchor')!r}")

    words = len(re.findall(r"\w+(?:['’-]\w+)*", text))
    if not 250 <= words <= 600:
        warnings.append(f"{words} words (want 250-600)")
    return problems, warnings


def pairs(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            for n in sorted(os.listdir(p)):
                if n.endswith(".gold.json"):
                    out.append((os.path.join(p, n[:-10] + ".txt"), os.path.join(p, n)))
        elif p.endswith(".gold.json"):
            out.append((p[:-10] + ".txt", p))
        elif p.endswith(".txt"):
            out.append((p, p[:-4] + ".gold.json"))
    return out


def oracle(dirs):
    data = sys.stdin.buffer.read().decode("utf-8")
    for txt, gp in pairs(dirs or DEFAULT_DIRS):
        if os.path.exists(txt) and open(txt, encoding="utf-8").read() == data:
            break
    else:
        print("oracle: no article with this text", file=sys.stderr)
        return 1
    gold = json.load(open(gp, encoding="utf-8"))
    text = unicodedata.normalize("NFC", data)
    spans = claim_entities(text, gold)
    # hand out the spans of each text to the gold entries in order
    ents = []
    for e in gold.get("entities", []):
        t = fold_same_length(e["text"])
        for s, en in spans.get(t, [])[:e.get("count", 1)]:
            ents.append({"start": s, "end": en, "text": text[s:en], "type": e["type"],
                         "canonical": e["canonical"], "ref": None, "via": "oracle"})
        spans[t] = spans.get(t, [])[e.get("count", 1):]
    quotes = []
    used = set()
    for q in gold.get("quotes", []):
        for s, en in find_quote(text, q["text"]):
            if (s, en) not in used:
                used.add((s, en))
                break
        sp = None
        if q.get("speaker"):
            sp = {"name": q["speaker"][0], "ref": None, "via": "oracle"}
        quotes.append({"start": s, "end": en, "text": text[s:en], "kind": q["kind"], "speaker": sp})
    flags = []
    for f in gold.get("flags", []):
        s, en = find_anchor(text, f["anchor"])[0]
        flags.append({"rule": f["type"], "severity": "info" if f.get("optional") else "error",
                      "start": s, "end": en, "text": text[s:en], "message": f.get("explain", "")})
    rec = {"kz": 1, "id": gold.get("id"), "text": text, "date": gold.get("date"),
           "entities": sorted(ents, key=lambda e: e["start"]), "quotes": quotes, "flags": flags}
    print(json.dumps(rec, ensure_ascii=False))
    return 0


def main(argv):
    if argv and argv[0] == "--oracle":
        return oracle(argv[1:])
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    bad = 0
    for txt, gp in pairs(argv or DEFAULT_DIRS):
        if not os.path.exists(txt):
            print(f"{gp}: no {os.path.basename(txt)} beside it")
            bad += 1
            continue
        problems, warnings = check(txt, gp)
        name = os.path.basename(txt)
        if problems:
            bad += 1
            print(f"{name}: {len(problems)} problem(s)")
            for p in problems:
                print(f"  {p}")
        else:
            print(f"{name}: ok" + (f" ({'; '.join(warnings)})" if warnings else ""))
        if problems and warnings:
            for w in warnings:
                print(f"  warning: {w}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
