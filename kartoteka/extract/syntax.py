"""What every part of extraction shares: the dependency labels and word sets it reasons with,
and small tests on spaCy tokens (passive voice, verb-like, noun-like, a trigger's required
dependents)."""

from __future__ import annotations

from typing import Any

from kartoteka.extract.lexicon import Step
from kartoteka.extract.rules import on

CLAUSAL = {"relcl", "advcl", "ccomp", "conj", "acl", "parataxis", "csubj", "xcomp", "pcomp"}
PERSON_PRONOUNS = {"he", "him", "his", "she", "her", "himself", "herself"}
# Objects of "told": people spoken to, whether or not the text names them.
LISTENER_PRONOUNS = {"him", "her", "them", "us", "me"}
PLURAL_AUX = {"were", "are", "have"}
REFLEXIVE = {"himself", "herself", "themselves", "oneself", "itself"}
RELATIVE = {"who", "whom", "that", "which", "whose"}
SUBJ_DEPS = {"nsubj", "nsubjpass"}
PARTIAL = {"dm", "md", "month", "season", "deictic"}
# How many sentences back (within the passage) an undated event looks for its date.
INFER_SENTENCES = 2
# How many passages back a month named with its year still gives that year to a bare "15 March".
MONTH_MEMORY = 40
# "X was under arrest", "X lived in exile": the noun's event belongs to the clause's subject
PREP_NOUNS = {"under": {"arrest"}, "in": {"exile"}, "into": {"arrest", "exile"}}
TEMPORAL_PREPS = {"after", "before", "since", "until", "till", "prior", "following"}
SPACY_TYPES = {"PERSON": "person", "ORG": "organization", "NORP": "organization", "GPE": "place", "LOC": "place",
               "FAC": "place", "EVENT": "event", "WORK_OF_ART": "work", "LAW": "work"}
NAMING = {"call", "name", "know", "dub", "title", "style"}
LEADING = {"lead", "head", "include", "command"}
GROUP_NOUNS = {"group", "batch", "number", "band", "circle", "handful", "dozen", "score", "series"}
# Days and times of day: what may stand between an event noun and its detached of-object.
WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "dawn", "dusk",
            "midday", "noon", "midnight", "morning", "evening", "night"}
NUMERIC_ENTS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
VERB_PREFIXES = {"re", "co", "ex", "pre", "un", "non", "self", "mis", "over", "under", "out"}
TIME_CUES = {"age", "later", "after", "afterwards", "before", "earlier", "subsequently", "eventually", "finally",
             "until", "since", "once", "then", "meanwhile", "previously", "formerly", "soon"}


def needs_ok(tok: Any, steps: tuple[Step, ...]) -> bool:
    if not steps:
        return True
    deps, lemmas = steps[0]
    for c in tok.children:
        dep_ok = "*" in deps or c.dep_ in deps
        if dep_ok and ("*" in lemmas or c.lemma_.lower() in lemmas or c.lower_ in lemmas) and needs_ok(c, steps[1:]):
            return True
    return False


def is_passive(tok: Any) -> bool:
    if parenthetical_participle(tok) is not None:
        return True
    deps = {c.dep_ for c in tok.children}
    if deps & {"nsubjpass", "auxpass"}:
        return True
    if "nsubj" in deps:
        return False
    if tok.dep_ == "conj" and tok.tag_ == "VBN" and tok.head.pos_ in ("VERB", "AUX"):
        return is_passive(tok.head)
    if tok.dep_ in ("acomp", "oprd") and tok.tag_ == "VBN" and tok.head.lemma_ in ("be", "get", "remain"):
        return True  # "X was exiled" parsed as a copula with a participle
    return tok.tag_ == "VBN" and tok.dep_ in ("acl", "advcl", "amod", "relcl", "ROOT", "appos") and "aux" not in deps


def parenthetical_participle(tok: Any) -> Any | None:
    """The noun a bracketed participle describes: "the Special Board (instituted in 1934)"."""
    if tok.tag_ != "VBN" or tok.i < 2 or tok.doc[tok.i - 1].text != "(" or any(c.dep_ == "aux" for c in tok.children):
        return None
    noun = tok.doc[tok.i - 2]
    while noun.dep_ == "compound" and noun.head.i > noun.i:
        noun = noun.head
    return noun if noun.pos_ in ("NOUN", "PROPN") else None


def verbish(tok: Any) -> bool:
    return tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "ADJ" and tok.tag_ in ("VBN", "VBD"))


def nounish(tok: Any) -> bool:
    return tok.pos_ in ("NOUN", "PROPN")


def plural_body(tok: Any) -> bool:
    """A body's plural name as a clause's subject, with a plural verb ("the Chartists were
    arrested", "the Girondins were tried"): its members, the people the body is made of."""
    if not on("plural_body_members") or not tok.lower_.endswith("s") or tok.lower_.endswith("ss") \
            or tok.dep_ not in SUBJ_DEPS:
        return False
    verb = tok.head
    return verb.lower_ in PLURAL_AUX or verb.tag_ == "VBP" or any(
        c.dep_ in ("aux", "auxpass") and c.lower_ in PLURAL_AUX for c in verb.children)


def same_year_after(value: Any, prep: Any) -> bool:
    """"In 1925, after the death of X, Y was appointed": an event that places the clause's event
    within the same year, with no distance told ("two years after"), lies in that year too."""
    return on("event_placed_by_event") and prep.lower_ in ("after", "following") and value.precision == "year" \
        and not any(c.dep_ == "npadvmod" for c in prep.children)
