#!/usr/bin/env python3
"""Benchmark data for `make bench` (tests/bench/run.sh). Standard library only.

  gen.py articles --mb 100 --out DIR
      Realistic French news text, at least MB * 10^6 bytes of article text,
      made from the hand-written articles (tests/articles/*.txt and
      examples/article.txt): body paragraphs shuffled, dropped and borrowed
      from other articles, people and cities swapped for others (from the
      shipped gazetteers, from the generated gazetteers below, and names no
      gazetteer knows). Writes DIR/articles.jsonl (kz/1 input records: id,
      date, text), DIR/articles.txt (the same texts, separated by a blank
      line, for grep), DIR/sizes (each article's text bytes, one a line)
      and DIR/info (counts).

  gen.py gazetteer --entries N --out FILE.yaml --names NAMES.txt
      N plausible entries in the schema of docs/gazetteers.md (60% PER:
      a first name from rules/firstnames.yaml and an invented surname,
      some with a surname-alone or transliterated variant; 40% LOC: invented
      cities with prefixes and suffixes, some with a former name), and every
      surface form (name, variants) one per line for `grep -F -f`. Entry i
      is a pure function of i, so the first 100,000 entries of the
      1,000,000-entry file are the 100,000-entry file.

  gen.py names DIR --out NAMES.txt
      The surface forms (name, variants, acronyms, preferred) of the YAML
      gazetteers in DIR, one per line (a small YAML-subset reader: the
      shipped files' block and flow styles).

  gen.py files --in articles.jsonl --count N --out DIR
      The first N records as DIR/<id>.txt (one article per file).

Everything is deterministic (fixed seeds): the same options give the same
bytes.
"""

import argparse
import glob
import json
import os
import random
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEED = 20240611
PER_SHARE = 0.6

# ------------------------------------------------------------ YAML subset


def _unquote(s):
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        inner = s[1:-1]
        return inner.replace("''", "'") if s[0] == "'" else inner.replace('\\"', '"')
    return s


def _split_flow(s):
    """Split the inside of a flow sequence or mapping on top-level commas."""
    out, depth, cur, q = [], 0, [], None
    for ch in s:
        if q:
            cur.append(ch)
            if ch == q:
                q = None
            continue
        if ch in "'\"" and not "".join(cur).strip():
            q = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        out.append("".join(cur))
    return out


def _flow_item(s):
    s = s.strip()
    if s.startswith("{") and s.endswith("}"):
        d = {}
        for kv in _split_flow(s[1:-1]):
            k, _, v = kv.partition(":")
            d[k.strip()] = _unquote(v)
        return d
    return _unquote(s)


def _strip_comment(line):
    q = None
    for i, ch in enumerate(line):
        if q:
            if ch == q:
                q = None
        elif ch in "'\"" and (i == 0 or line[i - 1] in " [{,:"):
            q = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def read_gazetteer(path):
    """Entries of one gazetteer file as dicts; list values as lists."""
    entries, cur, key = [], None, None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = _strip_comment(raw.rstrip("\n"))
            if not line.strip():
                continue
            if line.startswith("- "):
                cur = {}
                entries.append(cur)
                line = "  " + line[2:]
            if cur is None:
                continue
            if line.startswith("    - ") or line.startswith("  - "):
                if key is not None:
                    cur.setdefault(key, []).append(_flow_item(line.strip()[2:]))
                continue
            if line.startswith("  ") and not line.startswith("   "):
                k, _, v = line.strip().partition(":")
                key, v = k.strip(), v.strip()
                if v.startswith("["):
                    cur[key] = [_flow_item(x) for x in _split_flow(v[1:-1])]
                elif v:
                    cur[key] = _unquote(v)
    return entries


def read_gazetteers(d):
    out = []
    for p in sorted(glob.glob(os.path.join(d, "*.yaml"))):
        out.extend(read_gazetteer(p))
    return out


