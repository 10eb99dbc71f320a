#!/usr/bin/env python3
"""Generate rules/speech-verbs.yaml: French verbs of speech and report.

Regular verbs (-er, -ir of the 2nd group, -dre like répondre) are conjugated
here from their infinitive, with the usual spelling changes (annonça, jugea,
appelle, martèle, considère, balaie...). Irregular verbs are given by their
principal parts in IRREGULAR below. Multi-word verbs (mettre en garde, faire
savoir) are an irregular base verb plus a fixed tail.

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
Usage: python3 tools/gen-speech-verbs.py [OUTPUT]   (default rules/speech-verbs.yaml)
"""

import os
import re
import sys

# ---------------------------------------------------------------------------
# Regular verbs: (lemma, kind, ambiguous forms, flags)
# flags: "i" = incise_only
# Conjugation class comes from the infinitive; DOUBLING lists the -eler/-eter
# verbs that double their consonant (appelle) rather than take è (martèle).

DOUBLING = {"appeler", "rappeler", "rejeter", "interjeter"}
SECOND_GROUP = {"avertir", "réagir", "garantir", "applaudir", "rugir", "gémir",
                "renchérir", "surenchérir", "réjouir", "enorgueillir"}

REGULAR = [
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
]

# -dre verbs conjugated like répondre
DRE = [
    ("répondre", "speech", ["répondant"]),
    ("prétendre", "speech", ["prétendu", "prétendue", "prétendus", "prétendues"]),
    ("défendre", "speech", []),
    ("se défendre", "speech", []),
    ("sous-entendre", "speech", ["sous-entendu", "sous-entendus"]),
]

# ---------------------------------------------------------------------------
# Irregular verbs by principal parts:
#   p3s p3p: présent 3s/3p       imp: imparfait stem (+ait/aient)
#   ps3s ps3p ps1s: passé simple  fut: futur/conditionnel stem (+a/ont, +ait/aient)
#   pp: past participle m-s       ppr: present participle
#   p1s p1p p2p: présent je/nous/vous
#   ppinv: participle does not agree (ri, souri, fait savoir)
IRREGULAR_PARTS = {
    "dire": "dit disent dis dit dirent dis dir dit disant dis disons dites",
    "redire": "redit redisent redis redit redirent redis redir redit redisant redis redisons redites",
    "contredire": "contredit contredisent contredis contredit contredirent contredis contredir contredit contredisant contredis contredisons contredisez",
    "prédire": "prédit prédisent prédis prédit prédirent prédis prédir prédit prédisant prédis prédisons prédisez",
    "écrire": "écrit écrivent écriv écrivit écrivirent écrivis écrir écrit écrivant écris écrivons écrivez",
    "décrire": "décrit décrivent décriv décrivit décrivirent décrivis décrir décrit décrivant décris décrivons décrivez",
    "reconnaître": "reconnaît reconnaissent reconnaiss reconnut reconnurent reconnus reconnaîtr reconnu reconnaissant reconnais reconnaissons reconnaissez",
    "poursuivre": "poursuit poursuivent poursuiv poursuivit poursuivirent poursuivis poursuivr poursuivi poursuivant poursuis poursuivons poursuivez",
    "admettre": "admet admettent admett admit admirent admis admettr admis admettant admets admettons admettez",
    "promettre": "promet promettent promett promit promirent promis promettr promis promettant promets promettons promettez",
    "laisser": "laisse laissent laiss laissa laissèrent laissai laisser laissé laissant laisse laissons laissez",
    "mettre": "met mettent mett mit mirent mis mettr mis mettant mets mettons mettez",
    "prévenir": "prévient préviennent préven prévint prévinrent prévins préviendr prévenu prévenant préviens prévenons prévenez",
    "convenir": "convient conviennent conven convint convinrent convins conviendr convenu convenant conviens convenons convenez",
    "soutenir": "soutient soutiennent souten soutint soutinrent soutins soutiendr soutenu soutenant soutiens soutenons soutenez",
    "maintenir": "maintient maintiennent mainten maintint maintinrent maintins maintiendr maintenu maintenant maintiens maintenons maintenez",
    "souvenir": "souvient souviennent souven souvint souvinrent souvins souviendr souvenu souvenant souviens souvenons souvenez",
    "conclure": "conclut concluent conclu conclut conclurent conclus conclur conclu concluant conclus concluons concluez",
    "exclure": "exclut excluent exclu exclut exclurent exclus exclur exclu excluant exclus excluons excluez",
    "croire": "croit croient croy crut crurent crus croir cru croyant crois croyons croyez",
    "lire": "lit lisent lis lut lurent lus lir lu lisant lis lisons lisez",
    "reprendre": "reprend reprennent repren reprit reprirent repris reprendr repris reprenant reprends reprenons reprenez",
    "apprendre": "apprend apprennent appren apprit apprirent appris apprendr appris apprenant apprends apprenons apprenez",
    "démentir": "dément démentent dément démentit démentirent démentis démentir démenti démentant démens démentons démentez",
    "repartir": "repart repartent repart repartit repartirent repartis repartir reparti repartant repars repartons repartez",
    "enquérir": "enquiert enquièrent enquér enquit enquirent enquis enquerr enquis enquérant enquiers enquérons enquérez",
    "plaindre": "plaint plaignent plaign plaignit plaignirent plaignis plaindr plaint plaignant plains plaignons plaignez",
    "craindre": "craint craignent craign craignit craignirent craignis craindr craint craignant crains craignons craignez",
    "enjoindre": "enjoint enjoignent enjoign enjoignit enjoignirent enjoignis enjoindr enjoint enjoignant enjoins enjoignons enjoignez",
    "dépeindre": "dépeint dépeignent dépeign dépeignit dépeignirent dépeignis dépeindr dépeint dépeignant dépeins dépeignons dépeignez",
    "sourire": "sourit sourient souri sourit sourirent souris sourir souri souriant souris sourions souriez",
    "rire": "rit rient ri rit rirent ris rir ri riant ris rions riez",
    "faire": "fait font fais fit firent fis fer fait faisant fais faisons faites",
    "émouvoir": "émeut émeuvent émouv émut émurent émus émouvr ému émouvant émeus émouvons émouvez",
}
PARTS_KEYS = "p3s p3p imp ps3s ps3p ps1s fut pp ppr p1s p1p p2p".split()

