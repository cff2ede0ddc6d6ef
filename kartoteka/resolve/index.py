"""Lookup tables over known entities: the packs (built once per run) and what the KB learnt
from earlier documents (unlinked entities, stated aliases; rebuilt per document)."""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kartoteka import yamldata
from kartoteka.resolve.keys import alias_key, ocr_key, translit_key
from kartoteka.resolve.names import (
    PersonName,
    firsts_agree,
    known_given,
    parse_person,
    register_given_names,
    same_surname_spelt,
    surname_key,
)
from kartoteka.resolve.packs import Pack

SPACY_LABELS = {"person": "PERSON", "organization": "ORG", "place": "GPE", "event": "EVENT", "work": "WORK_OF_ART"}


@dataclass
class Known:
    id: str
    name: str
    type: str
    linked: bool
    roles: set[str] = field(default_factory=set)
    forms: list[PersonName] = field(default_factory=list)  # persons: parsed multi-word names
    prominence: int = 0
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def gender(self) -> str | None:
        gs = {f.gender for f in self.forms if f.gender}
        return gs.pop() if len(gs) == 1 else None


class Index:
    def __init__(self) -> None:
        self.known: dict[str, Known] = {}
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.by_tkey: dict[str, set[str]] = defaultdict(set)
        self.by_ocr: dict[str, set[str]] = defaultdict(set)
        self.by_surname: dict[str, set[str]] = defaultdict(set)
        self.by_first: dict[str, set[str]] = defaultdict(set)
        self.by_surname_exact: dict[str, set[str]] = defaultdict(set)
        # Surnames of other name forms (a birth name, a pseudonym): used when no bearer of the
        # surname proper is known.
        self.by_alias_surname: dict[str, set[str]] = defaultdict(set)
        self.raw_aliases: dict[str, list[str]] = defaultdict(list)
        # Alias keys that name an entity only with support in the same document: a lone given
        # name, a code name or word the pack marks, an alias two entries share.
        self.risky: dict[str, set[str]] = defaultdict(set)
        # Organizations by the set of their name's words (translations swap them: "Military
        # Revolutionary Committee" / "Revolutionary Military Committee") and by acronym.
        self.by_bag: dict[str, set[str]] = defaultdict(set)
        self.by_acronym: dict[str, set[str]] = defaultdict(set)
        # An acronym's capitals ("VCheKa" and "VChK" spell V-Ch-K alike).
        self.by_caps: dict[str, set[str]] = defaultdict(set)

    def add(self, k: Known, aliases: list[str]) -> None:
        self.known[k.id] = k
        for alias in aliases:
            self.add_alias(k.id, alias)

    def add_alias(self, eid: str, alias: str) -> None:
        k = self.known[eid]
        key = alias_key(alias)
        if not key:
            return
        self.raw_aliases[eid].append(alias)
        self.by_key[key].add(eid)
        self.by_tkey[translit_key(alias)].add(eid)
        single = acronym_singular(alias)
        if single:
            # "an SR deputy", "the Left SR": one member or the adjective of the party "SRs"
            self.by_key[alias_key(single)].add(eid)
            self.by_tkey[translit_key(single)].add(eid)
        self.by_ocr[ocr_key(alias)].add(eid)
        if k.type == "organization" and " " in key:
            self.by_bag[bag_key(alias)].add(eid)
            acr = acronym(alias)
            if len(acr) >= 2:
                self.by_acronym[acr].add(eid)
        caps = "".join(c for c in alias if c.isupper())
        if k.type == "organization" and " " not in alias.strip() and len(caps) >= 3:
            self.by_caps[caps].add(eid)
        if k.type == "person":
            p = parse_person(alias)
            if len(p.tokens) >= 2 and (p.surname or p.patronymic):
                k.forms.append(p)
                for part in p.surname_parts:
                    self.by_alias_surname[part].add(eid)
                if p.first:
                    self.by_first[p.first].add(eid)

    def is_risky(self, eid: str, key: str) -> bool:
        return eid in self.risky.get(key, ())

    def lookup(self, table: str, key: str) -> set[str]:
        return getattr(self, table).get(key, set())