def surfaces(e):
    names = [e.get("name")]
    for k in ("variants", "acronyms"):
        for v in e.get(k) or []:
            names.append(v.get("name") if isinstance(v, dict) else v)
    if e.get("preferred"):
        names.append(e["preferred"])
    seen, out = set(), []
    for n in names:
        if isinstance(n, str) and n and n not in seen:
            seen.add(n)
            out.append(n)
    return out


def read_firstnames():
    """(name, gender or None) from rules/firstnames.yaml."""
    out, gender = [], None
    with open(os.path.join(ROOT, "rules", "firstnames.yaml"), encoding="utf-8") as f:
        for line in f:
            s = line.strip()
            if s.startswith("# ---"):
                gender = "m" if "masculine" in s else "f" if "feminine" in s else None
            elif s.startswith("- "):
                out.append((_unquote(_strip_comment(s[2:])), gender))
    return out


# ------------------------------------------------------------ generated entries

ONSETS = ["b", "v", "g", "d", "j", "z", "k", "l", "m", "n", "p", "r", "s", "t",
          "f", "kh", "ts", "tch", "ch", "br", "dr", "gr", "kr", "pr", "str", "sv",
          "zv", "bl", "pl", "sl", "", ""]
VOWELS = ["a", "a", "e", "i", "o", "o", "ou", "y", "ia", "é", "e", "i"]
CODAS = ["", "", "", "n", "r", "l", "s", "k", "m"]
SURNAME_END_M = ["ov", "ev", "ine", "enko", "ski", "tchouk", "ian", "adze", "ovitch",
                 "beck", "ier", "ard", "elli", "ez", "sson", "mann", "escu", "oglou"]
SURNAME_END_F = {"ov": "ova", "ev": "eva", "ine": "ina", "ski": "ska"}
CITY_PREFIX = ["", "", "", "", "Novo", "Nijni-", "Oust-", "Saint-", "Bel", "Krasno",
               "Staro", "Vieux-", "Port-", "Kara", "Ak", "Sol"]
CITY_SUFFIX = ["grad", "sk", "ovo", "ino", "ville", "bourg", "abad", "pol", "opol",
               "iv", "ets", "kent", "stan", "-sur-Mer", "-les-Bains", "heim", "dorf",
               "ach", "aïa", "ka"]
COUNTRIES = ["RU", "UA", "BY", "KZ", "UZ", "KG", "TJ", "TM", "AM", "AZ", "GE",
             "MD", "PL", "DE", "FR", "IT", "ES", "RO", "BG", "RS", "HU", "CZ",
             "FI", "SE", "LT", "LV", "EE", "TR", "IR", "US", "GB", "CN", "IN"]

_FIRST = None


def _firstnames():
    global _FIRST
    if _FIRST is None:
        _FIRST = read_firstnames()
    return _FIRST


def _root(r, n):
    s = "".join(r.choice(ONSETS) + r.choice(VOWELS) + (r.choice(CODAS) if k == n - 1 else "")
                for k in range(n))
    return s.replace("ïï", "ï")


def _cap(s):
    return s[:1].upper() + s[1:]


def _translit(s):
    t = s.replace("ou", "u").replace("ch", "sh").replace("ï", "y").replace("kh", "h")
    return t if t != s else s + "e"