# (lemma, base verb in IRREGULAR_PARTS, tail, kind, ambiguous, flags)
# flags: "i" incise_only, "v" participle invariable
IRREGULAR = [
    ("dire", "dire", "", "speech", ["dire", "dite", "dites", "dits"], ""),
    ("se dire", "dire", "", "speech", ["dire", "dite", "dites", "dits"], ""),
    ("redire", "redire", "", "speech", [], ""),
    ("contredire", "contredire", "", "speech", [], ""),
    ("prédire", "prédire", "", "speech", [], ""),
    ("écrire", "écrire", "", "speech", ["écrit", "écrits"], ""),
    ("décrire", "décrire", "", "report", [], ""),
    ("dépeindre", "dépeindre", "", "report", [], ""),
    ("reconnaître", "reconnaître", "", "speech", ["reconnaissant"], ""),
    ("admettre", "admettre", "", "speech", ["admis"], ""),
    ("promettre", "promettre", "", "speech", ["promis", "promise", "promises"], ""),
    ("prévenir", "prévenir", "", "speech", ["prévenu", "prévenus", "prévenant"], ""),
    ("convenir", "convenir", "", "speech", ["convient", "convenu", "convenant"], ""),
    ("soutenir", "soutenir", "", "speech", [], ""),
    ("maintenir", "maintenir", "", "speech", ["maintenant"], ""),
    ("se souvenir", "souvenir", "", "speech", ["souvenir"], ""),
    ("conclure", "conclure", "", "speech", ["concluant"], ""),
    ("exclure", "exclure", "", "speech", [], ""),
    ("croire", "croire", "", "speech", ["cru", "crue", "crus", "crues", "croyant"], ""),
    ("craindre", "craindre", "", "speech", ["crainte", "craintes"], ""),
    ("se plaindre", "plaindre", "", "speech", ["plainte", "plaintes", "plaignant"], ""),
    ("enjoindre", "enjoindre", "", "speech", [], ""),
    ("démentir", "démentir", "", "speech", ["démenti", "démentis"], ""),
    ("s'enquérir", "enquérir", "", "speech", [], ""),
    ("s'émouvoir", "émouvoir", "", "speech", ["émouvant"], ""),
    ("lire", "lire", "", "report", ["lit", "lire", "lu", "lus"], ""),
    ("apprendre", "apprendre", "", "report", ["apprenant"], ""),
    ("poursuivre", "poursuivre", "", "speech", ["poursuivi", "poursuivis", "poursuivie", "poursuivies"], "i"),
    ("reprendre", "reprendre", "", "speech", ["reprise", "reprises"], "i"),
    ("repartir", "repartir", "", "speech", [], "i"),
    ("sourire", "sourire", "", "speech", ["sourire", "souriant", "souris"], "iv"),
    ("rire", "rire", "", "speech", ["rire"], "iv"),
    ("faire", "faire", "", "speech", ["fait", "faite", "faits", "faites", "faire"], "i"),
    ("mettre en garde", "mettre", " en garde", "speech", ["mise en garde", "mises en garde"], ""),
    ("faire savoir", "faire", " savoir", "report", [], "v"),
    ("faire comprendre", "faire", " comprendre", "speech", [], "v"),
    ("laisser entendre", "laisser", " entendre", "speech", [], "v"),
    ("faire valoir", "faire", " valoir", "speech", [], "v"),
    ("faire remarquer", "faire", " remarquer", "speech", [], "v"),
    ("faire observer", "faire", " observer", "speech", [], "v"),
    ("faire état", "faire", " état", "report", [], "v"),
    ("faire part", "faire", " part", "report", ["faire part"], "v"),
]

