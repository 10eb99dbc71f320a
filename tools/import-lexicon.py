#!/usr/bin/env python3
"""Import Debian's French lexicon (hunspell-fr-comprehensive) into rules/.

Reads the Hunspell dictionary fr.dic and its affix file fr.aff (Grammalecte's
lexicon, with morphological tags: po:prn first name, po:patr surname, po:npr
proper noun, po:nom common noun; is:mas, is:fem, is:epi gender) and writes:

  rules/firstnames.yaml     first names by gender (masculine:, feminine:,
                            firstnames: for those used for both), the
                            curated list tools/data/firstnames-curated.yaml
                            first (it wins on gender), then the lexicon's
                            po:prn names it lacks, but for those that are
                            also common words (Mars, Prudence, Fleur)
  rules/lexicon-nouns.yaml  common_nouns: every form (singular, plural,
                            feminine, from the affix rules) of the lexicon's
                            common nouns that is never a first name, a
                            surname or a proper noun there: a capitalised
                            "Directeur", "Rapporteur", "Publicité" is a word,
                            not a name; "Pierre", "Rose", "Martin" are not
                            listed, being first names too
  rules/lexicon-surnames.yaml  surnames: the lexicon's po:patr entries
                            (Dupont, Fontaine, Thiers), for telling a place
                            or a word that is also a family name

Both files say at their top that they are generated, by what, from which
package version. Python 3 standard library only.

Usage: tools/import-lexicon.py [--dic FILE] [--aff FILE] [--curated FILE]
                               [--rules DIR] [--version V] [-q]
  --dic, --aff  default /usr/share/hunspell/fr.dic and fr.aff (package
                hunspell-fr-comprehensive: `dpkg -L hunspell-fr-comprehensive`)
  --curated     default tools/data/firstnames-curated.yaml
  --rules       output folder, default the checkout's rules/
  --version     the source's version for the headers (default: asked of dpkg)

Exit status: 0 done, 64 bad usage, 65 malformed input (file and line named,
nothing written), 66 an input could not be read, 73 an output not written.
"""

import argparse
import os
import re
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = "hunspell-fr-comprehensive"


class InputError(Exception):
    pass