def _slug(s):
    import unicodedata
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def entry(i):
    """Generated entry number i: a dict in the gazetteer schema."""
    r = random.Random(SEED * 1_000_003 + i)
    if r.random() < PER_SHARE:
        first, gender = r.choice(_firstnames())
        gender = gender or r.choice("mf")
        end = r.choice(SURNAME_END_M)
        if gender == "f":
            end = SURNAME_END_F.get(end, end)
        last = _cap(_root(r, r.choice((1, 2, 2, 2, 3))) + end)
        name = first + " " + last
        e = {"id": "bench-%s-%d" % (_slug(name), i), "type": "PER", "name": name,
             "gender": gender, "nationality": r.choice(COUNTRIES), "variants": []}
        x = r.random()
        if x < 0.3:
            e["variants"].append(last)
        elif x < 0.45:
            e["variants"].append(first + " " + _translit(last))
        e["last"] = last
        return e
    pre, root = r.choice(CITY_PREFIX), _root(r, r.choice((1, 2, 2, 3)))
    city = _cap(pre + (_cap(root) if pre.endswith("-") else root) + r.choice(CITY_SUFFIX))
    e = {"id": "bench-%s-%d" % (_slug(city), i), "type": "LOC", "name": city,
         "kind": "city", "country": r.choice(COUNTRIES), "variants": []}
    if r.random() < 0.2:
        e["variants"].append({"name": _cap(_root(r, 2)) + r.choice(CITY_SUFFIX),
                              "to": "%d-12-26" % r.randint(1945, 1991)})
    return e


def _yq(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def entry_yaml(e):
    lines = ["- id: " + e["id"], "  type: " + e["type"], "  name: " + _yq(e["name"])]
    if e["type"] == "PER":
        lines += ["  gender: " + e["gender"], "  nationality: " + e["nationality"]]
    else:
        lines += ["  kind: city", "  country: " + e["country"]]
    if e["variants"]:
        vs = [("{name: %s, to: %s}" % (_yq(v["name"]), v["to"])) if isinstance(v, dict)
              else _yq(v) for v in e["variants"]]
        lines.append("  variants: [" + ", ".join(vs) + "]")
    return "\n".join(lines) + "\n"


def cmd_gazetteer(a):
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    tmp, ntmp = a.out + ".tmp", a.names + ".tmp"
    with open(tmp, "w", encoding="utf-8") as y, open(ntmp, "w", encoding="utf-8") as n:
        y.write("# Generated by tests/bench/gen.py for `make bench`: %d invented\n"
                "# entries (not real people or places).\n" % a.entries)
        for i in range(a.entries):
            e = entry(i)
            y.write(entry_yaml(e))
            for s in surfaces(e):
                n.write(s + "\n")
    os.replace(tmp, a.out)
    os.replace(ntmp, a.names)


# ------------------------------------------------------------ articles


def load_sources():
    arts = []
    for p in sorted(glob.glob(os.path.join(ROOT, "tests", "articles", "*.txt"))) + \
            [os.path.join(ROOT, "examples", "article.txt")]:
        gold = os.path.splitext(p)[0] + ".gold.json"
        text = open(p, encoding="utf-8").read().replace("\r\n", "\n")
        per, loc, date = {}, set(), None
        if os.path.exists(gold):
            g = json.load(open(gold, encoding="utf-8"))
            date = g.get("date")
            for ent in g.get("entities", []):
                if ent.get("type") == "PER":
                    per.setdefault(ent.get("canonical") or ent["text"], set()).add(ent["text"])
                elif ent.get("type") == "LOC":
                    loc.add(ent["text"])
        arts.append({"text": text, "per": per, "loc": loc, "date": date})
    return arts


class Swapper:
    """Picks replacement people and cities."""

    def __init__(self, r, shipped):
        self.r = r
        self.ship_per = [e["name"] for e in shipped
                         if e.get("type") == "PER" and " " in e.get("name", "")]
        self.ship_city = {e["name"] for e in shipped
                          if e.get("type") == "LOC" and e.get("kind") == "city"}
        self.ship_city_list = sorted(self.ship_city)

    def _generated(self, want):
        x = self.r.random()
        lo, hi = (0, 100_000) if x < 0.45 else (100_000, 1_000_000) if x < 0.8 \
            else (1_000_000, 2_000_000)
        while True:
            e = entry(self.r.randrange(lo, hi))
            if e["type"] == want:
                return e

    def person(self):
        # 45% shipped people, 55% generated: in the 100k set, only in the 1M
        # set, or in no gazetteer at all.
        if self.r.random() < 0.45 and self.ship_per:
            name = self.r.choice(self.ship_per)
            return name, name.split()[-1]
        e = self._generated("PER")
        return e["name"], e["last"]

    def city(self):
        if self.r.random() < 0.5:
            return self.r.choice(self.ship_city_list)
        return self._generated("LOC")["name"]


def _word_re(words):
    alt = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<!\w)(?:" + alt + r")(?!\w)")