# ---------------------------------------------------------------------------

VOWELS = "aeiouyéèêëàâîïôûùü"


def split_pronoun(lemma):
    if lemma.startswith("se "):
        return True, lemma[3:]
    if lemma.startswith("s'"):
        return True, lemma[2:]
    return False, lemma


def pp4(pp, invariable=False):
    if invariable:
        return [pp]
    if pp.endswith("s"):
        return [pp, pp + "e", pp, pp + "es"]
    return [pp, pp + "e", pp + "s", pp + "es"]


def er_stems(inf):
    """Return (present-singular stem, future stems, soft stem for a/o endings,
    plain stem) for a 1st-group verb."""
    stem = inf[:-2]
    soft = stem
    if stem.endswith("c"):
        soft = stem[:-1] + "ç"
    elif stem.endswith("g"):
        soft = stem + "e"
    strong = stem            # before a mute e: présent 1-3s, 3p
    futs = [inf]             # futur/conditionnel stems (without final r kept: inf = stem+er)
    if inf in DOUBLING:
        strong = stem + stem[-1]
        futs = [strong + "er"]
    elif stem.endswith("ay"):
        strong = stem[:-1] + "i"
        futs = [strong + "er", inf]          # balaiera, balayera
        return [strong, stem], futs, soft, stem
    elif stem.endswith("oy") or stem.endswith("uy"):
        strong = stem[:-1] + "i"
        futs = [strong + "er"]
    else:
        # last vowel of the stem, treating gu/qu as consonants
        s = stem
        m = re.search(r"([%s])([^%s]+)$" % (VOWELS, VOWELS), s.replace("gu", "gX").replace("qu", "qX"))
        if m:
            v, cons = m.group(1), m.group(2)
            i = m.start(1)
            if v == "é":
                strong = s[:i] + "è" + s[i + 1:]
                futs = [inf, strong + "er"]  # considérera; 1990 spelling considèrera
            elif v == "e" and (len(cons) == 1 or (len(cons) == 2 and cons[1] in "rl" and cons[0] not in "rl")):
                strong = s[:i] + "è" + s[i + 1:]
                futs = [strong + "er"]
    return [strong], futs, soft, stem


def conj_er(inf):
    strongs, futs, soft, stem = er_stems(inf)
    f = []
    o = []
    for st in strongs:
        f += [st + "e", st + "ent"]
    f += [soft + "ait", soft + "aient", soft + "a", stem + "èrent"]
    for fu in futs:
        f += [fu + "a", fu + "ont", fu + "ait", fu + "aient"]
    f += pp4(stem + "é")
    f += [soft + "ant", inf]
    # other persons
    o += [soft + "ons", stem + "ez", soft + "ais", stem + "ions", stem + "iez", soft + "ai"]
    for fu in futs:
        o += [fu + "ai", fu + "ons", fu + "ez", fu + "ais", fu + "ions", fu + "iez"]
    return f, o


def conj_ir2(inf):
    st = inf[:-2]
    f = [st + "it", st + "issent", st + "issait", st + "issaient", st + "it", st + "irent",
         inf + "a", inf + "ont", inf + "ait", inf + "aient"]
    f += pp4(st + "i")
    f += [st + "issant", inf]
    o = [st + "is", st + "issons", st + "issez", st + "issais", st + "issions", st + "issiez",
         st + "is", inf + "ai", inf + "ons", inf + "ez", inf + "ais", inf + "ions", inf + "iez"]
    return f, o


