#!/usr/bin/env python3
"""Generate rules/speech-verbs.yaml: French verbs of speech and report.

The list of verbs (which verbs introduce a quotation, their kind, the forms
that are also other words) is written here; their conjugation comes from
Debian's package verbiste (French conjugation data,
/usr/share/verbiste-*/verbs-fr.xml and conjugation-fr.xml): every form is
the verb's radical plus an ending of its verbiste template, variants
included (balaie/balaye, assied/assoit). Verbs verbiste lacks are
conjugated like the model verb given in MODELS (tweeter like aimer).
Multi-word verbs (mettre en garde, faire savoir) are their first verb
conjugated plus the fixed tail.

Each entry of the output:
  lemma        infinitive; pronominal verbs with their pronoun: s'indigner,
               se demander
  kind         speech (the subject utters words) or report (the subject
               relays information: indique, précise, rapporte, a-t-on appris)
  pronominal   true/false; forms never carry the pronoun
  forms        3rd person singular and plural of présent, imparfait, passé
               simple, futur, conditionnel; past participle (m-s, f-s, m-p,
               f-p); present participle; infinitive
  other_forms  1st/2nd person forms (je, nous, vous) of the same tenses,
               minus those already in forms
  ambiguous    (optional) forms, from forms or other_forms, that are also
               common nouns/adjectives/other words (note, demande, juge...)
  incise_only  (optional) true: a speech verb only next to a quotation
               (« ... », fait-il / sourit-elle / poursuit-il)
  multiword    (optional) true: every form contains spaces (met en garde)

Python standard library only.
Usage: python3 tools/gen-speech-verbs.py [--verbiste DIR] [--lemmas A,B] [OUTPUT]
  OUTPUT      default rules/speech-verbs.yaml ("-": standard output)
  --verbiste  folder holding verbs-fr.xml and conjugation-fr.xml
              (default: the newest /usr/share/verbiste-*)
  --lemmas    only these lemmas of the list (tests use a small fixture)
Exit status: 0 done, 64 bad usage, 66 verbiste data missing, 65 a verb of
the list has no conjugation (named), 73 output not written.
"""

import argparse
import glob
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

# ---------------------------------------------------------------------------
# The verbs: (lemma, kind, ambiguous forms[, flags])
# flags: "i" = incise_only, "v" = participle does not agree (ri, fait savoir)