def pack_index(packs: list[Pack]) -> Index:
    idx = Index()
    register_given_names({translit_key(str(e["first"])) for pack in packs for e in pack.entries if e.get("first")})
    for pack in packs:
        for e in pack.entries:
            eid = pack.kb_id(e["id"])
            aliases = [e["name"], *(e.get("aliases") or [])]
            k = Known(id=eid, name=e["name"], type=e["type"], linked=True, roles=set(e.get("roles") or []),
                      prominence=len(aliases) + 2 * len(e.get("offices") or []) + len(e.get("events") or []),
                      data={x: e[x] for x in ("surname", "first", "patronymic", "born", "died", "description")
                            if x in e})
            idx.add(k, aliases)
            mark_risky(idx, eid, e, aliases)
            if e["type"] == "person":
                if e.get("surname"):
                    idx.by_surname_exact[alias_key(str(e["surname"]))].add(eid)
                    sk = surname_key(e["surname"])
                    idx.by_surname[sk].add(eid)
                    for part in sk.split("-"):
                        idx.by_surname[part].add(eid)
                full = " ".join(str(e[x]) for x in ("first", "patronymic", "surname") if e.get(x))
                if full and len(full.split()) >= 2:
                    canon = parse_person(full)
                    k.forms.append(canon)
                    # Alias forms with the same first name share the entry's patronymic.
                    if canon.patronymic and canon.first:
                        for f in k.forms:
                            if f.first and firsts_agree(f.first, canon.first) and f.patronymic is None:
                                f.patronymic = canon.patronymic
                    if e.get("first"):
                        idx.by_first[translit_key(str(e["first"]))].add(eid)
    return idx


@lru_cache(maxsize=1)
def org_words() -> dict[str, frozenset[str]]:
    d = yamldata.safe_load((Path(__file__).parent / "data" / "organizations.yaml").read_text(encoding="utf-8"))
    return {k: frozenset(v) for k, v in d.items()}


def bag_key(name: str) -> str:
    """The name's words (transliteration keys) in sorted order, small words left out."""
    skip = org_words()["acronym_skip"]
    return " ".join(sorted(w for w in translit_key(name).split() if w not in skip))


def acronym(name: str) -> str:
    """Initials of a multi-word name's significant words, upper case: "MRC"."""
    skip = org_words()["acronym_skip"]
    words = [w for w in alias_key(name).split() if w not in skip]
    return "".join(w[0] for w in words).upper() if len(words) >= 2 else ""


_ACRONYM_PLURAL = re.compile(r"(?:^|(?<=\s))([A-Z]{2,6})s$")


def acronym_singular(alias: str) -> str:
    """The singular of a name that ends in a plural acronym ("SRs" -> "SR", "Left SRs" ->
    "Left SR"), or "": a party named for its members is written so of one member too."""
    m = _ACRONYM_PLURAL.search(alias.strip())
    return alias.strip()[:m.start()] + m.group(1) if m else ""


def mark_risky(idx: Index, eid: str, e: dict[str, Any], aliases: list[str]) -> None:
    """The aliases of one pack entry that need support in the document to link."""
    marked = {alias_key(a) for a in e.get("risky_aliases") or []}
    own = surname_key(str(e.get("surname") or ""))
    for alias in aliases[1:]:
        key = alias_key(alias)
        lone = e["type"] == "person" and " " not in key
        lone_given = lone and known_given(translit_key(alias))
        # A lone surname of another name (birth name, pseudonym, cover name: Ulyanov, Fomin) is
        # an ordinary surname other people bear: it names this person only with support.
        other_name = lone and bool(own) and not same_surname_spelt(surname_key(alias), own)
        if key in marked or lone_given or other_name:
            idx.risky[key].add(eid)
    # An alias two entries share is risky for both.
    for alias in aliases:
        key = alias_key(alias)
        if len(idx.by_key.get(key, ())) > 1:
            idx.risky[key] |= idx.by_key[key]


