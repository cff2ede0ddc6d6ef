"""Factoids filed under the wrong entity: the compare stage neither corroborates nor contradicts
with them. The signs are in the dates (before the subject was born, a lifetime before the
subject died) and in the sentence (the subject's name is only a part or a modifier of another)."""

from __future__ import annotations

import re
import sqlite3

from kartoteka.compare.conflicts import Entities
from kartoteka.compare.facts import Fact, interval_of, rules
from kartoteka.extract.lexicon import default_lexicon

_PARTICLES = ("von", "van", "de", "da", "di", "du", "del", "der", "le", "la", "ibn", "bin")
_AFTER_NAME = re.compile(r"(?:['’]s)?\s+((?:(?:" + "|".join(_PARTICLES) + r")\s+)?)([\w'’-]+)")


def place_names(ents: Entities) -> set[str]:
    """The places' names, lower-cased (names_a_branch)."""
    return {ents.names[e].lower() for e, t in ents.types.items() if t == "place" and e in ents.names}


def mark_identity_doubt(facts: list[Fact], ents: Entities, places: set[str] | None = None) -> None:
    """``places``: place_names(ents), where the caller marks many lists against one KB's entities."""
    lifespan = int(rules()["lifespan_years"])
    places = place_names(ents) if places is None else places
    for f in facts:
        data = ents.data.get(f.subject or "", {})
        if f.date_end and f.date_use in ("firm", "partial") and f.type != "birth":
            born, died = data.get("born"), data.get("died")
            # "Pushkin died in 1837", filed under a Pushin shot in 1937.
            if isinstance(born, str) and f.date_end < interval_of(born)[0]:
                f.identity_doubt = True
            if isinstance(died, str) and int(f.date_end[:4]) < int(died[:4]) - lifespan:
                f.identity_doubt = True
        if not f.identity_doubt:
            f.identity_doubt = name_modified(f, ents.names.get(f.subject or "", ""), ents.types.get(f.subject or ""))
        if not f.identity_doubt:
            f.identity_doubt = subject_is_doer(f)
        if not f.identity_doubt and ents.types.get(f.subject or "") == "organization":
            f.identity_doubt = names_a_branch(f, ents.names.get(f.subject or "", ""), places)


def name_modified(f: Fact, entity_name: str, entity_type: str | None) -> bool:
    """Whether every mention of the subject's name in the sentence runs on into a longer name
    that is not the entity's ("Carl" of "Carl von Ossietzky") or modifies a noun that is the one
    spoken of ("Hansen's widow", "an OGPU agency"; compare.yaml: name_modifiers)."""
    said = str(f.attrs.get("subject_text") or "")
    if not said:
        return False
    own = {w.lower() for w in re.findall(r"\w+", entity_name)}
    nouns = set(rules()["name_modifiers"].get(entity_type or "", []))
    found = False
    for m in re.finditer(re.escape(said), f.quote):
        found = True
        rest = _AFTER_NAME.match(f.quote, m.end())
        if rest is None:
            return False
        word = rest.group(2)
        continues = (bool(rest.group(1)) or word[0].isupper()) and word.lower() not in own
        if not (continues or word.lower() in nouns):
            return False
    return found


def names_a_branch(f: Fact, entity_name: str, places: set[str]) -> bool:
    """Whether the sentence names a branch or several bodies of the organization's kind rather
    than the organization: every mention of it is in the plural where the name is not ("the
    provincial commissions") or follows a word that makes it a local branch ("the local
    committee", "the Petrograd commission": the lexicon's ``branch_words``, or a place's name)."""
    said = str(f.attrs.get("subject_text") or "")
    if not said:
        return False
    branch = default_lexicon().branch_words
    own_last = entity_name.split()[-1].lower() if entity_name.split() else ""
    last = said.split()[-1].lower()
    plural = last.endswith("s") and not own_last.endswith("s") and last.rstrip("s") != own_last
    found = False
    for m in re.finditer(re.escape(said), f.quote):
        found = True
        before = re.findall(r"[\w'’-]+", f.quote[max(0, m.start() - 30):m.start()])
        prev = before[-1].lower() if before else ""
        if not (plural or prev in branch or prev in places):
            return False
    return found