VERBS = [
    # -- saying, stating, asserting
    ("déclarer", "speech", []),
    ("affirmer", "speech", []),
    ("réaffirmer", "speech", []),
    ("revendiquer", "speech", []),
    ("avancer", "speech", ["avance"]),
    ("insinuer", "speech", []),
    ("approuver", "speech", []),
    ("désapprouver", "speech", []),
    ("acquiescer", "speech", []),
    ("s'enthousiasmer", "speech", []),
    ("rectifier", "speech", []),
    ("corriger", "speech", [], "i"),
    ("assurer", "speech", ["assuré", "assurés"]),
    ("souligner", "speech", []),
    ("insister", "speech", []),
    ("ajouter", "speech", []),
    ("préciser", "report", ["précise"]),
    ("expliquer", "speech", []),
    ("indiquer", "report", []),
    ("estimer", "speech", ["estime"]),
    ("juger", "speech", ["juge"]),
    ("considérer", "speech", []),
    ("penser", "speech", ["pensée", "pensées"]),
    ("clamer", "speech", []),
    ("proclamer", "speech", []),
    ("scander", "speech", []),
    ("marteler", "speech", []),
    ("répéter", "speech", []),
    ("réitérer", "speech", []),
    ("assener", "speech", []),
    ("asséner", "speech", []),
    ("rappeler", "speech", []),
    ("lancer", "speech", ["lance"]),
    ("lâcher", "speech", ["lâche"]),
    ("glisser", "speech", ["glisse"]),
    ("souffler", "speech", ["souffle"]),
    ("tonner", "speech", ["tonne"]),
    ("tempêter", "speech", ["tempête"]),
    ("fulminer", "speech", []),
    ("pester", "speech", ["peste"]),
    ("vociférer", "speech", []),
    ("hurler", "speech", []),
    ("crier", "speech", []),
    ("s'écrier", "speech", []),
    ("s'exclamer", "speech", []),
    ("murmurer", "speech", ["murmure"]),
    ("chuchoter", "speech", []),
    ("soupirer", "speech", [], "i"),
    ("plaisanter", "speech", []),
    ("ricaner", "speech", [], "i"),
    ("s'amuser", "speech", [], "i"),
    ("s'esclaffer", "speech", [], "i"),
    ("ironiser", "speech", []),
    ("railler", "speech", []),
    ("se moquer", "speech", []),
    ("trancher", "speech", ["tranche"]),
    ("résumer", "speech", ["résumé", "résumés"]),
    ("enchaîner", "speech", [], "i"),
    ("continuer", "speech", [], "i"),
    ("compléter", "speech", [], "i"),
    ("s'exprimer", "speech", []),
    ("s'adresser", "speech", []),
    ("se déclarer", "speech", []),
    ("se prononcer", "speech", []),
    ("s'épancher", "speech", []),
    ("commenter", "speech", []),
    ("tweeter", "speech", []),
    ("twitter", "speech", ["twitter"]),
    ("publier", "report", []),
    ("poster", "report", ["poste"]),
    ("relayer", "report", []),
    # -- reporting, informing
    ("rapporter", "report", []),
    ("relater", "report", []),
    ("raconter", "speech", []),
    ("témoigner", "speech", []),
    ("confier", "speech", []),
    ("se confier", "speech", []),
    ("annoncer", "report", ["annonce"]),
    ("informer", "report", []),
    ("notifier", "report", []),
    ("communiquer", "report", ["communiqué", "communiqués"]),
    ("signaler", "report", []),
    ("mentionner", "report", []),
    ("évoquer", "report", []),
    ("parler", "report", []),       # "il a parlé d'une « victoire »"
    ("citer", "report", ["cité", "cités", "citée", "citées"]),
    ("détailler", "report", ["détaillé", "détaillée", "détaillés", "détaillées"]),
    ("spécifier", "report", []),
    ("expliciter", "report", []),
    ("clarifier", "speech", []),
    ("exposer", "speech", []),
    ("dévoiler", "report", []),
    ("révéler", "report", []),
    ("divulguer", "report", []),
    ("noter", "report", ["note"]),
    ("remarquer", "speech", []),
    ("observer", "speech", []),
    ("relever", "report", ["relève"]),
    ("constater", "speech", []),
    ("pointer", "speech", ["pointe"]),
    ("analyser", "speech", ["analyse"]),
    ("décrypter", "speech", []),
    ("pronostiquer", "speech", []),
    # -- confirming, denying, admitting
    ("confirmer", "report", []),
    ("certifier", "speech", []),
    ("attester", "speech", []),
    ("jurer", "speech", ["juré", "jurés"]),
    ("nier", "speech", []),
    ("dénier", "speech", []),
    ("infirmer", "speech", ["infirme"]),
    ("contester", "speech", ["conteste"]),
    ("récuser", "speech", []),
    ("réfuter", "speech", []),
    ("rejeter", "speech", []),
    ("balayer", "speech", []),
    ("objecter", "speech", []),
    ("protester", "speech", ["protestant"]),
    ("avouer", "speech", ["avoué", "avoués"]),
    ("confesser", "speech", []),
    ("concéder", "speech", []),
    ("nuancer", "speech", ["nuance"]),
    ("tempérer", "speech", []),
    ("relativiser", "speech", []),
    ("minimiser", "speech", []),
    ("dédramatiser", "speech", []),
    ("rassurer", "speech", []),
    # -- answering
    ("répliquer", "speech", ["réplique"]),
    ("rétorquer", "speech", []),
    ("riposter", "speech", ["riposte"]),
    ("réagir", "speech", []),
    ("renchérir", "speech", []),
    ("surenchérir", "speech", []),
    # -- asking
    ("demander", "speech", ["demande"]),
    ("se demander", "speech", []),
    ("s'interroger", "speech", []),
    ("interroger", "speech", ["interrogé", "interrogée", "interrogés", "interrogées"]),
    ("questionner", "speech", ["questionné", "questionnée", "questionnés", "questionnées"]),
    # -- arguing, justifying
    ("plaider", "speech", []),
    ("argumenter", "speech", []),
    ("arguer", "speech", []),
    ("alléguer", "speech", []),
    ("justifier", "speech", []),
    ("se justifier", "speech", []),
    ("s'expliquer", "speech", []),
    ("qualifier", "speech", ["qualifié", "qualifiée", "qualifiés", "qualifiées"]),
    # -- asking for, urging, advising
    ("exhorter", "speech", []),
    ("appeler", "speech", ["appelé", "appelés"]),
    ("inviter", "speech", ["invité", "invitée", "invités", "invitées"]),
    ("inciter", "speech", []),
    ("implorer", "speech", []),
    ("supplier", "speech", []),
    ("encourager", "speech", []),
    ("réclamer", "speech", []),
    ("exiger", "speech", []),
    ("sommer", "speech", ["somme"]),
    ("ordonner", "speech", []),
    ("intimer", "speech", []),
    ("prôner", "speech", []),
    ("préconiser", "speech", []),
    ("recommander", "speech", []),
    ("conseiller", "speech", ["conseiller"]),
    ("suggérer", "speech", []),
    ("proposer", "speech", []),
    ("souhaiter", "speech", []),
    ("espérer", "speech", []),
    ("s'engager", "speech", []),
    # -- criticising
    ("dénoncer", "speech", []),
    ("condamner", "speech", ["condamné", "condamnés", "condamnée", "condamnées"]),
    ("fustiger", "speech", []),
    ("critiquer", "speech", ["critique"]),
    ("blâmer", "speech", ["blâme"]),
    ("reprocher", "speech", []),
    ("accuser", "speech", ["accusé", "accusés", "accusée", "accusées"]),
    ("stigmatiser", "speech", []),
    ("épingler", "speech", []),
    ("vilipender", "speech", []),
    ("tancer", "speech", []),
    ("sermonner", "speech", []),
    ("admonester", "speech", []),
    ("morigéner", "speech", []),
    ("apostropher", "speech", []),
    ("interpeller", "speech", ["interpellé", "interpellés", "interpellée", "interpellées"]),
    ("haranguer", "speech", []),
    ("menacer", "speech", ["menace"]),
    ("alerter", "speech", ["alerte"]),
    # -- feelings expressed
    ("regretter", "speech", ["regretté"]),
    ("déplorer", "speech", []),
    ("se désoler", "speech", []),
    ("se lamenter", "speech", []),
    ("s'inquiéter", "speech", []),
    ("s'alarmer", "speech", []),
    ("s'étonner", "speech", []),
    ("s'indigner", "speech", []),
    ("s'insurger", "speech", []),
    ("s'offusquer", "speech", []),
    ("s'agacer", "speech", []),
    ("s'emporter", "speech", []),
    ("s'élever", "speech", []),
    ("se féliciter", "speech", []),
    ("féliciter", "speech", []),
    ("saluer", "speech", ["salue"]),
    ("remercier", "speech", []),
    ("se vanter", "speech", []),
    ("se targuer", "speech", []),
    ("s'excuser", "speech", []),
    # -- 2nd group
    ("avertir", "speech", ["averti"]),
    ("garantir", "speech", []),
    ("applaudir", "speech", []),
    ("rugir", "speech", []),
    ("gémir", "speech", []),
    ("se réjouir", "speech", []),
    ("s'enorgueillir", "speech", []),
    # -- answering, claiming, admitting, warning (other conjugations)
    ("répondre", "speech", ["répondant"]),
    ("prétendre", "speech", ["prétendu", "prétendue", "prétendus", "prétendues"]),
    ("défendre", "speech", []),
    ("se défendre", "speech", []),
    ("sous-entendre", "speech", ["sous-entendu", "sous-entendus"]),
    ("dire", "speech", ["dire", "dite", "dites", "dits"]),
    ("se dire", "speech", ["dire", "dite", "dites", "dits"]),
    ("redire", "speech", []),
    ("contredire", "speech", []),
    ("prédire", "speech", []),
    ("écrire", "speech", ["écrit", "écrits"]),
    ("décrire", "report", []),
    ("dépeindre", "report", []),
    ("reconnaître", "speech", ["reconnaissant"]),
    ("admettre", "speech", ["admis"]),
    ("promettre", "speech", ["promis", "promise", "promises"]),
    ("prévenir", "speech", ["prévenu", "prévenus", "prévenant"]),
    ("convenir", "speech", ["convient", "convenu", "convenant"]),
    ("soutenir", "speech", []),
    ("maintenir", "speech", ["maintenant"]),
    ("se souvenir", "speech", ["souvenir"]),
    ("conclure", "speech", ["concluant"]),
    ("exclure", "speech", []),
    ("croire", "speech", ["cru", "crue", "crus", "crues", "croyant"]),
    ("craindre", "speech", ["crainte", "craintes"]),
    ("se plaindre", "speech", ["plainte", "plaintes", "plaignant"]),
    ("enjoindre", "speech", []),
    ("démentir", "speech", ["démenti", "démentis"]),
    ("s'enquérir", "speech", []),
    ("s'émouvoir", "speech", ["émouvant"]),
    ("lire", "report", ["lit", "lire", "lu", "lus"]),
    ("apprendre", "report", ["apprenant"]),
    ("poursuivre", "speech", ["poursuivi", "poursuivis", "poursuivie", "poursuivies"], "i"),
    ("reprendre", "speech", ["reprise", "reprises"], "i"),
    ("repartir", "speech", [], "i"),
    ("sourire", "speech", ["sourire", "souriant", "souris"], "iv"),
    ("rire", "speech", ["rire"], "iv"),
    ("faire", "speech", ["fait", "faite", "faits", "faites", "faire"], "i"),
    ("mettre en garde", "speech", ["mise en garde", "mises en garde"]),
    ("faire savoir", "report", [], "v"),
    ("faire comprendre", "speech", [], "v"),
    ("laisser entendre", "speech", [], "v"),
    ("faire valoir", "speech", [], "v"),
    ("faire remarquer", "speech", [], "v"),
    ("faire observer", "speech", [], "v"),
    ("faire état", "report", [], "v"),
    ("faire part", "report", ["faire part"], "v"),
]