def package_version(name):
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", name],
                             capture_output=True, text=True, check=False)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def read_lines(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().splitlines()
    except OSError as e:
        raise OSError("%s: %s" % (path, e.strerror))
    except UnicodeDecodeError as e:
        raise InputError("%s: not UTF-8 (byte %d)" % (path, e.start))


# ---------------------------------------------------------------- affixes

def split_flags(flags, kind):
    """Hunspell flag strings: FLAG long = two characters each, num = comma
    separated numbers, else one character each."""
    if kind == "long":
        return [flags[i:i + 2] for i in range(0, len(flags), 2)]
    if kind == "num":
        return [x for x in flags.split(",") if x]
    return list(flags)


def read_aff(path):
    """The suffix rules: flag -> list of (strip, add, condition regex, morph)."""
    kind = "char"
    sfx = {}
    for no, line in enumerate(read_lines(path), 1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        if parts[0] == "FLAG" and len(parts) > 1:
            kind = parts[1]
        elif parts[0] == "SFX":
            if len(parts) == 4 and parts[2] in ("Y", "N"):
                sfx.setdefault(parts[1], [])   # group header
                continue
            if len(parts) < 5:
                raise InputError("%s:%d: SFX rule needs flag, strip, add and condition"
                                 % (path, no))
            flag, strip, add, cond = parts[1:5]
            strip = "" if strip == "0" else strip
            add = add.split("/", 1)[0]
            add = "" if add == "0" else add
            try:
                rx = re.compile("(?:" + cond + ")$") if cond != "." else None
            except re.error:
                raise InputError("%s:%d: bad SFX condition %r" % (path, no, cond))
            sfx.setdefault(flag, []).append((strip, add, rx, " ".join(parts[5:])))
    return kind, sfx


def expand(word, flags, sfx):
    """The word and every form its suffix flags make of it."""
    out = [word]
    for fl in flags:
        for strip, add, rx, _ in sfx.get(fl, ()):
            if rx is not None and not rx.search(word):
                continue
            if strip and not word.endswith(strip):
                continue
            out.append(word[:len(word) - len(strip)] + add)
    return out


# ---------------------------------------------------------------- dictionary

def read_dic(path, flag_kind):
    """Entries (word, flags, set of tags) of a .dic file."""
    lines = read_lines(path)
    if not lines or not lines[0].strip().isdigit():
        raise InputError("%s:1: the first line must be the entry count" % path)
    for no, line in enumerate(lines[1:], 2):
        if not line.strip() or line.startswith(("#", "\t")):
            continue
        head, _, morph = line.partition(" ")
        if "\t" in head:
            head, _, more = head.partition("\t")
            morph = more + " " + morph
        word, _, flags = head.partition("/")
        if not word:
            raise InputError("%s:%d: entry without a word" % (path, no))
        yield no, word, split_flags(flags, flag_kind), set(morph.split())


def fold(s):
    s = unicodedata.normalize("NFD", s.lower())
    return "".join(c for c in s if unicodedata.category(c) != "Mn")


# ---------------------------------------------------------------- curated list

def read_curated(path):
    """The curated first names: {key: [names]} in file order."""
    out = {"masculine": [], "feminine": [], "firstnames": []}
    key = None
    for no, line in enumerate(read_lines(path), 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        m = re.match(r"^(\w+):\s*$", line)
        if m:
            key = m.group(1)
            if key not in out:
                raise InputError("%s:%d: unknown list %r (masculine, feminine, firstnames)"
                                 % (path, no, key))
            continue
        m = re.match(r"^\s+- (.+?)\s*$", line)
        if not m or key is None:
            raise InputError("%s:%d: expected '  - Name' under masculine:, feminine: "
                             "or firstnames:" % (path, no))
        name = m.group(1).strip('"')
        if not name[:1].isupper():
            raise InputError("%s:%d: first name %r must start with a capital"
                             % (path, no, name))
        out[key].append(name)
    return out


# ---------------------------------------------------------------- output

PLAIN = re.compile(r"^[^\W\d_][\w\-'’. ]*$")
YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def q(s):
    if PLAIN.match(s) and s.lower() not in YAML_WORDS and ": " not in s \
            and not s.endswith((":", " ")):
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description="Import hunspell-fr-comprehensive into rules/.")
    ap.add_argument("--dic", default="/usr/share/hunspell/fr.dic")
    ap.add_argument("--aff")
    ap.add_argument("--curated", default=os.path.join(HERE, "data", "firstnames-curated.yaml"))
    ap.add_argument("--rules", default=os.path.join(HERE, "..", "rules"))
    ap.add_argument("--version")
    ap.add_argument("-q", "--quiet", action="store_true")
    try:
        args = ap.parse_args()
    except SystemExit as e:
        sys.exit(64 if e.code else 0)
    aff = args.aff or re.sub(r"\.dic$", "", args.dic) + ".aff"
    version = args.version or package_version(PACKAGE)
    try:
        flag_kind, sfx = read_aff(aff)
        curated = read_curated(args.curated)
        entries = list(read_dic(args.dic, flag_kind))
    except InputError as e:
        print("import-lexicon: %s" % e, file=sys.stderr)
        sys.exit(65)
    except OSError as e:
        print("import-lexicon: %s" % e, file=sys.stderr)
        sys.exit(66)

    # first names: the curated ones, then the lexicon's
    gender_key = {"is:mas": "masculine", "is:fem": "feminine", "is:epi": "firstnames"}
    names = {k: list(v) for k, v in curated.items()}
    seen = set(n for v in names.values() for n in v)
    proper = set()            # folded forms that are names in the lexicon
    words = set()             # lower-case words of another part of speech
    for no, word, flags, tags in entries:
        if tags & {"po:prn", "po:patr", "po:npr"}:
            proper.add(fold(word))
        elif word[:1].islower():
            words.add(word)
    added = 0
    for no, word, flags, tags in entries:
        # a first name that is also a common word (Mars, Prudence, Fleur,
        # Hermès) would make names of sentences: only the curated list
        # may hold it
        if "po:prn" in tags and word not in seen and word[:1].isupper() \
                and word.lower() not in words:
            key = next((gender_key[t] for t in ("is:mas", "is:fem", "is:epi") if t in tags),
                       "firstnames")
            names[key].append(word)
            seen.add(word)
            added += 1
    lexicon_names = {k: sorted(v[len(curated[k]):]) for k, v in names.items()}

    # common nouns never used as a name
    nouns = set()
    for no, word, flags, tags in entries:
        if "po:nom" not in tags or not word[:1].islower() or any(c.isdigit() for c in word):
            continue
        for form in expand(word, flags, sfx):
            if form and form[:1].islower() and fold(form) not in proper:
                nouns.add(form)

    curated_name = os.path.relpath(args.curated, os.path.join(HERE, ".."))
    src = "Debian package %s %s (%s)" % (PACKAGE, version, os.path.basename(args.dic))
    out = []
    w = out.append
    w("# generated by tools/import-lexicon.py -- do not edit by hand: edit\n")
    w("# tools/data/firstnames-curated.yaml (its lists come first and win on\n")
    w("# gender) and rerun the script.\n")
    w("# first names: the curated list, then the po:prn names of\n# %s.\n#\n" % src)
    w("# masculine: nearly always men's names; feminine: women's; firstnames:\n")
    w("# used for both or not known. kz-tag takes them all as first names and\n")
    w("# kz-quotes uses the gender to tell \"il\" from \"elle\".\n")
    for key in ("masculine", "feminine", "firstnames"):
        w("\n%s:\n" % key)
        w("  # --- curated (%s)\n" % curated_name)
        for n in curated[key]:
            w("  - %s\n" % q(n))
        w("  # --- from the lexicon\n")
        for n in lexicon_names[key]:
            w("  - %s\n" % q(n))
    fn_text = "".join(out)

    out = []
    w = out.append
    w("# generated by tools/import-lexicon.py from %s -- do not edit by hand.\n" % src)
    w("#\n# common_nouns: every form of the lexicon's common nouns (po:nom, with\n")
    w("# the plural and feminine of its affix rules) that is never a first\n")
    w("# name, surname or proper noun there (po:prn, po:patr, po:npr). A\n")
    w("# capitalised word of this list (\"Le Directeur\", \"Rapporteur\") is a\n")
    w("# common noun, not a name; \"Pierre\" or \"Martin\" are not listed.\n")
    w("\ncommon_nouns:\n")
    for n in sorted(nouns, key=lambda s: (fold(s), s)):
        w("  - %s\n" % q(n))
    nouns_text = "".join(out)

    fn_path = os.path.join(args.rules, "firstnames.yaml")
    nouns_path = os.path.join(args.rules, "lexicon-nouns.yaml")
    surnames_path = os.path.join(args.rules, "lexicon-surnames.yaml")
    surnames = sorted(set(word for no, word, flags, tags in entries
                          if "po:patr" in tags and word[:1].isupper()),
                      key=lambda s: (fold(s), s))
    sn_text = ("# generated by tools/import-lexicon.py from %s -- do not edit by hand.\n"
               "#\n# surnames: the lexicon's family names (po:patr), as printed.\n"
               "\nsurnames:\n" % src) + "".join("  - %s\n" % q(n) for n in surnames)
    try:
        write_atomic(fn_path, fn_text)
        write_atomic(nouns_path, nouns_text)
        write_atomic(surnames_path, sn_text)
    except OSError as e:
        print("import-lexicon: %s: %s" % (e.filename or args.rules, e.strerror), file=sys.stderr)
        sys.exit(73)
    if not args.quiet:
        print("import-lexicon: %s: %d first names (%d curated, %d from the lexicon: "
              "%d masculine, %d feminine, %d either); %s: %d common noun forms; %s: %d surnames"
              % (os.path.normpath(fn_path), len(seen), len(seen) - added, added,
                 len(lexicon_names["masculine"]), len(lexicon_names["feminine"]),
                 len(lexicon_names["firstnames"]), os.path.normpath(nouns_path), len(nouns),
                 os.path.normpath(surnames_path), len(surnames)),
              file=sys.stderr)


if __name__ == "__main__":
    main()
