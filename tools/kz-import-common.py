"""Helpers shared by tools/kz-import-geonames and tools/kz-import-wikidata.

Python standard library only. Not a program: the importers load this file
from their own folder (see load_common() in each of them).

What lives here:
  - exit codes (docs/exit-codes.md) and the Fail exception that carries one;
  - reading inputs line by line: a path, `-` for standard input, and
    .gz/.bz2/.xz files decompressed on the fly; lines come as bytes with
    their 1-based number so errors can name file and line;
  - fold() and slug(): the same folding as tools/check-gazetteers.py, and the
    id slugs of docs/gazetteers.md;
  - a YAML writer that always double-quotes and escapes strings, so any name
    (a colon, a leading dash, `yes`, `null`, `#`...) is read back as the
    same string by libyaml (kz-tag) and PyYAML (check-gazetteers);
  - Existing: the ids, Wikidata ids, country codes and names already in a
    gazetteer folder, read with a small line scanner that knows the layout
    of gazetteers/*.yaml (one `- key: value` per entry start, two-space
    keys, flow lists, block lists of scalars or flow mappings);
  - Progress: a progress line on standard error when it is a terminal.
"""

import bz2
import gzip
import lzma
import os
import re
import sys
import tempfile
import time
import unicodedata

EX_OK = 0
EX_USAGE = 64
EX_DATAERR = 65
EX_NOINPUT = 66
EX_SOFTWARE = 70
EX_CANTCREAT = 73
EX_IOERR = 74
EX_CONFIG = 78


class Fail(Exception):
    """A fatal error: message and exit code."""

    def __init__(self, code, msg):
        Exception.__init__(self, msg)
        self.code = code
        self.msg = msg


# ------------------------------------------------------------------ input

def open_binary(path):
    """A binary stream for path ('-' is standard input), decompressing
    .gz, .bz2 and .xz by their suffix. Raises Fail(66) when it cannot be
    opened."""
    if path == "-":
        return sys.stdin.buffer
    try:
        if path.endswith(".gz"):
            return gzip.open(path, "rb")
        if path.endswith(".bz2"):
            return bz2.open(path, "rb")
        if path.endswith(".xz"):
            return lzma.open(path, "rb")
        return open(path, "rb")
    except OSError as e:
        raise Fail(EX_NOINPUT, "cannot open %s: %s" % (path, e.strerror or e))


def read_lines(stream, name):
    """Yield (lineno, bytes line without its end-of-line) from a binary
    stream. A broken compressed stream or a read error is a Fail."""
    n = 0
    try:
        for raw in stream:
            n += 1
            if raw.endswith(b"\n"):
                raw = raw[:-1]
                if raw.endswith(b"\r"):
                    raw = raw[:-1]
            yield n, raw
    except (OSError, EOFError, lzma.LZMAError) as e:
        raise Fail(EX_DATAERR, "%s:%d: read error: %s" % (name, n + 1, e))


# ------------------------------------------------------------------ text

_FOLD_SEP = re.compile(r"['\-\s.]+")


def fold(s):
    """The folding of tools/check-gazetteers.py: no accents, lower case,
    apostrophes, hyphens, dots and spaces as one space."""
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s)
        s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.lower().replace("\u2019", "'")
    return _FOLD_SEP.sub(" ", s).strip()


_SLUG_EXTRA = {"ß": "ss", "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae",
               "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d",
               "ð": "d", "þ": "th", "ı": "i", "ħ": "h"}
_SLUG_BAD = re.compile(r"[^a-z0-9]+")


def slug(s):
    """Lower-case ASCII slug: 'Kassym-Jomart Tokaïev' -> 'kassym-jomart-tokaiev'.
    Letters without an ASCII form are dropped; may return ''."""
    s = "".join(_SLUG_EXTRA.get(c, c) for c in s)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return _SLUG_BAD.sub("-", s).strip("-")


def is_latin(s):
    """True when every letter of s is a Latin letter (digits, spaces and
    punctuation do not count)."""
    for c in s:
        if c.isalpha():
            if c.isascii():
                continue
            try:
                if "LATIN" not in unicodedata.name(c):
                    return False
            except ValueError:
                return False
    return True


def good_variant(v, max_len=100):
    """A spelling worth listing: Latin script, not blank, not too long, no
    brackets or list punctuation, not a single lower-case word (which would
    fire on common words: see docs/gazetteers.md)."""
    if not v or not v.strip() or len(v) > max_len:
        return False
    if any(c in v for c in "()[]{},;/\"|<>=_*@#%\t\n"):
        return False
    if not any(c.isalpha() for c in v):
        return False
    if not is_latin(v):
        return False
    if v == v.lower() and " " not in v.strip():
        return False
    return True