# Verbs verbiste does not list, conjugated like a model verb it does.
MODELS = {
    "tweeter": "aimer",
    "twitter": "aimer",
}

# ---------------------------------------------------------------------------
# verbiste data

# The tenses kept, as (mood, tense) paths of conjugation-fr.xml, with the
# persons (0 = je ... 5 = ils) that go to forms and to other_forms.
THIRD = (2, 5)
TENSES = [
    (("indicative", "present"), THIRD, (0, 3, 4)),
    (("indicative", "imperfect"), THIRD, (0, 3, 4)),
    (("indicative", "simple-past"), THIRD, (0,)),
    (("indicative", "future"), THIRD, (0, 3, 4)),
    (("conditional", "present"), THIRD, (0, 3, 4)),
]


class DataError(Exception):
    pass


def find_verbiste(explicit):
    if explicit:
        return explicit
    dirs = sorted(glob.glob("/usr/share/verbiste-*"))
    if not dirs:
        raise DataError("verbiste data not found in /usr/share/verbiste-* "
                        "(apt-get install verbiste, or give --verbiste DIR)")
    return dirs[-1]


def package_version(name):
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", name],
                             capture_output=True, text=True, check=False)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def parse_xml(path):
    try:
        return ET.parse(path).getroot()
    except OSError as e:
        raise DataError("%s: %s" % (path, e.strerror))
    except ET.ParseError as e:
        raise DataError("%s: line %d: %s" % (path, e.position[0], e))