def conj_dre(inf):
    st = inf[:-2]  # répond
    f = [st, st + "ent", st + "ait", st + "aient", st + "it", st + "irent",
         st + "ra", st + "ront", st + "rait", st + "raient"]
    f += pp4(st + "u")
    f += [st + "ant", inf]
    o = [st + "s", st + "ons", st + "ez", st + "ais", st + "ions", st + "iez", st + "is",
         st + "rai", st + "rons", st + "rez", st + "rais", st + "rions", st + "riez"]
    return f, o


def conj_irregular(base, tail, invariable):
    p = dict(zip(PARTS_KEYS, IRREGULAR_PARTS[base].split()))
    assert len(p) == len(PARTS_KEYS), base
    f = [p["p3s"], p["p3p"], p["imp"] + "ait", p["imp"] + "aient", p["ps3s"], p["ps3p"],
         p["fut"] + "a", p["fut"] + "ont", p["fut"] + "ait", p["fut"] + "aient"]
    f += pp4(p["pp"], invariable)
    f += [p["ppr"], base]
    o = [p["p1s"], p["p1p"], p["p2p"], p["imp"] + "ais", p["imp"] + "ions", p["imp"] + "iez",
         p["ps1s"], p["fut"] + "ai", p["fut"] + "ons", p["fut"] + "ez",
         p["fut"] + "ais", p["fut"] + "ions", p["fut"] + "iez"]
    return [x + tail for x in f], [x + tail for x in o]


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
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def build():
    verbs = []
    for item in REGULAR:
        lemma, kind, amb = item[:3]
        flags = item[3] if len(item) > 3 else ""
        pron, inf = split_pronoun(lemma)
        if inf in SECOND_GROUP:
            f, o = conj_ir2(inf)
        elif inf.endswith("er"):
            f, o = conj_er(inf)
        else:
            raise SystemExit("no conjugation class for %s" % lemma)
        verbs.append(dict(lemma=lemma, kind=kind, pronominal=pron, forms=f, other=o,
                          amb=amb, incise="i" in flags, multi=False))
    for lemma, kind, amb in DRE:
        pron, inf = split_pronoun(lemma)
        f, o = conj_dre(inf)
        verbs.append(dict(lemma=lemma, kind=kind, pronominal=pron, forms=f, other=o,
                          amb=amb, incise=False, multi=False))
    for lemma, base, tail, kind, amb, flags in IRREGULAR:
        pron, _ = split_pronoun(lemma)
        f, o = conj_irregular(base, tail, "v" in flags)
        verbs.append(dict(lemma=lemma, kind=kind, pronominal=pron, forms=f, other=o,
                          amb=amb, incise="i" in flags, multi=bool(tail)))

    lemmas = set()
    bad = []
    for v in verbs:
        if v["lemma"] in lemmas:
            raise SystemExit("duplicate lemma %s" % v["lemma"])
        lemmas.add(v["lemma"])
        v["forms"] = uniq(add_variants(v["forms"]))
        v["other"] = [x for x in uniq(add_variants(v["other"])) if x not in v["forms"]]
        allf = set(v["forms"]) | set(v["other"])
        for a in v["amb"]:
            if a not in allf:
                bad.append("%s: ambiguous form %r is not one of its forms" % (v["lemma"], a))
    if bad:
        raise SystemExit("\n".join(bad))
    return verbs


PLAIN = re.compile(r"^[^\W\d_][\w\-]*( [\w\-]+)*$")
YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def q(s):
    if PLAIN.match(s) and s.lower() not in YAML_WORDS:
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def flow(xs):
    return "[" + ", ".join(q(x) for x in xs) + "]"


def emit(verbs, out):
    w = out.write
    w("# generated by tools/gen-speech-verbs.py -- do not edit by hand;\n")
    w("# edit the lists in that script and rerun it.\n")
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
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "rules", "speech-verbs.yaml")
    verbs = build()
    with open(path, "w", encoding="utf-8") as out:
        emit(verbs, out)
    n = len(verbs)
    nf = sum(len(v["forms"]) for v in verbs)
    print("%s: %d verbs, %d forms" % (os.path.normpath(path), n, nf), file=sys.stderr)


if __name__ == "__main__":
    main()