def clean_name(s):
    """NFC, inner runs of white space as one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", s).split())


# ------------------------------------------------------------------ YAML out

_ESC = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r",
        "\0": "\\0", "\a": "\\a", "\b": "\\b", "\v": "\\v", "\f": "\\f",
        "\x1b": "\\e", "\x85": "\\N", "\xa0": "\\_", "\u2028": "\\L",
        "\u2029": "\\P"}


_NEEDS_ESC = re.compile("[\\x00-\\x1f\"\\\\\\x7f-\\xa0\\u2028\\u2029\\ufeff\\ufffe\\uffff\\ud800-\\udfff]")


def _esc(m):
    c = m.group(0)
    e = _ESC.get(c)
    return e if e is not None else "\\u%04x" % ord(c)


def q(s):
    """A YAML double-quoted scalar for the string s (any content)."""
    return '"' + _NEEDS_ESC.sub(_esc, str(s)) + '"'


def flow_map(d):
    """{key: "value", ...} with keys as written (they are schema keys) and
    None values left out."""
    return "{" + ", ".join("%s: %s" % (k, q(v)) for k, v in d.items()
                           if v is not None) + "}"


def entry_yaml(fields):
    """The YAML text of one gazetteer entry. fields is a list of (key, value)
    pairs in output order; a value is a string, a list of strings (written
    as a flow list), or a list whose items are strings or dicts (written as
    a block list of scalars and flow mappings). None and [] are left out."""
    lines = []
    first = True
    for k, v in fields:
        if v is None or v == []:
            continue
        lead = "- " if first else "  "
        first = False
        if isinstance(v, str):
            lines.append("%s%s: %s" % (lead, k, q(v)))
        elif all(isinstance(x, str) for x in v):
            lines.append("%s%s: [%s]" % (lead, k, ", ".join(q(x) for x in v)))
        else:
            lines.append("%s%s:" % (lead, k))
            for x in v:
                lines.append("    - " + (q(x) if isinstance(x, str) else flow_map(x)))
    return "\n".join(lines) + "\n"


class Output:
    """Writes the output YAML to FILE through FILE.tmp renamed at the end
    (so a gazetteer folder never holds half a file), or to standard
    output."""

    def __init__(self, path, prog):
        self.path = path
        self.prog = prog
        self.count = 0
        if path in (None, "-"):
            self.f = sys.stdout
            self.tmp = None
        else:
            d = os.path.dirname(os.path.abspath(path))
            try:
                fd, self.tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path),
                                                suffix=".tmp", dir=d)
                self.f = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
            except OSError as e:
                raise Fail(EX_CANTCREAT, "cannot create %s: %s" % (path, e.strerror or e))

    def header(self, lines):
        self.write("".join("# %s\n" % l if l else "#\n" for l in lines))

    def entry(self, fields):
        self.write("\n" + entry_yaml(fields))
        self.count += 1

    def write(self, text):
        try:
            self.f.write(text)
        except OSError as e:
            raise Fail(EX_IOERR, "cannot write %s: %s" % (self.path or "stdout", e.strerror or e))

    def close(self):
        try:
            self.f.flush()
            if self.tmp:
                self.f.close()
                os.replace(self.tmp, self.path)
                self.tmp = None
        except OSError as e:
            raise Fail(EX_IOERR, "cannot write %s: %s" % (self.path or "stdout", e.strerror or e))

    def abandon(self):
        if self.tmp:
            try:
                self.f.close()
                os.unlink(self.tmp)
            except OSError:
                pass
            self.tmp = None


# ------------------------------------------------------------------ existing gazetteers

def default_gazetteers(script):
    """$KZ_DATA/gazetteers, else the gazetteers/ folder of the checkout the
    importer lives in, else None."""
    data = os.environ.get("KZ_DATA")
    if data and os.path.isdir(os.path.join(data, "gazetteers")):
        return os.path.join(data, "gazetteers")
    here = os.path.dirname(os.path.realpath(script))
    d = os.path.join(os.path.dirname(here), "gazetteers")
    return d if os.path.isdir(d) else None


def _scalar(v):
    v = v.strip()
    if not v:
        return None
    if v[0] == '"':
        out, i = [], 1
        while i < len(v) and v[i] != '"':
            if v[i] == "\\" and i + 1 < len(v):
                i += 1
                out.append({"n": "\n", "t": "\t", "_": "\xa0"}.get(v[i], v[i]))
            else:
                out.append(v[i])
            i += 1
        return "".join(out)
    if v[0] == "'":
        end = v.find("'", 1)
        while end != -1 and v[end + 1:end + 2] == "'":
            end = v.find("'", end + 2)
        return v[1:end if end != -1 else len(v)].replace("''", "'")
    v = re.sub(r"\s+#.*$", "", v)
    if v in ("~", "null", "Null", "NULL"):
        return None
    return v


def _split_flow(body):
    """Split the inside of a one-line flow collection on top-level commas."""
    parts, cur, depth, quote = [], [], 0, None
    i = 0
    while i < len(body):
        c = body[i]
        if quote:
            cur.append(c)
            if c == "\\" and quote == '"' and i + 1 < len(body):
                cur.append(body[i + 1])
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'" and not "".join(cur).strip():
            quote = c
            cur.append(c)
        elif c in "[{":
            depth += 1
            cur.append(c)
        elif c in "]}":
            depth -= 1
            cur.append(c)
        elif c == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    if "".join(cur).strip():
        parts.append("".join(cur))
    return parts


def _strip_comment(v):
    """v without a trailing ' # comment' that stands outside quotes."""
    quote, i = None, 0
    while i < len(v):
        c = v[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'" and (i == 0 or v[i - 1] in " [{,:"):
            quote = c
        elif c == "#" and (i == 0 or v[i - 1] in " \t"):
            return v[:i]
        i += 1
    return v


def _value(v):
    """A one-line YAML value: scalar, [flow, list] or {flow: map}."""
    v = _strip_comment(v).strip()
    if v.startswith("[") and v.rstrip().endswith("]"):
        return [_value(p) for p in _split_flow(v.strip()[1:-1])]
    if v.startswith("{") and v.rstrip().endswith("}"):
        d = {}
        for p in _split_flow(v.strip()[1:-1]):
            k, _, rest = p.partition(":")
            d[k.strip()] = _value(rest)
        return d
    return _scalar(v)


_ENTRY = re.compile(r"^- ([A-Za-z_]+):(.*)$")
_KEY = re.compile(r"^  ([A-Za-z_]+):(.*)$")
_ITEM = re.compile(r"^    - (.*)$")


def scan_gazetteer(path):
    """Yield the entries of a gazetteer file as dicts of the one-line
    values (and block lists) the scanner understands."""
    cur, listkey = None, None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = _ENTRY.match(line)
            if m:
                if cur is not None:
                    yield cur
                cur, listkey = {}, None
                cur[m.group(1)] = _value(m.group(2))
                if not m.group(2).strip():
                    listkey = m.group(1)
                    cur[listkey] = []
                continue
            if cur is None:
                continue
            m = _KEY.match(line)
            if m:
                val = m.group(2)
                if val.strip():
                    cur[m.group(1)] = _value(val)
                    listkey = None
                else:
                    listkey = m.group(1)
                    cur[listkey] = []
                continue
            m = _ITEM.match(line)
            if m and listkey is not None and isinstance(cur.get(listkey), list):
                cur[listkey].append(_value(m.group(1)))
    if cur is not None:
        yield cur


class Existing:
    """What a gazetteer folder already holds, as far as an importer needs:
    ids, Wikidata ids, country codes by Wikidata id, ORG ids, and names."""

    def __init__(self):
        self.ids = {}            # id -> file
        self.by_wikidata = {}    # Q.. -> (id, type)
        self.country_qids = {}   # Q.. -> alpha-2 (countries with wikidata)
        self.codes = set()       # alpha-2 codes of country entries
        self.names = {}          # (type, folded surface) -> [(id, country, kind)]
        self.files = 0

    def load(self, folder, skip=None):
        skip = os.path.realpath(skip) if skip and skip != "-" else None
        try:
            names = sorted(n for n in os.listdir(folder) if n.endswith(".yaml"))
        except OSError as e:
            raise Fail(EX_NOINPUT, "cannot read gazetteer folder %s: %s"
                       % (folder, e.strerror or e))
        for n in names:
            path = os.path.join(folder, n)
            if skip and os.path.realpath(path) == skip:
                continue  # the file being regenerated
            self.files += 1
            try:
                for e in scan_gazetteer(path):
                    self.add(e, path)
            except OSError as e:
                raise Fail(EX_NOINPUT, "cannot read %s: %s" % (path, e.strerror or e))
        return self

    def add(self, e, path):
        i = e.get("id")
        if not isinstance(i, str):
            return
        self.ids.setdefault(i, path)
        t = e.get("type")
        wd = e.get("wikidata")
        if isinstance(wd, str):
            self.by_wikidata.setdefault(wd, (i, t))
        if t == "LOC" and e.get("kind") == "country" and isinstance(e.get("code"), str):
            self.codes.add(e["code"])
            if isinstance(wd, str):
                self.country_qids.setdefault(wd, e["code"])
        where = e.get("country") or e.get("nationality")
        where = where if isinstance(where, str) else None
        kind = e.get("kind") if isinstance(e.get("kind"), str) else None
        surfaces = [e.get("name"), e.get("preferred")]
        for v in e.get("variants") or []:
            surfaces.append(v.get("name") if isinstance(v, dict) else v)
        for s in surfaces:
            if isinstance(s, str) and s:
                self.names.setdefault((t, fold(s)), []).append((i, where, kind))

    def same(self, typ, names, country, wikidata=None, kind=None, exclude=()):
        """The id of an existing entry that is this entity: same Wikidata id,
        else same type, one of the names among its surfaces, the same country
        (or either side without one) and the same kind (or either side
        without one). None when there is none. Ids in exclude (already
        matched by another imported entity) are passed over."""
        if wikidata and wikidata in self.by_wikidata:
            i, t = self.by_wikidata[wikidata]
            if t == typ and i not in exclude:
                return i
        for n in names:
            for i, where, k in self.names.get((typ, fold(n)), ()):
                if i not in exclude and (country is None or where is None or where == country) and \
                        (kind is None or k is None or k == kind):
                    return i
        return None


class Ids:
    """Allocates ids unique against the existing gazetteers and this run."""

    def __init__(self, existing, prefix=""):
        self.existing = existing
        self.prefix = prefix
        self.used = set()

    def taken(self, i):
        return i in self.used or i in self.existing.ids

    def claim(self, i):
        self.used.add(i)
        return i

    def take(self, *choices):
        """The first free id among the choices (each prefixed); the last is
        made free with -2, -3... if needed."""
        pre = self.prefix + "-" if self.prefix else ""
        for c in choices:
            if c and not self.taken(pre + c):
                return self.claim(pre + c)
        base = pre + choices[-1]
        n = 2
        while self.taken("%s-%d" % (base, n)):
            n += 1
        return self.claim("%s-%d" % (base, n))


# ------------------------------------------------------------------ progress, messages

class Reporter:
    """Error messages (a bounded number of them), progress and summary on
    standard error."""

    def __init__(self, prog, quiet=False, max_errors=20, every=100000):
        self.prog = prog
        self.quiet = quiet
        self.max_errors = max_errors
        self.errors = 0
        self.warnings = 0
        self.every = every
        self.tty = sys.stderr.isatty() and not quiet and every > 0
        self.shown = False
        self.t0 = time.monotonic()

    def _clear(self):
        if self.shown:
            sys.stderr.write("\r\033[K")
            self.shown = False

    def error(self, msg):
        self.errors += 1
        if self.errors <= self.max_errors:
            self._clear()
            sys.stderr.write("%s: %s\n" % (self.prog, msg))
        elif self.errors == self.max_errors + 1:
            self._clear()
            sys.stderr.write("%s: more errors: only the first %d are shown\n"
                             % (self.prog, self.max_errors))

    def warn(self, msg):
        self.warnings += 1
        if not self.quiet and self.warnings <= self.max_errors:
            self._clear()
            sys.stderr.write("%s: warning: %s\n" % (self.prog, msg))

    def tick(self, n, what):
        """Call for every unit; prints what() every `every` units on a tty."""
        if self.tty and n % self.every == 0:
            sys.stderr.write("\r\033[K%s: %s (%.0f s)" % (self.prog, what(),
                                                         time.monotonic() - self.t0))
            sys.stderr.flush()
            self.shown = True

    def summary(self, text):
        self._clear()
        if not self.quiet:
            sys.stderr.write("%s: %s\n" % (self.prog, text))


def split_list(s):
    return [x.strip() for x in s.split(",") if x.strip()] if s else []


def parse_date_text(s):
    """A free-text date from GeoNames or a mapping file as a kz date
    (YYYY or YYYY-MM-DD), or None. Accepts YYYY, YYYY-MM, YYYY-MM-DD and
    YYYYMMDD."""
    import datetime
    s = (s or "").strip()
    m = re.match(r"^(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?$", s)
    if not m:
        return None
    y = int(m.group(1))
    if not 1000 <= y <= 2999:
        return None
    if m.group(2) is None:
        return "%04d" % y
    mo, d = int(m.group(2)), int(m.group(3) or 1)
    try:
        datetime.date(y, mo, d)
    except ValueError:
        return "%04d" % y
    return "%04d-%02d-%02d" % (y, mo, d)