def person_lists(node):
    """The <p> children of a tense: one list of endings per person
    (several when verbiste gives variants, none when the form is missing)."""
    return [[i.text or "" for i in p.findall("i")] for p in node.findall("p")]


class Verbiste:
    def __init__(self, folder):
        vpath = os.path.join(folder, "verbs-fr.xml")
        cpath = os.path.join(folder, "conjugation-fr.xml")
        self.template_of = {}
        for v in parse_xml(vpath).iter("v"):
            inf, tpl = v.findtext("i"), v.findtext("t")
            if inf and tpl:
                self.template_of.setdefault(inf, tpl)
        self.templates = {}
        for t in parse_xml(cpath).iter("template"):
            self.templates[t.get("name")] = t
        self.folder = folder

    def conjugate(self, inf):
        """The forms of infinitive `inf` as a dict: finite (3rd persons of
        the tenses kept), other (je/nous/vous), pp (the four past
        participles m-s, f-s, m-p, f-p, each a list of variants), ppr;
        None when verbiste has no template for it."""
        model = MODELS.get(inf, inf)
        tname = self.template_of.get(model)
        if tname is None or tname not in self.templates or ":" not in tname:
            return None
        ending = tname.split(":", 1)[1]
        if not inf.endswith(ending):
            return None
        radical = inf[:-len(ending)]
        tpl = self.templates[tname]

        def endings(path):
            node = tpl.find(path)
            return person_lists(node) if node is not None else []

        def of(persons, k):
            return [radical + e for e in persons[k]] if k < len(persons) else []

        def with_traditional(forms, path):
            # verbiste gives some -é_er verbs only the 1990 futur
            # (allèguera); news also prints the traditional one (alléguera)
            if path[-1] != "future" and path[0] != "conditional":
                return forms
            stem = inf[:-1]
            out = []
            for x in forms:
                head = x[:len(stem)]
                if head != stem and head.replace("è", "é") == stem.replace("è", "é"):
                    out.append(stem + x[len(stem):])
                out.append(x)
            return out

        finite, other = [], []
        for path, third, others in TENSES:
            persons = endings("/".join(path))
            for k in third:
                finite += with_traditional(of(persons, k), path)
            for k in others:
                other += with_traditional(of(persons, k), path)
        pps = endings("participle/past-participle")
        # verbiste orders them m-s, m-p, f-s, f-p
        pp = [of(pps, k) for k in (0, 2, 1, 3)]
        ppr = [x for k in range(1) for x in of(endings("participle/present-participle"), k)]
        return dict(finite=finite, other=other, pp=pp, ppr=ppr)


