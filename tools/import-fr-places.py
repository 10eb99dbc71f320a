#!/usr/bin/env python3
"""Import French communes, départements and régions into gazetteers/.

Reads the JSON of the npm package @etalab/decoupage-administratif (the
official geography of INSEE, with populations) after `npm install`:

  cd /tmp && npm install @etalab/decoupage-administratif
  tools/import-fr-places.py --data /tmp/node_modules/@etalab/decoupage-administratif/data

and writes three gazetteer files (docs/gazetteers.md), each saying at its
top that it is generated and from which package version:

  places-fr-regions.yaml       LOC kind region, country FR (the 18 régions)
  places-fr-departements.yaml  LOC kind region, country FR (101 départements)
  places-fr-communes.yaml      LOC kind city, country FR

Precision first: France has 35,000 communes and many of their names are
common words or first names (Vue, Eu, Y, Sainte, Nancy). Kept are:
  - communes that are current (no commune déléguée, associée or
    arrondissement), with at least --min-population inhabitants (3,000:
    below it a one-word name is more often a homonym or a word than the
    town); a compound name (Montreuil-Bellay, Saint-Martin-de-Vaulx,
    Le Cannet) is a place whatever its size (--compound-min-population,
    default 0): a hyphenated name is never a word of the language; in the
    collectivités d'outre-mer (Polynésie, Nouvelle-Calédonie, zone "com"),
    whose names are often family names elsewhere (Koné), only from
    --overseas-min-population (20,000: Nouméa, Faaa, Punaauia);
  - of those, a name that is also a common noun, a first name or a
    surname of the lexicon (rules/lexicon-nouns.yaml, firstnames.yaml,
    lexicon-surnames.yaml), alone or after an article (L'Union, Le Port),
    only with at least --ambiguous-min-population (100,000: Tours and
    Nancy are kept, Fontaine and Thiers are not);
  - a name shared by two communes kept only for the most populous when it
    has at least twice the other's population (else both are left out:
    a bare "Saint-Denis" cannot be placed);
  - never a name the gazetteers already hold for something else (Vienne
    the Austrian capital, Valence in Spain, Orange the company): the
    hand-written meaning stays; nor one they hold for the same place.
The same lexicon rule applies to départements and régions (Manche,
Somme, Nord are left out; Gironde, Finistère stay).

Python 3 standard library; shares tools/kz-import-common.py.

Usage: tools/import-fr-places.py --data DIR [--out DIR] [--gazetteers DIR]
         [--rules DIR] [--min-population N] [--compound-min-population N]
         [--overseas-min-population N] [--ambiguous-min-population N] [--version V] [-q]
  --data        the package's data/ folder (communes.json, departements.json,
                regions.json)
  --out         where the three files go (default: the checkout's gazetteers/)
  --gazetteers  the existing gazetteers (default: --out); the three output
                files themselves are not counted
  --rules       where the lexicon's lists are (tools/import-lexicon.py; default
                the checkout's rules/)
  --version     the package version for the headers (default: read from
                the package.json beside DIR)

Exit status: 0 done, 64 bad usage, 65 malformed JSON (file named; nothing
written), 66 an input could not be read, 73 an output not written.
"""

import argparse
import importlib.util
import json
import os
import re
import sys

PROG = "import-fr-places"
HERE = os.path.dirname(os.path.realpath(__file__))
PACKAGE = "@etalab/decoupage-administratif"
OUTPUTS = ("places-fr-regions.yaml", "places-fr-departements.yaml", "places-fr-communes.yaml")


def load_common():
    path = os.path.join(HERE, "kz-import-common.py")
    if not os.path.exists(path):
        sys.stderr.write("%s: %s is missing (it comes with this program)\n" % (PROG, path))
        sys.exit(70)
    spec = importlib.util.spec_from_file_location("kz_import_common", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


C = load_common()


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        raise C.Fail(C.EX_NOINPUT, "cannot read %s: %s" % (path, e.strerror or e))
    except (ValueError, UnicodeDecodeError) as e:
        raise C.Fail(C.EX_DATAERR, "%s: not JSON: %s" % (path, e))


def read_list(path, key):
    """The items of the YAML list `key:` of a generated rules file, folded."""
    out = set()
    cur = None
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"^(\w+):", line)
                if m:
                    cur = m.group(1)
                elif line.startswith("  - ") and (key is None or cur == key):
                    out.add(C.fold(line[4:].strip().strip('"')))
    except OSError as e:
        raise C.Fail(C.EX_NOINPUT, "cannot read %s: %s" % (path, e.strerror or e))
    return out


