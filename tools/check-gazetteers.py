#!/usr/bin/env python3
"""Check the gazetteers against docs/gazetteers.md.

Errors (exit status 1):
  - a file that is not valid YAML, uses anchors/aliases, or repeats a key
  - an entry that is not a mapping, lacks id/type/name, has a key the schema
    does not know for its type, or a value of the wrong shape
  - an id that is not a slug, or is used twice (across ALL files)
  - a bad date (YYYY-MM-DD or YYYY), or a `from` after its `to`
  - a country `code` that is not two capitals or is used twice; a `country`
    or `nationality` that is no country's code
  - a `capital` that is no LOC entry's id; a role `of` that is neither a
    country code nor an ORG entry's id
  - rules/firstnames.yaml (if present) not a {firstnames: [...]} list of
    unique capitalised strings (with optional masculine: and feminine:
    lists; a name is in one list only)

Warnings (printed, exit status unchanged; --strict makes them errors):
  - a variant that is a single lower-case word (would fire on common words)
  - a variant that folds to the entry's own name or to another variant
  - a role title that rules/roles.yaml (if present) does not mention

--ambiguities lists every surface form shared by several entries.

Python standard library plus PyYAML (Debian: python3-yaml).
Usage: python3 tools/check-gazetteers.py [--strict] [--ambiguities] [--quiet] [DIR]
"""

import argparse
import collections
import datetime
import glob
import os
import re
import sys
import unicodedata

try:
    import yaml
except ImportError:
    sys.exit("check-gazetteers: PyYAML is needed (apt-get install python3-yaml)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

COMMON = {"id", "type", "name", "wikidata", "variants", "acronyms", "preferred", "note"}
BY_TYPE = {
    "PER": COMMON | {"gender", "nationality", "roles"},
    "LOC": COMMON | {"kind", "code", "country", "capital", "demonyms"},
    "ORG": COMMON | {"kind", "country"},
    "MISC": COMMON,
}
ROLE_KEYS = {"title", "of", "from", "to"}
VARIANT_KEYS = {"name", "from", "to"}
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}(?:-\d{2}-\d{2})?$")


class Mapping(dict):
    line = 0
    col = 0