# ---------------------------------------------------------------------------

def split_pronoun(lemma):
    if lemma.startswith("se "):
        return True, lemma[3:]
    if lemma.startswith("s'"):
        return True, lemma[2:]
    return False, lemma


def add_variants(forms):
    """1990 spelling: î -> i (reconnaît/reconnait, enchaîne/enchaine)."""
    out = []
    for x in forms:
        out.append(x)
        if "î" in x:
            out.append(x.replace("î", "i"))
    return out


def uniq(xs):
    seen = set()
    out = []
    for x in xs:
        if x and x not in seen:
            seen.add(x)
            out.append(x)
    return out


def build(vb, only=None):
    verbs = []
    lemmas = set()
    bad = []
    for item in VERBS:
        lemma, kind, amb = item[:3]
        flags = item[3] if len(item) > 3 else ""
        if only is not None and lemma not in only:
            continue
        if lemma in lemmas:
            raise DataError("duplicate lemma %s" % lemma)
        lemmas.add(lemma)
        pron, rest = split_pronoun(lemma)
        base, _, tail = rest.partition(" ")
        tail = " " + tail if tail else ""
        conj = vb.conjugate(base)
        if conj is None:
            bad.append("%s: verbiste has no conjugation for %r (add it to MODELS)"
                       % (lemma, base))
            continue
        pp = conj["pp"][:1] if "v" in flags else conj["pp"]
        f = conj["finite"] + [x for p in pp for x in p] + conj["ppr"] + [base]
        f = uniq(add_variants([x + tail for x in f]))
        o = [x for x in uniq(add_variants([x + tail for x in conj["other"]]))
             if x not in f]
        allf = set(f) | set(o)
        for a in amb:
            if a not in allf:
                bad.append("%s: ambiguous form %r is not one of its forms" % (lemma, a))
        verbs.append(dict(lemma=lemma, kind=kind, pronominal=pron, forms=f,
                          other=o, amb=amb, incise="i" in flags, multi=bool(tail)))
    if only is not None:
        for l in sorted(set(only) - lemmas):
            bad.append("%s: not in the list of verbs" % l)
    if bad:
        raise DataError("\n".join(bad))
    return verbs