def subject_is_doer(f: Fact) -> bool:
    """Whether the sentence names the subject of a done-to happening only as its doer: every
    mention of the name is followed, within a few words and no punctuation, by the trigger in the
    active voice ("Stalin shot or strangled her", filed as Stalin's killing)."""
    r = rules()
    said = str(f.attrs.get("subject_text") or "")
    trigger = str(f.attrs.get("trigger") or "").lower()
    if f.type not in r["patient_types"] or not said or not trigger:
        return False
    passive, causative = set(r["passive_auxiliaries"]), set(r["causatives"])
    found = False
    for m in re.finditer(re.escape(said), f.quote):
        found = True
        before = re.findall(r"[\w'’-]+", f.quote[max(0, m.start() - 20):m.start()])
        if before and before[-1].lower() in causative:
            return False
        gap = re.match(r"((?:\s+[\w'’-]+){0,4}?)\s+" + re.escape(trigger) + r"\b", f.quote[m.end():], re.IGNORECASE)
        if gap is None:
            return False
        between = gap.group(1).lower().split()
        if passive & set(between):
            return False
    return found


_PRONOUN = re.compile(r"\b(?:he|him|his|himself|she|her|hers|herself)\b", re.IGNORECASE)


def confirm_pronoun_subjects(conn: sqlite3.Connection, facts: list[Fact], ents: Entities) -> None:
    """A subject the sentence gives only as a pronoun is sure enough to contradict another source
    where it is the person last named before the sentence, and the pronoun before the trigger is
    not feminine (the packs' people are mostly men: "she" resolved to one of them is a woman the
    resolver did not know). The mentions are read from SQL around each such factoid, so a long
    document's mentions are never all held (the stage calls this a subject at a time)."""
    longest: dict[int, int] = {}
    for f in facts:
        if f.subject_sure or ents.types.get(f.subject or "") != "person":
            continue
        if f.doc_id not in longest:
            longest[f.doc_id] = int(conn.execute("SELECT COALESCE(MAX(end - start), 0) FROM mentions WHERE doc_id = ?",
                                                 (f.doc_id,)).fetchone()[0])
        # Mentions that may cover a word of the sentence: none starts more than the longest before it.
        spans = [(r[0], r[1]) for r in conn.execute(
            "SELECT start, end FROM mentions WHERE doc_id = ? AND start >= ? AND start <= ?",
            (f.doc_id, f.start - longest[f.doc_id], f.end))]
        f.subject_sure = (_last_person(conn, f) == f.subject and not _feminine_before_trigger(f)
                          and not _unknown_name_before_pronoun(f, spans))


def _last_person(conn: sqlite3.Connection, f: Fact) -> str | None:
    """The person last named before the factoid's sentence. A person the resolver could not link is
    still the last person named (a visiting poet introduced just before "he came from a family of
    clockmakers"): the pronoun is his, and nobody's the resolver knows."""
    tie = ", m.rowid DESC" if isinstance(conn, sqlite3.Connection) else ""
    row = conn.execute(
        "SELECT m.entity_id FROM mentions m LEFT JOIN entities e ON e.id = m.entity_id WHERE m.doc_id = ? AND m.start < ?"
        " AND (e.type = 'person' OR (m.entity_id IS NULL AND m.label = 'PERSON'))"
        f" ORDER BY m.start DESC{tie} LIMIT 1", (f.doc_id, f.start)).fetchone()
    return None if row is None else row[0] or ""


def _feminine_before_trigger(f: Fact) -> bool:
    trigger = str(f.attrs.get("trigger") or "")
    at = f.quote.find(trigger) if trigger else -1
    before = list(_PRONOUN.finditer(f.quote, 0, at if at >= 0 else len(f.quote)))
    return bool(before) and before[-1].group().lower() in ("she", "her", "hers", "herself")




def _unknown_name_before_pronoun(f: Fact, mentions: list[tuple[int, int]]) -> bool:
    """Whether a name the recognizer missed stands in the sentence before the pronoun ("welcoming
    Larsen's ship, the gazette wrote that he had been born at sea in 1851"): the pronoun may be that
    person's, so the subject the resolver gave it is not sure enough to contradict anyone."""
    m = _PRONOUN.search(f.quote)
    if m is None:
        return False
    for w in re.finditer(r"\b[A-Z][a-z][\w'’-]*", f.quote[:m.start()]):
        if w.start() == 0 or f.quote[:w.start()].rstrip().endswith((".", "!", "?", "“", '"')):
            continue
        word = w.group().lower().removesuffix("'s").removesuffix("’s")
        if word in rules()["calendar_words"]:
            continue
        at = f.start + w.start()
        if not any(s <= at < e for s, e in mentions):
            return True
    return False