def records(data, path, fields):
    if not isinstance(data, list):
        raise C.Fail(C.EX_DATAERR, "%s: expected a JSON array" % path)
    for i, r in enumerate(data):
        if not isinstance(r, dict) or any(not isinstance(r.get(k), str) or not r.get(k)
                                          for k in fields):
            raise C.Fail(C.EX_DATAERR, "%s: item %d: needs the strings %s"
                         % (path, i + 1, ", ".join(fields)))
    return data


def main():
    ap = argparse.ArgumentParser(prog=PROG, description="Import French communes, "
                                 "départements and régions into gazetteers/.")
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", default=os.path.join(HERE, "..", "gazetteers"))
    ap.add_argument("--gazetteers")
    ap.add_argument("--rules", default=os.path.join(HERE, "..", "rules"))
    ap.add_argument("--min-population", type=int, default=3000)
    ap.add_argument("--compound-min-population", type=int, default=0)
    ap.add_argument("--overseas-min-population", type=int, default=20000)
    ap.add_argument("--ambiguous-min-population", type=int, default=100000)
    ap.add_argument("--version")
    ap.add_argument("-q", "--quiet", action="store_true")
    try:
        args = ap.parse_args()
    except SystemExit as e:
        sys.exit(64 if e.code else 0)
    outs = []
    try:
        version = args.version
        if not version:
            try:
                with open(os.path.join(args.data, "..", "package.json"), encoding="utf-8") as f:
                    version = json.load(f).get("version") or "unknown"
            except (OSError, ValueError):
                version = "unknown"
        regions = records(read_json(os.path.join(args.data, "regions.json")),
                          "regions.json", ("code", "nom"))
        deps = records(read_json(os.path.join(args.data, "departements.json")),
                       "departements.json", ("code", "nom"))
        communes = records(read_json(os.path.join(args.data, "communes.json")),
                           "communes.json", ("code", "nom", "type"))
        ambiguous = read_list(os.path.join(args.rules, "lexicon-nouns.yaml"), "common_nouns") | \
            read_list(os.path.join(args.rules, "firstnames.yaml"), None) | \
            read_list(os.path.join(args.rules, "lexicon-surnames.yaml"), "surnames")
        existing = C.Existing()
        gz = args.gazetteers or args.out
        # the files being regenerated are not "existing"
        existing_files = [n for n in sorted(os.listdir(gz)) if n.endswith(".yaml")
                          and n not in OUTPUTS] if os.path.isdir(gz) else None
        if existing_files is None:
            raise C.Fail(C.EX_NOINPUT, "cannot read gazetteer folder %s" % gz)
        for n in existing_files:
            for e in C.scan_gazetteer(os.path.join(gz, n)):
                existing.add(e, os.path.join(gz, n))
        ids = C.Ids(existing)
        known = {}   # folded name -> types/countries the gazetteers give it
        for (typ, f), lst in existing.names.items():
            for i, where, kind in lst:
                known.setdefault(f, []).append((typ, where, kind, i))

        counts = {"ambiguous": 0, "known": 0, "homonyms": 0, "small": 0}

        def keep(name, population):
            f = C.fold(name)
            if f in known:
                counts["known"] += 1
                return False
            # "L'Union", "Le Port": an article and a common noun
            bare = re.sub(r"^(le|la|les|l) ", "", f)   # folded: l'union -> l union
            if (f in ambiguous or bare in ambiguous) and \
                    (population is None or population < args.ambiguous_min_population):
                counts["ambiguous"] += 1
                return False
            return True

        src = "npm package %s %s" % (PACKAGE, version)
        head = ["generated by tools/import-fr-places.py from %s (INSEE's" % src,
                "official geography) -- do not edit by hand: rerun the script.", ""]

        # communes: current ones, by population
        cur = [c for c in communes if c["type"] == "commune-actuelle"]
        pops = {}
        for c in cur:
            pops.setdefault(C.fold(c["nom"]), []).append(c.get("population") or 0)
        by_code = {c["code"]: c for c in cur}
        kept = []
        for c in sorted(cur, key=lambda c: (-(c.get("population") or 0), c["code"])):
            p = c.get("population") or 0
            compound = re.search(r"[- ']", c["nom"]) is not None
            least = args.compound_min_population if compound else args.min_population
            if c.get("zone") == "com":
                least = max(least, args.overseas_min_population)
            if p < least:
                counts["small"] += 1
                continue
            others = sorted(pops[C.fold(c["nom"])], reverse=True)
            if len(others) > 1 and (others[0] != p or others[1] * 2 > p):
                counts["homonyms"] += 1
                continue
            if keep(c["nom"], p):
                kept.append(c)

        def write(name, lines, items):
            out = C.Output(os.path.join(args.out, name), PROG)
            outs.append(out)
            out.header(head + lines)
            for fields in items:
                out.entry(fields)
            return out

        reg_items = []
        for r in sorted(regions, key=lambda r: r["code"]):
            if keep(r["nom"], None):
                reg_items.append([("id", ids.take(C.slug(r["nom"]), C.slug(r["nom"]) + "-fr")),
                                  ("type", "LOC"), ("name", r["nom"]), ("kind", "region"),
                                  ("country", "FR"), ("note", "région %s" % r["code"])])
        dep_items = []
        for d in sorted(deps, key=lambda d: d["code"]):
            chef = by_code.get(d.get("chefLieu") or "")
            if keep(d["nom"], None):
                dep_items.append([("id", ids.take(C.slug(d["nom"]), "departement-" + C.slug(d["nom"]))),
                                  ("type", "LOC"), ("name", d["nom"]), ("kind", "region"),
                                  ("country", "FR"),
                                  ("note", "département %s%s" % (d["code"], ", chef-lieu %s" % chef["nom"] if chef else ""))])
        com_items = []
        for c in kept:
            com_items.append([("id", ids.take(C.slug(c["nom"]), C.slug(c["nom"]) + "-fr",
                                              C.slug(c["nom"]) + "-" + c["code"].lower())),
                              ("type", "LOC"), ("name", c["nom"]), ("kind", "city"),
                              ("country", "FR"),
                              ("note", "commune %s, département %s, %d inhabitants"
                               % (c["code"], c.get("departement", "?"), c.get("population") or 0))])
        write(OUTPUTS[0], ["The régions of France (LOC, kind region)."], reg_items)
        write(OUTPUTS[1], ["The départements of France (LOC, kind region); those named",
                           "like a common noun or first name of the lexicon are left out."], dep_items)
        write(OUTPUTS[2], ["French communes (LOC, kind city): one-word names of at least %d inhabitants," % args.min_population,
                           "compound names (hyphen, space, apostrophe) of at least %d;" % args.compound_min_population,
                           "a name that is also a common noun, first name or surname only from %d;" % args.ambiguous_min_population,
                           "none the other gazetteers name, none shared by communes of like size."], com_items)
        for o in outs:
            o.close()
            os.chmod(o.path, 0o644)
    except C.Fail as e:
        for o in outs:
            o.abandon()
        sys.stderr.write("%s: %s\n" % (PROG, e.msg if hasattr(e, "msg") else e))
        sys.exit(e.code)
    if not args.quiet:
        sys.stderr.write("%s: %d régions, %d départements, %d communes written; communes left "
                         "out: %d under %d inhabitants, %d homonyms, %d common words or first "
                         "names, with régions and départements; %d names the gazetteers know\n"
                         % (PROG, len(reg_items), len(dep_items), len(com_items), counts["small"],
                            args.min_population, counts["homonyms"], counts["ambiguous"], counts["known"]))


if __name__ == "__main__":
    main()