PLAIN = re.compile(r"^[^\W\d_][\w\-]*( [\w\-]+)*$")
YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def q(s):
    if PLAIN.match(s) and s.lower() not in YAML_WORDS:
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def flow(xs):
    return "[" + ", ".join(q(x) for x in xs) + "]"


def emit(verbs, out, source):
    w = out.write
    w("# generated by tools/gen-speech-verbs.py -- do not edit by hand;\n")
    w("# edit the lists in that script and rerun it.\n")
    w("# conjugations from %s\n" % source)
    w("#\n")
    w("# French verbs that introduce or follow a quotation in news text.\n")
    w("# verbs: list of\n")
    w("#   lemma:        infinitive; pronominal verbs carry their pronoun (s'indigner, se demander)\n")
    w("#   kind:         speech (the subject utters the words) | report (relays information)\n")
    w("#   pronominal:   true | false (forms never carry the pronoun: indigne, indigné)\n")
    w("#   forms:        3rd person sg/pl of présent, imparfait, passé simple, futur, conditionnel;\n")
    w("#                 past participle m-s f-s m-p f-p; present participle; infinitive\n")
    w("#   other_forms:  1st/2nd person (je/nous/vous) forms not already in forms\n")
    w("#   ambiguous:    (optional) forms that are also common nouns/adjectives/other words\n")
    w("#   incise_only:  (optional) true = speech verb only next to a quotation (« ... », fait-il)\n")
    w("#   multiword:    (optional) true = forms contain spaces (met en garde, a fait savoir)\n")
    w("# A form may belong to several entries (demander / se demander).\n")
    w("\nverbs:\n")
    for v in verbs:
        w("  - lemma: %s\n" % q(v["lemma"]))
        w("    kind: %s\n" % v["kind"])
        w("    pronominal: %s\n" % ("true" if v["pronominal"] else "false"))
        w("    forms: %s\n" % flow(v["forms"]))
        w("    other_forms: %s\n" % flow(v["other"]))
        if v["amb"]:
            w("    ambiguous: %s\n" % flow(v["amb"]))
        if v["incise"]:
            w("    incise_only: true\n")
        if v["multi"]:
            w("    multiword: true\n")


def main():
    ap = argparse.ArgumentParser(description="Generate rules/speech-verbs.yaml from verbiste.")
    ap.add_argument("--verbiste", help="folder of verbs-fr.xml and conjugation-fr.xml")
    ap.add_argument("--lemmas", help="comma-separated lemmas: only these")
    ap.add_argument("output", nargs="?")
    try:
        args = ap.parse_args()
    except SystemExit as e:
        sys.exit(64 if e.code else 0)
    here = os.path.dirname(os.path.abspath(__file__))
    path = args.output or os.path.join(here, "..", "rules", "speech-verbs.yaml")
    only = set(x.strip() for x in args.lemmas.split(",")) if args.lemmas else None
    try:
        folder = find_verbiste(args.verbiste)
        vb = Verbiste(folder)
    except DataError as e:
        print("gen-speech-verbs: %s" % e, file=sys.stderr)
        sys.exit(66)
    try:
        verbs = build(vb, only)
    except DataError as e:
        for line in str(e).splitlines():
            print("gen-speech-verbs: %s" % line, file=sys.stderr)
        sys.exit(65)
    if args.verbiste:
        source = "verbiste data in %s" % os.path.basename(os.path.normpath(folder))
    else:
        source = "Debian package verbiste %s (%s)" % (package_version("verbiste"), folder)
    try:
        if path == "-":
            emit(verbs, sys.stdout, source)
        else:
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as out:
                emit(verbs, out, source)
            os.replace(tmp, path)
    except OSError as e:
        print("gen-speech-verbs: %s: %s" % (path, e.strerror), file=sys.stderr)
        sys.exit(73)
    nf = sum(len(v["forms"]) for v in verbs)
    print("%s: %d verbs, %d forms" % (os.path.normpath(path), len(verbs), nf), file=sys.stderr)


if __name__ == "__main__":
    main()
