#!/usr/bin/env python3
"""Generate one French news article of a given size, for the linear-cost
test (tests/linear/run.sh). Standard library only, fixed seed: the same
arguments give the same bytes.

  gen.py long UNITS   an article of UNITS paragraphs: quotes, speakers
                      named and named again, places, roles, numbers
  gen.py blog UNITS   a live blog of UNITS sentences, a few per timed entry

The text is written to standard output. Every name, place and sentence
pattern is made up here.
"""
import random
import sys

FIRST = ["Jean", "Marie", "Pierre", "Sophie", "Luc", "Claire", "Paul", "Anne",
         "Marc", "Julie", "Louis", "Camille", "Hugo", "Léa", "Nicolas",
         "Élodie", "Thomas", "Chloé", "Olivier", "Inès", "Rémi", "Agathe"]
SYLL = ["ber", "tan", "mou", "lier", "rac", "vin", "dor", "mes", "gal", "pon",
        "cha", "fer", "leu", "bran", "quet", "sal", "mor", "tis", "val", "ron"]
PLACES = ["Paris", "Lyon", "Marseille", "Toulouse", "Lille", "Nantes",
          "Bordeaux", "Strasbourg", "Rennes", "Grenoble", "Dijon", "Brest"]
ROLES = ["le ministre de l'Intérieur", "la maire", "le préfet",
         "la porte-parole du gouvernement", "le président du conseil régional",
         "la députée", "le sénateur", "le directeur de l'hôpital",
         "la secrétaire générale du syndicat", "le procureur"]
VERBS = ["a déclaré", "a affirmé", "a ajouté", "a estimé", "a expliqué",
         "a assuré", "a confié", "a indiqué", "a souligné", "a rappelé"]
CLAIMS = ["nous ne reculerons pas", "la situation reste très tendue",
          "les chiffres sont encourageants", "il faudra du temps",
          "personne n'a été blessé", "le dossier sera rouvert en septembre",
          "nous attendons des réponses claires", "rien n'est encore décidé",
          "les habitants ont été prévenus", "le budget sera tenu"]
FACTS = ["Le conseil s'est réuni mardi soir dans la salle des fêtes.",
         "Les travaux doivent durer encore deux ans.",
         "Selon la préfecture, 1 200 personnes ont défilé dans le calme.",
         "Le projet avait été annoncé au printemps dernier.",
         "Plusieurs associations demandent une enquête indépendante.",
         "La hausse atteint 4,5 % sur un an, d'après l'Insee.",
         "Une réunion publique est prévue le 12 mars.",
         "Les deux camps se sont quittés sans accord."]


def surname(rng):
    s = "".join(rng.choice(SYLL) for _ in range(rng.randint(2, 3)))
    return s[0].upper() + s[1:]


class Cast:
    """People of the article: new ones keep coming, old ones come back."""

    def __init__(self, rng):
        self.rng = rng
        self.people = []

    def person(self):
        rng = self.rng
        if not self.people or rng.random() < 0.3:
            p = (rng.choice(FIRST), surname(rng), rng.choice(ROLES))
            self.people.append(p)
            return p, True
        return rng.choice(self.people), False


def count_sentence(rng):
    """A count given again, now and then otherwise: kz-check compares them."""
    n = rng.choice([120, 210, 150, 300, 1200, 2100])
    return rng.choice([
        f"Selon les organisateurs, {n} manifestants ont défilé.",
        f"Les {n} manifestants se sont dispersés dans la soirée.",
        f"Au moins {n} salariés sont concernés par le plan.",
    ])


def quote_sentence(rng, cast):
    (first, last, role), new = cast.person()
    claim = rng.choice(CLAIMS)
    verb = rng.choice(VERBS)
    who = f"{role}, {first} {last}" if new else rng.choice(
        [f"{first} {last}", last, f"M. {last}" if role.startswith("le") else f"Mme {last}"])
    if rng.random() < 0.5:
        return f"« {claim[0].upper() + claim[1:]} », {verb} {who}."
    return f"{who[0].upper() + who[1:]} {verb} à {rng.choice(PLACES)} : « {claim[0].upper() + claim[1:]}. »"


def long_article(units, rng):
    cast = Cast(rng)
    out = ["Le grand chantier divise la région", ""]
    for _ in range(units):
        sents = []
        for _ in range(rng.randint(3, 5)):
            r = rng.random()
            sents.append(quote_sentence(rng, cast) if r < 0.5 else
                         count_sentence(rng) if r < 0.6 else rng.choice(FACTS))
        out.append(" ".join(sents))
        out.append("")
    return "\n".join(out) + "\n"


def live_blog(units, rng):
    cast = Cast(rng)
    out = ["EN DIRECT - Élections régionales : suivez la soirée", ""]
    n, minute = 0, 18 * 60
    while n < units:
        k = min(rng.randint(1, 3), units - n)
        sents = []
        for _ in range(k):
            r = rng.random()
            sents.append(quote_sentence(rng, cast) if r < 0.4 else
                         count_sentence(rng) if r < 0.5 else rng.choice(FACTS))
        out.append(f"{minute // 60 % 24}h{minute % 60:02d}. " + " ".join(sents))
        out.append("")
        n += k
        minute += 1
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("long", "blog"):
        sys.exit(__doc__)
    rng = random.Random(16)
    units = int(sys.argv[2])
    text = long_article(units, rng) if sys.argv[1] == "long" else live_blog(units, rng)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