def kb_overlay(conn: sqlite3.Connection, base: Index, doc: str = "") -> Index:
    """What earlier documents taught: unlinked entities and their aliases, stated aliases.

    "Earlier" is by document name, not by ingest time: a document sees the documents whose names
    sort before its own (the order of a fresh build of a folder), never its own earlier version
    nor documents ingested after it. Re-ingesting a changed document then resolves it as a fresh
    build would, whatever was ingested in between."""
    idx = Index()
    rows = conn.execute(
        "SELECT a.entity_id, a.alias, e.name, e.type, e.linked FROM aliases a JOIN entities e ON e.id = a.entity_id"
        " LEFT JOIN documents d ON d.id = a.doc_id"
        " WHERE (e.linked = 0 OR a.kind = 'stated') AND (a.doc_id IS NULL OR (? != '' AND d.doc < ?))"
        " ORDER BY d.doc, a.id",
        (doc, doc),
    ).fetchall()
    for r in rows:
        eid = r["entity_id"]
        if eid not in idx.known:
            src = base.known.get(eid)
            # A pack entry with a stated alias keeps the pack's name forms and data (surname,
            # dates) here: this entry shadows the pack's in lookups, and the stated name is added.
            idx.known[eid] = Known(id=eid, name=r["name"], type=r["type"], linked=bool(r["linked"]),
                                   roles=set(src.roles) if src else set(), prominence=src.prominence if src else 0,
                                   forms=list(src.forms) if src else [], data=dict(src.data) if src else {})
        idx.add_alias(eid, r["alias"])
    return idx


def ruler_patterns(idx: Index, common_words: set[str], plain_words: set[str] | None = None) -> list[dict[str, Any]]:
    """EntityRuler patterns from pack aliases: case-sensitive; single words that are common English
    words (lowercased) or too short are left to the statistical NER. With ``plain_words`` (the
    English words that are no nouns), unshared pack surnames opening a sentence too."""
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, Any]] = []
    for k in idx.known.values():
        label = SPACY_LABELS.get(k.type)
        if not label or not k.linked:
            continue
        for alias in {k.name, *idx.raw_aliases.get(k.id, [])}:
            alias = alias.strip()
            if len(alias) < 3 or not alias[:1].isupper():
                continue
            if " " not in alias and (alias.lower() in common_words or alias.isdigit()):
                continue
            if (label, alias) in seen:
                continue
            seen.add((label, alias))
            out.append({"label": label, "pattern": alias})
    surnames = sentence_initial_surnames(idx, plain_words) if plain_words is not None else []
    if surnames:  # one pattern: the matcher tries each pattern at every token, a set lookup is cheap
        out.append({"label": "PERSON", "pattern": [{"ORTH": {"IN": surnames}, "IS_SENT_START": True}]})
    return out


def sentence_initial_surnames(idx: Index, plain_words: set[str]) -> list[str]:
    """Surnames a pack gives that no other person and no other kind of entity goes by, and that
    are no English verb, adjective, adverb, month, weekday or given name: the small model misses many a
    surname that opens a sentence ("Beria addressed ..."), and after a full stop a capitalised
    word that is one of these is a name."""
    import calendar

    calendar_words = {w.lower() for w in (*calendar.month_name[1:], *calendar.day_name)}
    other_names = {a.strip() for k in idx.known.values() if k.type != "person"
                   for a in {k.name, *idx.raw_aliases.get(k.id, [])}}
    out: set[str] = set()
    for k in idx.known.values():
        surname = str(k.data.get("surname") or "").strip()
        if k.type != "person" or not k.linked or len(surname) < 4 or not surname.isalpha() or not surname[:1].isupper():
            continue
        if surname.lower() in plain_words or surname.lower() in calendar_words or surname in other_names \
                or known_given(translit_key(surname)):
            continue  # "Arnold" or "Serge" opening a sentence may be anyone's first name
        if len(idx.by_surname_exact.get(alias_key(surname), ())) == 1:
            out.add(surname)
    return sorted(out)