class Loader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys and remembers line numbers."""

    def construct_mapping(self, node, deep=False):
        self.flatten_mapping(node)
        m = Mapping()
        m.line = node.start_mark.line + 1
        m.col = node.start_mark.column + 1
        for knode, vnode in node.value:
            key = self.construct_object(knode, deep=True)
            if key in m:
                raise yaml.MarkedYAMLError(
                    "while constructing a mapping", node.start_mark,
                    "duplicate key %r" % (key,), knode.start_mark)
            m[key] = self.construct_object(vnode, deep=True)
        return m


Loader.add_constructor("tag:yaml.org,2002:map", Loader.construct_mapping)
# Keep dates as the text written, so a bad one (2020-13-01) is reported by
# check_dates() rather than crashing the YAML constructor.
Loader.add_constructor("tag:yaml.org,2002:timestamp",
                       lambda loader, node: loader.construct_scalar(node))


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.lower().replace("’", "'")
    return re.sub(r"['\-\s.]+", " ", s).strip()


class Checker:
    def __init__(self, strict):
        self.errors = []
        self.warnings = []
        self.strict = strict

    def err(self, where, msg):
        self.errors.append("%s: error: %s" % (where, msg))

    def warn(self, where, msg):
        (self.errors if self.strict else self.warnings).append(
            "%s: %s: %s" % (where, "error" if self.strict else "warning", msg))


def load(path, ck):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        for tok in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(tok, (yaml.AnchorToken, yaml.AliasToken)):
                m = tok.start_mark
                ck.err("%s:%d:%d" % (path, m.line + 1, m.column + 1),
                       "anchors and aliases are refused")
                return None
        return yaml.load(text, Loader=Loader)
    except (yaml.YAMLError, ValueError) as e:
        ck.err(path, "YAML: %s" % str(e).replace("\n", " "))
        return None


def is_date(v):
    if isinstance(v, datetime.date):
        return True
    if isinstance(v, int) and not isinstance(v, bool):
        return 1000 <= v <= 2999
    return isinstance(v, str) and bool(DATE_RE.match(v))


def as_date(v):
    if isinstance(v, datetime.date):
        return v
    if isinstance(v, int):
        return datetime.date(v, 1, 1)
    if len(v) == 4:
        return datetime.date(int(v), 1, 1)
    return datetime.date.fromisoformat(v)


def check_dates(ck, where, d, what):
    for k in ("from", "to"):
        v = d.get(k)
        if v is None:
            continue
        if not is_date(v):
            ck.err(where, "%s: bad %s date %r (want YYYY-MM-DD or YYYY)" % (what, k, v))
            return
        try:
            as_date(v)
        except ValueError:
            ck.err(where, "%s: impossible %s date %r" % (what, k, v))
            return
    if d.get("from") is not None and d.get("to") is not None:
        if as_date(d["from"]) > as_date(d["to"]):
            ck.err(where, "%s: from %s is after to %s" % (what, d["from"], d["to"]))


def is_str(v):
    return isinstance(v, str) and v.strip() != ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root", nargs="?", default=ROOT)
    ap.add_argument("--strict", action="store_true", help="warnings are errors")
    ap.add_argument("--ambiguities", action="store_true",
                    help="list surface forms shared by several entries")
    ap.add_argument("--quiet", action="store_true", help="print errors only")
    args = ap.parse_args()
    ck = Checker(args.strict)

    files = sorted(glob.glob(os.path.join(args.root, "gazetteers", "*.yaml")))
    if not files:
        ck.err(os.path.join(args.root, "gazetteers"), "no *.yaml file")
    entries = []  # (path, entry)
    for path in files:
        rel = os.path.relpath(path, args.root)
        data = load(path, ck)
        if data is None:
            if not any(e.startswith(rel) or e.startswith(path) for e in ck.errors):
                pass  # empty file: allowed
            continue
        if not isinstance(data, list):
            ck.err(rel, "the file must be a YAML sequence of entries")
            continue
        for e in data:
            entries.append((rel, e))

    # ---- pass 1: shape, ids, codes
    ids = {}
    codes = {}
    for rel, e in entries:
        if not isinstance(e, dict):
            ck.err(rel, "entry is not a mapping: %r" % (e,))
            continue
        where = "%s:%d" % (rel, getattr(e, "line", 0))
        for k in ("id", "type", "name"):
            if k not in e:
                ck.err(where, "missing required key %r" % k)
        t = e.get("type")
        if t not in BY_TYPE:
            ck.err(where, "type %r is not PER, LOC, ORG or MISC" % (t,))
            continue
        for k in e:
            if k not in BY_TYPE[t]:
                ck.err(where, "unknown key %r for a %s entry" % (k, t))
        i = e.get("id")
        if not isinstance(i, str) or not ID_RE.match(i):
            ck.err(where, "id %r is not a lower-case slug" % (i,))
        elif i in ids:
            ck.err(where, "duplicate id %r (first at %s)" % (i, ids[i]))
        else:
            ids[i] = where
        for k in ("name", "preferred", "note"):
            if k in e and not is_str(e[k]):
                ck.err(where, "%s must be a non-empty string, got %r" % (k, e[k]))
        if "wikidata" in e and not (isinstance(e["wikidata"], str)
                                    and re.match(r"^Q\d+$", e["wikidata"])):
            ck.err(where, "wikidata %r is not a Q-id" % (e["wikidata"],))
        if "code" in e:
            c = e["code"]
            if not (isinstance(c, str) and re.match(r"^[A-Z]{2}$", c)):
                ck.err(where, "code %r is not an alpha-2 code" % (c,))
            elif c in codes:
                ck.err(where, "duplicate code %s (first at %s)" % (c, codes[c][0]))
            else:
                codes[c] = (where, e.get("id"))
        for k in ("variants", "acronyms", "demonyms", "roles"):
            if k in e and not isinstance(e[k], list):
                ck.err(where, "%s must be a list" % k)
                e[k] = []

    types_by_id = {e["id"]: e.get("type") for _, e in entries
                   if isinstance(e, dict) and isinstance(e.get("id"), str)}

    # role titles known to rules/roles.yaml, if that file exists
    role_titles = None
    roles_path = os.path.join(args.root, "rules", "roles.yaml")
    if os.path.exists(roles_path):
        rdata = load(roles_path, ck)
        role_titles = set()
        if isinstance(rdata, dict) and isinstance(rdata.get("roles"), list):
            # the documented shape: roles: [{key: ..., forms: [...]}, ...]
            role_titles = {str(r["key"]).strip().lower()
                           for r in rdata["roles"]
                           if isinstance(r, dict) and "key" in r}
            rdata = None

        def walk(x):
            if isinstance(x, str):
                role_titles.add(x.strip().lower())
            elif isinstance(x, dict):
                for k, v in x.items():
                    walk(k)
                    walk(v)
            elif isinstance(x, list):
                for v in x:
                    walk(v)
        walk(rdata)

    # ---- pass 2: references and per-type checks
    surfaces = collections.defaultdict(set)
    counts = collections.Counter()
    for rel, e in entries:
        if not isinstance(e, dict) or e.get("type") not in BY_TYPE:
            continue
        where = "%s:%d" % (rel, getattr(e, "line", 0))
        t = e["type"]
        counts[(t, e.get("kind", ""))] += 1
        name = e.get("name") if is_str(e.get("name")) else ""
        own = {fold(name)} if name else set()
        if name:
            surfaces[fold(name)].add(e.get("id"))
        if is_str(e.get("preferred")):
            surfaces[fold(e["preferred"])].add(e.get("id"))
        for v in e.get("variants", []) or []:
            if isinstance(v, dict):
                for k in v:
                    if k not in VARIANT_KEYS:
                        ck.err(where, "variant: unknown key %r" % k)
                if not is_str(v.get("name")):
                    ck.err(where, "variant mapping needs a string name: %r" % (dict(v),))
                    continue
                check_dates(ck, where, v, "variant %s" % v["name"])
                vn = v["name"]
            elif is_str(v):
                vn = v
            else:
                ck.err(where, "variant must be a string or a mapping, got %r" % (v,))
                continue
            if vn == vn.lower() and vn != vn.upper() and " " not in vn.strip():
                ck.warn(where, "variant %r is a single lower-case word" % vn)
            f = fold(vn)
            if f in own:
                ck.warn(where, "variant %r folds to the name or another variant" % vn)
            own.add(f)
            surfaces[f].add(e.get("id"))
        for a in e.get("acronyms", []) or []:
            if not is_str(a):
                ck.err(where, "acronym must be a string, got %r" % (a,))
            else:
                surfaces[fold(a)].add(e.get("id"))
        for d in e.get("demonyms", []) or []:
            if not is_str(d):
                ck.err(where, "demonym must be a string, got %r" % (d,))
            elif d != d.lower():
                ck.err(where, "demonym %r must be lower case" % d)
        if "kind" in e and not is_str(e["kind"]):
            ck.err(where, "kind must be a string")
        if t == "LOC":
            if e.get("kind") == "country" and "code" not in e:
                ck.err(where, "a country needs a code")
            if "capital" in e:
                cap = e["capital"]
                if types_by_id.get(cap) != "LOC":
                    ck.err(where, "capital %r is no LOC entry's id" % (cap,))
        if "country" in e and e["country"] not in codes:
            ck.err(where, "country %r is no country's code" % (e["country"],))
        if t == "PER":
            if e.get("gender") not in (None, "m", "f"):
                ck.err(where, "gender must be m or f, got %r" % (e["gender"],))
            if "gender" not in e:
                ck.warn(where, "no gender")
            if "nationality" in e:
                if e["nationality"] not in codes:
                    ck.err(where, "nationality %r is no country's code" % (e["nationality"],))
            else:
                ck.warn(where, "no nationality")
            for r in e.get("roles", []) or []:
                if not isinstance(r, dict):
                    ck.err(where, "role must be a mapping, got %r" % (r,))
                    continue
                for k in r:
                    if k not in ROLE_KEYS:
                        ck.err(where, "role: unknown key %r" % k)
                if not is_str(r.get("title")):
                    ck.err(where, "role needs a title: %r" % (dict(r),))
                elif role_titles is not None and r["title"].lower() not in role_titles:
                    ck.warn(where, "role title %r is not in rules/roles.yaml" % r["title"])
                of = r.get("of")
                if of is None:
                    ck.err(where, "role %r needs an `of`" % r.get("title"))
                elif of not in codes and types_by_id.get(of) != "ORG":
                    ck.err(where, "role of %r is neither a country code nor an "
                           "organisation's id" % (of,))
                check_dates(ck, where, r, "role %s" % r.get("title"))

    # ---- rules/firstnames.yaml
    fn_path = os.path.join(args.root, "rules", "firstnames.yaml")
    n_first = None
    if os.path.exists(fn_path):
        data = load(fn_path, ck)
        rel = os.path.relpath(fn_path, args.root)
        keys = {"firstnames", "masculine", "feminine"}
        if not (isinstance(data, dict) and "firstnames" in data
                and set(data) <= keys
                and all(isinstance(data[k], list) for k in data)):
            ck.err(rel, "must be a mapping {firstnames: [...]} with optional"
                   " masculine: [...] and feminine: [...]")
        else:
            seen = {}
            for n in [n for k in ("masculine", "feminine", "firstnames")
                      for n in data.get(k, [])]:
                if not is_str(n):
                    ck.err(rel, "first name must be a string, got %r" % (n,))
                    continue
                if not n[0].isupper():
                    ck.err(rel, "first name %r must start with a capital" % n)
                if n in seen:
                    ck.err(rel, "first name %r listed twice" % n)
                seen[n] = 1
            n_first = len(seen)

    for w in ck.warnings:
        print(w)
    for e in ck.errors:
        print(e)
    if args.ambiguities:
        for f, s in sorted(surfaces.items()):
            if len(s) > 1:
                print("ambiguous: %-30s %s" % (f, " ".join(sorted(map(str, s)))))
    if not args.quiet:
        print("%d files, %d entries, %d ids" % (len(files), len(entries), len(ids)))
        for (t, k), n in sorted(counts.items()):
            print("  %-4s %-14s %5d" % (t, k or "-", n))
        if n_first is not None:
            print("  rules/firstnames.yaml: %d first names" % n_first)
        print("%d errors, %d warnings" % (len(ck.errors), len(ck.warnings)))
    return 1 if ck.errors else 0


if __name__ == "__main__":
    sys.exit(main())
