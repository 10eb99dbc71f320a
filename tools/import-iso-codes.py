#!/usr/bin/env python3
"""Generate gazetteers/countries.yaml from Debian's iso-codes.

Reads the ISO 3166-1 list shipped by the `iso-codes` package
(/usr/share/iso-codes/json/iso_3166-1.json), translates every name to French
with the package's gettext catalogue
(/usr/share/locale/fr/LC_MESSAGES/iso_3166-1.mo), merges the hand-written
additions of tools/data/countries-extra.yaml (common French names, variants,
demonyms, capitals, Wikidata ids) and writes gazetteers/countries.yaml.

Standard library only, except PyYAML (python3-yaml) to read the extra file.
Idempotent: running it twice writes the same bytes; it says whether the
file changed and prints one line per entry written.

Usage: python3 tools/import-iso-codes.py [--quiet] [--check] [-o OUT]
  --check  do not write; exit 1 if the output file is not up to date
"""

import argparse
import gettext
import json
import os
import re
import sys
import unicodedata

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("import-iso-codes: PyYAML is needed (apt-get install python3-yaml)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ISO_JSON = "/usr/share/iso-codes/json/iso_3166-1.json"
ISO_MO = "/usr/share/locale/fr/LC_MESSAGES/iso_3166-1.mo"
EXTRA = os.path.join(ROOT, "tools", "data", "countries-extra.yaml")
OUT = os.path.join(ROOT, "gazetteers", "countries.yaml")

class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice (PyYAML keeps the last)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for knode, _ in node.value:
            key = self.construct_object(knode, deep=True)
            if key in seen:
                raise yaml.MarkedYAMLError("while constructing a mapping",
                                           node.start_mark,
                                           "duplicate key %r" % (key,),
                                           knode.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


StrictLoader.add_constructor("tag:yaml.org,2002:map", StrictLoader.construct_mapping)

EXTRA_KEYS = {"id", "name", "variants", "acronyms", "demonyms", "capital",
              "wikidata", "note", "iso_variants", "preferred"}


def fold(s):
    """Fold the way the matcher does: case, diacritics, apostrophes, hyphens."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.lower().replace("’", "'")
    s = re.sub(r"['\-\s]+", " ", s)
    return s.strip()


def slug(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.lower().replace("œ", "oe").replace("æ", "ae")
    s = re.sub(r"[^a-z0-9]+", "-", s)
    return s.strip("-")


def ucfirst(s):
    return s[:1].upper() + s[1:] if s else s


def uninvert(name):
    """'Salomon, Îles' -> 'Îles Salomon'; other comma forms are left alone."""
    m = re.match(r"^(.*), (Îles?|îles?)(?: (.*))?$", name)
    if m:
        mid = (" " + m.group(3)) if m.group(3) else ""
        return ucfirst(m.group(2)) + mid + " " + m.group(1)
    return name


# ------------------------------------------------------------ YAML output
_PLAIN_BAD_START = set("-?:,[]{}#&*!|>'\"%@`")


def q(s):
    """A scalar that any YAML parser reads back as the same string."""
    if isinstance(s, bool) or s is None:
        raise ValueError("not a string: %r" % (s,))
    if not isinstance(s, str):
        return str(s)
    plain = (s and s == s.strip() and s[0] not in _PLAIN_BAD_START
             and not any(c in s for c in ",[]{}#\"\n\t")
             and ": " not in s and not s.endswith(":"))
    if plain:
        try:
            plain = yaml.safe_load(s) == s
        except yaml.YAMLError:
            plain = False
    if plain and s.lower() in ("y", "n", "yes", "no", "on", "off", "true",
                               "false", "null", "~"):
        plain = False
    if plain:
        return s
    return json.dumps(s, ensure_ascii=False)


def date_str(d):
    return d.isoformat() if hasattr(d, "isoformat") else str(d)


def flow_list(items):
    return "[" + ", ".join(q(x) for x in items) + "]"


def variant_str(v):
    if isinstance(v, str):
        return q(v)
    parts = ["name: " + q(v["name"])]
    for k in ("from", "to"):
        if v.get(k) is not None:
            parts.append("%s: %s" % (k, date_str(v[k])))
    return "{" + ", ".join(parts) + "}"


def emit_entry(e):
    out = []
    first = True
    for key in ("id", "type", "name", "preferred", "wikidata", "kind", "code",
                "capital", "demonyms", "variants", "acronyms", "note"):
        if key not in e or e[key] in (None, [], ""):
            continue
        val = e[key]
        prefix = "- " if first else "  "
        first = False
        if key == "variants":
            if all(isinstance(v, str) for v in val):
                out.append(prefix + "variants: " + flow_list(val))
            else:
                out.append(prefix + "variants:")
                for v in val:
                    out.append("    - " + variant_str(v))
        elif isinstance(val, list):
            out.append(prefix + key + ": " + flow_list(val))
        else:
            out.append(prefix + key + ": " + q(val))
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ main
def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", default=OUT)
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    for path in (ISO_JSON, ISO_MO):
        if not os.path.exists(path):
            sys.exit("import-iso-codes: %s missing (apt-get install iso-codes)" % path)
    with open(ISO_JSON, encoding="utf-8") as f:
        iso = json.load(f)["3166-1"]
    with open(ISO_MO, "rb") as f:
        fr = gettext.GNUTranslations(f)
    with open(EXTRA, encoding="utf-8") as f:
        extra = yaml.load(f, Loader=StrictLoader) or {}

    errors = []
    for code, ex in extra.items():
        if not re.fullmatch(r"[A-Z]{2}", str(code)):
            errors.append("extra: bad code %r" % (code,))
        for k in ex or {}:
            if k not in EXTRA_KEYS:
                errors.append("extra %s: unknown key %r" % (code, k))
    if errors:
        sys.exit("\n".join(errors))

    records = {}
    for c in iso:
        code = c["alpha_2"]
        records[code] = {
            "iso_name": fr.gettext(c["name"]),
            "common": fr.gettext(c["common_name"]) if c.get("common_name") else None,
            "official": fr.gettext(c["official_name"]) if c.get("official_name") else None,
        }
    added = [code for code in extra if code not in records]
    for code in added:
        if not (extra[code] or {}).get("name"):
            sys.exit("extra %s: not in iso-codes, so it needs a name" % code)
        records[code] = {"iso_name": None, "common": None, "official": None}

    entries = []
    for code in sorted(records):
        r = records[code]
        ex = extra.get(code) or {}
        name = ex.get("name") or r["common"] or uninvert(r["iso_name"])
        name = ucfirst(name)
        seen = {fold(name)}
        variants = []

        def add(v):
            n = v if isinstance(v, str) else v["name"]
            if not n:
                return
            k = fold(n)
            if k in seen:
                return
            seen.add(k)
            variants.append(v)

        for v in ex.get("variants") or []:
            add(v)
        if ex.get("iso_variants", True):
            for n in (r["iso_name"], r["official"], r["common"]):
                if not n or "(" in n:
                    continue
                n = re.sub(r"^l['’]", "", n)
                n = ucfirst(uninvert(n))
                if "," in n:
                    continue
                add(n)
        entry = {
            "id": ex.get("id") or slug(name),
            "type": "LOC",
            "name": name,
            "preferred": ex.get("preferred"),
            "wikidata": ex.get("wikidata"),
            "kind": "country",
            "code": code,
            "capital": ex.get("capital"),
            "demonyms": ex.get("demonyms") or [],
            "variants": variants,
            "acronyms": ex.get("acronyms") or [],
            "note": ex.get("note"),
        }
        entries.append(entry)

    ids = {}
    for e in entries:
        if e["id"] in ids:
            sys.exit("duplicate id %s (%s and %s)" % (e["id"], ids[e["id"]], e["code"]))
        ids[e["id"]] = e["code"]

    header = (
        "# GENERATED by tools/import-iso-codes.py -- do not edit by hand.\n"
        "# Source: Debian iso-codes (%s, French names from %s)\n"
        "# merged with tools/data/countries-extra.yaml: edit that file and rerun\n"
        "#   python3 tools/import-iso-codes.py\n"
        % (ISO_JSON, ISO_MO))
    text = header + "".join("\n" + emit_entry(e) for e in entries)

    # Round-trip: what we wrote must read back as what we meant.
    back = yaml.safe_load(text)
    assert len(back) == len(entries)
    for b, e in zip(back, entries):
        assert b["name"] == e["name"] and b["id"] == e["id"], (b, e)
        for v in b.get("variants", []):
            assert isinstance(v, (str, dict)), v

    old = None
    if os.path.exists(args.output):
        with open(args.output, encoding="utf-8") as f:
            old = f.read()
    if args.check:
        if old != text:
            print("%s is not up to date: run tools/import-iso-codes.py" % args.output)
            return 1
        print("%s is up to date (%d countries)" % (args.output, len(entries)))
        return 0

    if not args.quiet:
        for e in entries:
            bits = [e["code"], e["id"], e["name"]]
            if e["capital"]:
                bits.append("capital=" + e["capital"])
            if e["demonyms"]:
                bits.append("demonyms=%d" % len(e["demonyms"]))
            if e["variants"]:
                bits.append("variants=%d" % len(e["variants"]))
            print("  " + "  ".join(bits))
    rel = os.path.relpath(args.output, os.getcwd())
    if old == text:
        print("%s unchanged: %d countries (%d from iso-codes, %d added: %s)"
              % (rel, len(entries), len(iso), len(added), " ".join(added) or "-"))
    else:
        os.makedirs(os.path.dirname(args.output), exist_ok=True)
        tmp = args.output + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, args.output)
        print("wrote %s: %d countries (%d from iso-codes, %d added: %s), "
              "%d with a capital, %d with demonyms"
              % (rel, len(entries), len(iso), len(added), " ".join(added) or "-",
                 sum(1 for e in entries if e["capital"]),
                 sum(1 for e in entries if e["demonyms"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