def variant(art, r, sw, others):
    mapping = {}
    for canonical, forms in art["per"].items():
        if r.random() < 0.15:
            continue                     # keep the real person
        full, last = sw.person()
        for f in forms | {canonical}:
            mapping[f] = full if len(f.split()) > 1 else last
    for c in art["loc"]:
        if c in sw.ship_city and r.random() < 0.5:
            mapping[c] = sw.city()
    text = art["text"]
    if mapping:
        rx = _word_re(mapping)
        text = rx.sub(lambda m: mapping[m.group(0)], text)
    chunks = text.split("\n\n")
    if len(chunks) > 5:
        head, body, tail = chunks[:2], chunks[2:-1], chunks[-1:]
        body = [c for c in body if r.random() > 0.08] or body
        for _ in range(r.choice((0, 0, 1, 2))):
            o = r.choice(others)["text"].split("\n\n")
            if len(o) > 4:
                body.insert(r.randrange(len(body) + 1), r.choice(o[2:-1]))
        keyed = sorted((k + r.uniform(0, 3), c) for k, c in enumerate(body))
        chunks = head + [c for _, c in keyed] + tail
    return "\n\n".join(chunks)


def cmd_articles(a):
    r = random.Random(SEED)
    arts = load_sources()
    sw = Swapper(r, read_gazetteers(os.path.join(ROOT, "gazetteers")))
    os.makedirs(a.out, exist_ok=True)
    want = int(a.mb * 1_000_000)
    total = n = 0
    jp, tp = os.path.join(a.out, "articles.jsonl"), os.path.join(a.out, "articles.txt")
    sp = os.path.join(a.out, "sizes")
    with open(jp + ".tmp", "w", encoding="utf-8") as j, open(tp + ".tmp", "w", encoding="utf-8") as t, \
            open(sp, "w") as sizes:
        while total < want:
            art = arts[n % len(arts)]
            text = variant(art, r, sw, arts)
            n += 1
            rec = {"id": "bench-%06d" % n, "text": text}
            if art["date"]:
                rec["date"] = art["date"]
            j.write(json.dumps(rec, ensure_ascii=False) + "\n")
            t.write(text.rstrip("\n") + "\n\n")
            size = len(text.encode("utf-8"))
            sizes.write("%d\n" % size)
            total += size
    os.replace(jp + ".tmp", jp)
    os.replace(tp + ".tmp", tp)
    with open(os.path.join(a.out, "info"), "w") as f:
        f.write("articles %d\ntext_bytes %d\n" % (n, total))


def cmd_names(a):
    with open(a.out, "w", encoding="utf-8") as o:
        for e in read_gazetteers(a.dir):
            for s in surfaces(e):
                o.write(s + "\n")


def cmd_files(a):
    os.makedirs(a.out, exist_ok=True)
    with open(a.input, encoding="utf-8") as f:
        for k, line in enumerate(f):
            if k >= a.count:
                break
            rec = json.loads(line)
            with open(os.path.join(a.out, rec["id"] + ".txt"), "w", encoding="utf-8") as o:
                o.write(rec["text"])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("articles")
    s.add_argument("--mb", type=float, default=100)
    s.add_argument("--out", required=True)
    s = sub.add_parser("gazetteer")
    s.add_argument("--entries", type=int, required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--names", required=True)
    s = sub.add_parser("names")
    s.add_argument("dir")
    s.add_argument("--out", required=True)
    s = sub.add_parser("files")
    s.add_argument("--in", dest="input", required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--out", required=True)
    a = p.parse_args()
    {"articles": cmd_articles, "gazetteer": cmd_gazetteer, "names": cmd_names,
     "files": cmd_files}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
