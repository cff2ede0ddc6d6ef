"""Entity resolution for one document: mentions -> canonical entities.

Order of evidence, strict to loose: exact alias, transliteration key, name parts (surname with
agreeing first name / initials / patronymic / gender / title role), a surname or first name the
document itself introduced (by recency), nicknames the packs know, OCR key and bounded fuzzy
matching (same type, same first letter, gender ending). What stays unknown becomes an unlinked
entity ("u:<slug>") only when the evidence is there (several mentions, or a full name).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from kartoteka import yamldata
from kartoteka.analysis import AliasRecord, Analysis, EntityRecord, Mention, Passage
from kartoteka.resolve.cues import StatedPair, find_stated
from kartoteka.resolve.evidence import (
    citation_year,
    descriptor_before,
    namesake_warned,
    role_words,
    ruled_out,
)
from kartoteka.resolve.index import Index, Known, bag_key, org_words
from kartoteka.resolve.keys import alias_key, ocr_key, slug, translit_key, variant_keys, variant_names
from kartoteka.resolve.names import (
    PersonName,
    as_first_patronymic,
    compatible,
    first_names_agree,
    firsts_agree,
    is_stopped,
    known_given,
    name_data,
    parse_person,
    same_surname_spelt,
    surname_key,
)
from kartoteka.resolve.surface import adjective_or_plural, after_title_preposition, inside_title, passage_at

TYPE_OF_LABEL = {"PERSON": "person", "ORG": "organization", "NORP": "organization", "GPE": "place",
                 "LOC": "place", "FAC": "place", "EVENT": "event", "WORK_OF_ART": "work"}
RECENT = 2500          # characters within which a short name refers back to a bearer just named
FIRST_NAME_NEAR = 1000  # characters within which a bare given name refers back to one named in full
LEAD_MIN, LEAD_RATIO = 5, 3  # a bearer leads with this many mentions and this many times the next
FUZZY_PERSON = 85      # rapidfuzz ratio for a surname variant (OCR, misspelling)
FUZZY_OTHER = 90
MIN_FUZZY_LEN = 5
PROMINENT = 10         # pack prominence (aliases, offices, events) of a widely known bearer
# A name starts with a letter, a digit OCR made of one ("0rlov", "1enin") or an ordinal ("2nd Army").
_NAME_OK = re.compile(r"^(?:[^\W\d_]|[015](?=[A-Za-z])|\d{1,2}(?:st|nd|rd|th)\s)[\w'\u2019.&\- ]*[\w.]$")


@dataclass
class Cluster:
    id: str
    type: str
    linked: bool
    names: dict[str, int] = field(default_factory=dict)
    forms: list[PersonName] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)
    count: int = 0
    full: bool = False      # named in full somewhere in the document
    strong: int = 0         # mentions outside headings
    titled: bool = False    # named with a title somewhere ("Mrs. X", "General X")


class DocResolver:
    def __init__(self, a: Analysis, base: Index, overlay: Index, common: set[str]) -> None:
        self.a = a
        self.indexes = (base, overlay)
        self.base = base
        self.common = common
        self.at = passage_at(a)  # passage seq -> index: a mention's passage without a walk over all
        self.clusters: dict[str, Cluster] = {}
        # Where each entity was named unambiguously (a full name, a sole candidate, a role): a
        # short name refers back to these, never to earlier guesses, so one guess cannot chain.
        self.anchors: dict[str, list[int]] = {}
        self.c_ocr: dict[tuple[str, str], str] = {}
        self.assign: dict[int, tuple[str | None, float]] = {}
        self._surname_keys: list[str] | None = None
        self._passage_starts: list[int] | None = None
        self._lower: Counter[str] | None = None
        self._text_words: set[str] | None = None
        self._judged: dict[int, str | None] = {}  # ORTH -> the word, where it may be a missed surname
        # Document clusters by surname part and by first name (persons named in full).
        self.c_surname: dict[str, set[str]] = {}
        self.c_first: dict[str, set[str]] = {}
        self._short_cache: dict[tuple[Any, ...], set[str]] = {}
        self._by_first_name: set[tuple[Any, ...]] = set()   # cache keys answered by a given name alone
        # How the mention being resolved was linked (kept in its features as "link" for --why).
        self._how: dict[str, Any] | None = None
        self._pick_rule = ""
        # Unlinked entities made for a bare surname whose pack bearer was set aside as unsure (a
        # namesake outside the packs): a name, kept even where it occurs once.
        self._namesake_new: set[str] = set()
        self._doc_ties: dict[str, bool] = {}

    # -- lookups ---------------------------------------------------------------------------

    def look(self, table: str, key: str) -> set[str]:
        out: set[str] = set()
        for idx in self.indexes:
            out |= idx.lookup(table, key)
        if table == "by_surname" and not out:
            return self.look("by_alias_surname", key)
        return out

    def known(self, eid: str) -> Known | None:
        for idx in reversed(self.indexes):
            if eid in idx.known:
                return idx.known[eid]
        return None

    def type_of(self, eid: str) -> str:
        k = self.known(eid)
        if k:
            return k.type
        return self.clusters[eid].type if eid in self.clusters else "other"

    def forms_of(self, eid: str) -> list[PersonName]:
        k = self.known(eid)
        forms = list(k.forms) if k else []
        if eid in self.clusters:
            forms += self.clusters[eid].forms
        return forms

    def roles_of(self, eid: str) -> set[str]:
        k = self.known(eid)
        roles = set(k.roles) if k else set()
        if eid in self.clusters:
            roles |= self.clusters[eid].roles
        return roles

    def prominence(self, eid: str) -> int:
        k = self.known(eid)
        return k.prominence if k else 0

    # -- the run ---------------------------------------------------------------------------

    def run(self) -> None:
        a = self.a
        for m in a.mentions:
            self._drop_sentence_adverb(m)
            self._drop_associates(m)
            self._join_particle_surname(m)
            self._join_place_head(m)
        mentions = [m for m in a.mentions if self._keep(m)]
        for m in mentions:
            if m.label != "PERSON" and self._route(m) == "person":
                m.label = "PERSON"
        pairs = find_stated(a, mentions)
        known_spans = {(m.start, m.end) for m in mentions}
        for pair in pairs:
            if (pair.alias.start, pair.alias.end) not in known_spans:
                mentions.append(pair.alias)
                known_spans.add((pair.alias.start, pair.alias.end))
        mentions.sort(key=lambda m: m.start)
        self.mentions = mentions
        parsed: dict[int, PersonName] = {}
        route: dict[int, str] = {}
        for n, m in enumerate(mentions):
            route[n] = self._route(m)
            if route[n] == "person":
                parsed[n] = self._parse(m)
        # Pass 1: full person names, then what is not a person: a lone word that is the surname
        # of someone the document names in full ("Schacht" after "Hjalmar Schacht") is that
        # person whatever the NER's label.
        for n, m in enumerate(mentions):
            if route[n] == "person" and parsed[n].full:
                self._set(n, m, *self.resolve_full(parsed[n], m))
        for n, m in enumerate(mentions):
            if route[n] != "person" and self._named_surname(m):
                route[n], parsed[n] = "person", self._parse(m)
                m.label = "PERSON"
            elif route[n] != "person":
                self._set(n, m, *self.resolve_other(m, route[n]))
        # Pass 2: short person names, in document order (recency matters).
        for n, m in enumerate(mentions):
            if route[n] == "person" and not parsed[n].full:
                self._set(n, m, *self.resolve_short(parsed[n], m))
        # Names the NER missed: a capitalised word that is (a variant of) the surname of someone
        # the document names.
        extra = self._missed_surnames()
        if extra:
            base_n = len(mentions)
            mentions.extend(extra)
            for k, m in enumerate(extra):
                p = self._parse(m)
                self._set(base_n + k, m, *self.resolve_short(p, m))
            order = sorted(range(len(mentions)), key=lambda n: mentions[n].start)
            self.mentions = [mentions[n] for n in order]
            self.assign = {new: self.assign[old] for new, old in enumerate(order) if old in self.assign}
        self._apply_stated(pairs)
        self._finish()

    def _missed_surnames(self) -> list[Mention]:
        a = self.a
        if not a.docs:
            return []
        covered = sorted((m.start, m.end) for m in self.mentions)
        starts = [c[0] for c in covered]
        by_seq = {p.seq: p for p in a.passages}
        words: dict[str, list[tuple[int, int, int]]] = {}
        for n, doc in enumerate(a.docs):
            if doc is not None:
                for w, i in self._candidate_words(doc):
                    words.setdefault(w, []).append((a.passages[n].seq, i, i + len(w)))
        pool = set(self.c_surname)
        for eid, c in self.clusters.items():
            k = self.known(eid)
            if c.type == "person" and k is not None and k.data.get("surname"):
                pool.add(surname_key(str(k.data["surname"])))
        surnames = sorted(pool)
        out: list[Mention] = []
        for w, places in words.items():
            key = translit_key(w)
            if key in self.look("by_key", alias_key(w)) or self.look("by_key", alias_key(w)):
                continue  # a known name the NER chose not to tag here: leave it
            hit = key in pool
            if not hit:
                best = process.extractOne(key, surnames, scorer=fuzz.ratio, score_cutoff=FUZZY_PERSON + 3)
                hit = bool(best) and best[0][:1] == key[:1] and best[0].endswith("a") == key.endswith("a")
            if not hit:
                continue
            for seq, i, j in places:
                p = by_seq[seq]
                s, e = p.to_stored(i, j)
                k = bisect.bisect_right(starts, s) - 1
                if k >= 0 and covered[k][0] <= s < covered[k][1]:
                    continue
                if k + 1 < len(covered) and covered[k + 1][0] < e:
                    continue
                out.append(Mention(start=s, end=e, text=a.text[s:e], label="PERSON", passage_seq=seq,
                                   body_start=i, body_end=j, features={"name": w, "recovered": True}))
        return out

    def _candidate_words(self, doc: Any) -> list[tuple[str, int]]:
        """(word, offset) of the doc's tokens that may be a surname the NER missed: capitalised,
        six letters or more, no common word. Read from the doc's ORTH and IDX arrays, each distinct
        word judged once (a passage repeats its words; a Token object per token is not free)."""
        from spacy.attrs import IDX, ORTH

        if not len(doc):
            return []
        judged = self._judged
        out = []
        for orth, i in doc.to_array([ORTH, IDX]).tolist():
            w = judged.get(orth, False)
            if w is False:
                t = doc.vocab.strings[orth]
                w = judged[orth] = t if len(t) >= 6 and t[:1].isupper() and t[1:].islower() \
                    and t.lower() not in self.common else None
            if w is not None:
                out.append((w, i))
        return out

    def _drop_sentence_adverb(self, m: Mention) -> None:
        """A sentence adverb the NER glued to a name ("Externally Stalin", "Ironically Trotsky") is
        no part of it: the mention starts at the name."""
        name = m.features.get("name", m.text)
        first, _, rest = name.partition(" ")
        if not rest or not first.endswith("ly") or first.lower() not in self.common \
                or known_given(translit_key(first)) or not m.text.startswith(first):
            return
        k = len(m.text) - len(m.text[len(first):].lstrip())
        passage = self._passage(m)
        if passage is not None and m.body_start is not None:
            body = passage.body[m.body_start:m.body_end]
            if not body.startswith(first):
                return
            m.body_start += len(body) - len(body[len(first):].lstrip())
        m.start += k
        m.text = m.text[k:]
        m.features["name"] = rest.strip()

    def _passage(self, m: Mention) -> Passage | None:
        n = self.at.get(m.passage_seq)  # type: ignore[arg-type]
        return None if n is None else self.a.passages[n]

    def _drop_associates(self, m: Mention) -> None:
        """"Kerensky and Co.": a person with his associates, read by the NER as a body. Where the
        words before the tail are a person's name (a surname the packs know, or a name the
        document tags as a person), the mention is that name."""
        name = m.features.get("name", m.text)
        tails = sorted(_associates_tails(), key=len, reverse=True)
        tail = next((t for t in tails if name.endswith(" " + t) and m.text.endswith(t)), None)
        if tail is None or m.label == "PERSON":
            return
        head = name[:-len(tail)].rstrip()
        if not head or not head[0].isupper() or len(head.split()) > 3:
            return
        persons = {w for x in self.a.mentions if x.label == "PERSON"
                   for w in (x.features.get("name", x.text), *x.features.get("name", x.text).split()[-1:])}
        if head not in persons and not self.look("by_surname", surname_key(head.split()[-1])):
            return
        k = len(m.text) - len(m.text[:-len(tail)].rstrip())
        m.end -= k
        if m.body_end is not None:
            m.body_end -= k
        m.text = m.text[:-k]
        m.features["name"] = head
        m.label = "PERSON"

    def _join_particle_surname(self, m: Mention) -> None:
        """The NER often stops a name before its particle: "Friedrich Werner" of "Friedrich Werner
        von der Schulenburg". A person's mention followed by particles and a capitalised word
        takes them in."""
        if m.label != "PERSON" or m.body_end is None:
            return
        least = 0 if m.text.split()[-1] in name_data().particles else 1  # "Friedrich Werner von der"
        hit = _particle_tail(least).match(self.a.text[m.end:m.end + 40])
        passage = self._passage(m)
        if not hit or passage is None or passage.body[m.body_end:m.body_end + hit.end()] != hit.group(0):
            return
        for other in self.a.mentions:  # "Schulenburg" tagged apart is now inside this name
            if other is not m and m.end <= other.start < m.end + hit.end():
                other.features["name"] = ""
        m.end += hit.end()
        m.body_end += hit.end()
        m.text = self.a.text[m.start:m.end]
        m.features["name"] = m.features.get("name", m.text) + hit.group(0)

    def _join_place_head(self, m: Mention) -> None:
        """A place's mention followed by a geographic head word ("Baltic" + "Sea") takes it in,
        unless the packs know the word alone (a river "Volga" is the Volga River too)."""
        if m.label not in ("GPE", "LOC", "NORP") or m.body_end is None \
                or self.look("by_key", alias_key(m.features.get("name", m.text))):
            return
        hit = _place_head().match(self.a.text[m.end:m.end + 16])
        passage = self._passage(m)
        if not hit or passage is None or passage.body[m.body_end:m.body_end + hit.end()] != hit.group(0):
            return
        m.end += hit.end()
        m.body_end += hit.end()
        m.text = self.a.text[m.start:m.end]
        m.features["name"] = m.features.get("name", m.text[:-hit.end()]) + hit.group(0)
        m.label = "LOC"

    def _named_surname(self, m: Mention) -> bool:
        name = _strip_possessive(m.features.get("name", m.text))
        if " " in name or name.lower() in self.common:
            return False
        key = surname_key(name)
        return key in self.c_surname and not self.look("by_key", alias_key(name))

    def _keep(self, m: Mention) -> bool:
        name = m.features.get("name", m.text)
        if is_stopped(name) or len(name) < 2 or not _NAME_OK.match(name):
            return False
        if m.label != "PERSON" and (inside_title(self.a.text, m.start, m.end) or after_title_preposition(self.a, m, self.at)):
            return False  # "Russia" of a collection called "After Russia" names the book
        if self.look("by_key", alias_key(name)):
            return True
        if m.label == "NORP":
            return False
        # "the Finnish capital", "75,000 Lithuanians": no entity of their own (a surname the packs
        # know, "Peters", is a name even where the tagger reads a plural)
        return " " in name or bool(self.look("by_surname", surname_key(name))) or not adjective_or_plural(self.a, m, self.at)

    def _route(self, m: Mention) -> str:
        typ = TYPE_OF_LABEL.get(m.label, "other")
        name = m.features.get("name", m.text)
        caps = "".join(c for c in name if c.isupper())
        if " " not in name and len(caps) >= 3 and caps != name and not self.look("by_key", alias_key(name)) \
                and self.look("by_caps", caps):
            return "organization"  # "VCheKa" tagged as a person or place: an acronym spelt out
        if len(words := name.split()) >= 2 and translit_key(words[-1]) in org_words()["head_words"] \
                and not self.look("by_key", alias_key(name)) and not self.look("by_tkey", translit_key(name)):
            return "organization"  # "Commissariat of Labor" tagged as a place: its head word says body
        if typ == "person":
            # The NER's "Gestapo" or "Kiev" as a person: a known name of a body or place, and of
            # nobody, is that body or place.
            if " " not in name.strip() and not m.features.get("title"):
                exact = self.look("by_key", alias_key(name))
                if exact and not any(self.type_of(e) == "person" for e in exact) \
                        and not self.look("by_surname", translit_key(name)):
                    return self.type_of(sorted(exact)[0])
            return "person"
        exact = self.look("by_key", alias_key(name)) or self.look("by_tkey", translit_key(name))
        people = self.look("by_surname_exact", alias_key(name)) if " " not in name.strip() else set()
        if people and typ in ("place", "organization"):
            # A little-known bearer does not turn a place or body into a person ("the Reich" is no
            # Zinaida Reich); one the document names in full does, later (_named_surname).
            same = [e for e in exact if self.type_of(e) == typ]
            top = max(map(self.prominence, people))
            if (not same and top >= PROMINENT) or (same and top > max(map(self.prominence, same))):
                return "person"
        if any(self.type_of(e) == typ for e in exact):
            return typ
        if " " not in name.strip() and name.lower() not in self.common and known_given(translit_key(name)):
            return "person"  # "Irina" or "Ariadna" tagged as a place or body: a given name says person
        if exact and all(self.type_of(e) == "person" for e in exact):
            return "person"
        if " " not in name.strip() and self.look("by_surname", translit_key(name)):
            return "person"
        if exact:
            return self.type_of(next(iter(sorted(exact))))
        words = name.split()
        if len(words) >= 2 and known_given(translit_key(words[0])) and words[-1][:1].isupper():
            return "person"  # "Pavel Zubrin" tagged as a place: a given name says person
        return typ

    def _parse(self, m: Mention) -> PersonName:
        name = m.features.get("name", m.text)
        title = m.features.get("title")
        if title and not name.startswith(title):
            name = f"{title} {name}"
        return parse_person(name)

    def _set(self, n: int, m: Mention, eid: str | None, conf: float, typ: str | None = None,
             p: PersonName | None = None) -> None:
        self.assign[n] = (eid, conf)
        how, self._how = self._how, None
        if eid is None:
            return
        if how:
            m.features["link"] = how
        c = self.clusters.get(eid)
        if c is None:
            k = self.known(eid)
            c = Cluster(id=eid, type=k.type if k else (typ or "other"), linked=bool(k and k.linked))
            self.clusters[eid] = c
        name = m.features.get("name", m.text)
        c.names[name] = c.names.get(name, 0) + 1
        c.count += 1
        if not m.features.get("heading"):
            c.strong += 1
        if p is not None:
            if p.full and len(p.tokens) >= 2:
                c.forms.append(p)
                c.full = True
                for part in p.surname_parts:
                    self.c_surname.setdefault(part, set()).add(eid)
                if p.first:
                    self.c_first.setdefault(p.first, set()).add(eid)
            c.roles |= p.roles
            c.titled = c.titled or bool(p.titles)
        if p is None or p.full or conf >= 0.85:
            bisect.insort(self.anchors.setdefault(eid, []), m.start)
        if not c.linked:
            self.c_ocr.setdefault((c.type, ocr_key(name)), eid)

    # -- persons ---------------------------------------------------------------------------

    def _pick_strict(self, cands: set[str], named: list[str], p: PersonName,
                     leader: str | None) -> tuple[str | None, float]:
        """A short name that neither its form, a title nor a bearer named just before decides.
        The famous bearer of the surname takes it only if he bears that very surname or the pack
        lists the word as his name (not a part of his surname, nor a near spelling) and outweighs
        every other candidate; else a bearer the
        document names in full does, and of several only the one the document is mostly about.
        Otherwise the mention stays unresolved: no guess among namesakes."""
        prom = sorted(cands, key=lambda c: (-self.prominence(c), c))
        top = prom[0]
        rest = max((self.prominence(c) for c in prom[1:]), default=0)
        own = self.known(top)
        bears = own is not None and bool(p.surname) and surname_key(str(own.data.get("surname") or "")) == p.surname \
            or top in self.look("by_key", alias_key(" ".join(p.tokens)))  # "Djugashvili": the pack's own name for him
        self._pick_rule = "most prominent"
        if bears and self.prominence(top) >= PROMINENT and self.prominence(top) >= 2 * max(1, rest):
            return top, 0.5
        self._pick_rule = "named in full in the document"
        if len(named) == 1:
            return named[0], 0.6
        self._pick_rule = "the document's main bearer"
        if leader in named:
            return leader, 0.5
        self._pick_rule = "no evidence between namesakes"
        return None, 0.0

    def _pick(self, cands: set[str], p: PersonName, pos: int, short: bool = False) -> tuple[str | None, float]:
        if not cands:
            return None, 0.0
        self._pick_rule = "sole candidate"
        if len(cands) == 1:
            return next(iter(cands)), 0.9
        self._pick_rule = "title role"
        if p.roles:
            by_role = {c for c in cands if self.roles_of(c) & p.roles}
            if len(by_role) == 1:
                return next(iter(by_role)), 0.85
            if by_role:
                cands = by_role
        leader = self._leader(cands)
        recent = [(last, c) for c in cands if (last := self._last_before(c, pos)) is not None and pos - last <= RECENT
                  and (leader in (None, c) or self._paragraph(last) == self._paragraph(pos))]
        self._pick_rule = "named just before"
        if recent:
            return max(recent)[1], 0.7
        named = [c for c in cands if c in self.clusters and self.clusters[c].full]
        if short:
            return self._pick_strict(cands, named, p, leader)
        prom = sorted(cands, key=lambda c: (-self.prominence(c), c))
        top = prom[0]
        dominant = self.prominence(top) >= 2 * max(1, max(self.prominence(c) for c in prom[1:]))
        self._pick_rule = "most prominent"
        if dominant and self.prominence(top) >= 10:
            return top, 0.5
        self._pick_rule = "named in full in the document"
        if len(named) == 1:
            return named[0], 0.6
        if named:
            return sorted(named, key=lambda c: (-self.clusters[c].count, c))[0], 0.4
        self._pick_rule = "most prominent"
        return top, 0.35

    def _paragraph(self, pos: int) -> int:
        if self._passage_starts is None:
            self._passage_starts = sorted(p.start for p in self.a.passages)
        return bisect.bisect_right(self._passage_starts, pos)

    def _leader(self, cands: set[str]) -> str | None:
        """The bearer the document is mostly about, by mentions so far: another bearer of the
        name ("Svetlana Stalin" beside Stalin) keeps a short name only in the paragraph that names it."""
        counts = sorted((self.clusters[c].count if c in self.clusters else 0, c) for c in cands)
        top_n, top = counts[-1]
        second = counts[-2][0] if len(counts) > 1 else 0
        return top if top_n >= LEAD_MIN and top_n >= LEAD_RATIO * max(1, second) else None

    def _last_before(self, eid: str, pos: int) -> int | None:
        ps = self.anchors.get(eid)
        if not ps:
            return None
        k = bisect.bisect_left(ps, pos) - 1
        return ps[k] if k >= 0 else None

    def _compatible_with(self, eid: str, p: PersonName) -> bool:
        forms = self.forms_of(eid)
        if not forms:
            return True
        return any(compatible(p, f) for f in forms) and first_names_agree(p, forms)

    def resolve_full(self, p: PersonName, m: Mention) -> tuple[str | None, float, str, PersonName]:
        name = " ".join(p.tokens)
        for table, key in (("by_key", alias_key(name)), ("by_tkey", translit_key(name))):
            cands = {e for e in self.look(table, key) if self.type_of(e) == "person"}
            cands = {e for e in cands if self._compatible_with(e, p) and self._supported(e, alias_key(name))}
            cands = self._admitted(cands, m, p)
            if cands:
                eid, conf = self._pick(cands, p, m.start)
                self._note(eid, "pack alias" if table == "by_key" else "transliteration", key, cands)
                return eid, conf, "person", p
        kind = "name parts"
        cands = self._admitted(self._by_parts(p), m, p)
        if not cands:
            kind = "first name and patronymic"
            alt = as_first_patronymic(p)
            if alt is not None:
                cands = self._by_first_patronymic(alt)
            elif p.first and p.patronymic and not p.surname:
                cands = self._by_first_patronymic(p)
            cands = self._admitted(cands, m, p)
        if not cands and p.surname:
            cands, kind = self._variant_person(p)
            cands = self._admitted(cands, m, p)
        if not cands and p.surname:
            kind = "fuzzy"
            cands = self._admitted(self._fuzzy_person(p), m, p)
        if not cands and p.surname:
            kind = "cut name"
            cands = self._admitted(self._cut_surname(p), m, p)
        if cands:
            eid, conf = self._pick(cands, p, m.start)
            self._note(eid, self._parts_kind(eid, p, kind), name, cands)
            return eid, conf, "person", p
        self._note(None, "first named here", name, set())
        return self._new_unlinked(name, "person", p), 0.8, "person", p

    # -- evidence -------------------------------------------------------------------------

    def _supported(self, eid: str, key: str) -> bool:
        """A risky alias (a lone given name, a code name, a shared alias) links only to someone
        the document names otherwise too."""
        if not self.base.is_risky(eid, key):
            return True
        c = self.clusters.get(eid)
        return c is not None and (c.full or bool(self.anchors.get(eid)))

    def _admitted(self, cands: set[str], m: Mention, p: PersonName) -> set[str]:
        """The candidates the text around the mention does not rule out (descriptor, era)."""
        if not cands or not any(self.known(c) and self.known(c).linked for c in cands):  # type: ignore[union-attr]
            return cands
        occ = [t for t in p.titles if t in name_data().descriptors]
        d = descriptor_before(self.a.text[max(0, m.start - 60):m.start])
        if d:
            occ.append(d)
        year = citation_year(self.a.text[m.end:m.end + 24])
        if not occ and year is None:
            return cands
        out = set()
        for c in cands:
            k = self.known(c)
            why = ruled_out(set(k.roles), k.data, occ, year) if k is not None and k.linked else None
            if why is None:
                out.add(c)
            else:
                m.features.setdefault("ruled_out", {})[c] = why
        return out

    def _parts_kind(self, eid: str | None, p: PersonName, kind: str) -> str:
        """Name parts that agree through a given-name class are a given-name equivalence."""
        if kind != "name parts" or not eid or not p.first:
            return kind
        firsts = {f.first for f in self.forms_of(eid) if f.first}
        if firsts and p.first not in firsts and any(firsts_agree(p.first, f) for f in firsts):
            return "given-name equivalence"
        if p.surname and not any(p.surname_parts & f.surname_parts for f in self.forms_of(eid)):
            return "ocr repair" if any(ocr_key(p.surname) == ocr_key(f.surname or "") for f in self.forms_of(eid)) \
                else "fuzzy"
        return kind

    def _note(self, eid: str | None, kind: str, key: str, cands: set[str]) -> None:
        how: dict[str, Any] = {"how": kind, "key": key}
        if kind == "fuzzy" and getattr(self, "_fuzzy_scores", None):
            scores = self._fuzzy_scores
            how["score"] = scores[0][1]
            how["match"] = scores[0][0]
            how["runner_up"] = list(scores[1]) if len(scores) > 1 else None
        if len(cands) > 1:
            how["rule"] = self._pick_rule
            how["others"] = sorted(c for c in cands if c != eid)[:3]
        self._how = how

    def _by_parts(self, p: PersonName) -> set[str]:
        if not p.surname:
            return set()
        cands: set[str] = set()
        for part in p.surname_parts:
            cands |= self.look("by_surname", part)
        for part in p.surname_parts:
            cands |= self.c_surname.get(part, set())
        return {e for e in cands if self.type_of(e) == "person" and self.forms_of(e)
                and any(compatible(p, f) for f in self.forms_of(e)) and first_names_agree(p, self.forms_of(e))}

    def _by_first_patronymic(self, p: PersonName) -> set[str]:
        cands: set[str] = set()
        if not p.first:
            return cands
        gc = name_data().given_class
        firsts = {p.first} | {k for k, v in gc.items() if v == gc.get(p.first)}
        for f in firsts:
            # "Ivan Petrovich" is half the men of a period: a known bearer only when the
            # document writes his surname somewhere ("Vladimir Ilyich" where "Lenin" occurs).
            cands |= {e for e in self.look("by_first", f) if e in self.c_first.get(f, set()) or self._surname_in_text(e)}
        for f in firsts:
            cands |= self.c_first.get(f, set())
        return {e for e in cands if any(compatible(p, f, need_surname=False) for f in self.forms_of(e))}

    def _surname_in_text(self, eid: str) -> bool:
        if self._text_words is None:
            self._text_words = {translit_key(w) for w in re.findall(r"[^\W\d_][\w'\u2019-]+", self.a.text)}
        return any(f.surname and f.surname in self._text_words for f in self.forms_of(eid))

    def _variant_person(self, p: PersonName, doc_only: bool = False) -> tuple[set[str], str]:
        """The bearers of the surname read in another romanisation system (German "Jeschow",
        French "Iejov", Polish "Jeżow" for Yezhov), the rest of the name agreeing."""
        if not p.tokens:
            return set(), ""
        for system, key in variant_keys(p.tokens[-1]).items():
            q = PersonName(text=p.text, first=p.first, patronymic=p.patronymic, initials=p.initials,
                           surname=key, titles=p.titles, roles=p.roles, gender=p.gender, tokens=p.tokens)
            found = {c for c in self.c_surname.get(key, set()) if any(compatible(q, f) for f in self.forms_of(c))}
            if not found and not doc_only:
                found = self._by_parts(q)
            if found:
                return found, f"transliteration ({system.split('_')[0]})"
        if doc_only:
            return set(), ""
        # The whole name in one system (given name and patronymic romanised alike)
        for system, text in variant_names(" ".join(p.tokens)).items():
            q = parse_person(text)
            q.titles, q.roles, q.gender = p.titles, p.roles, p.gender or q.gender
            found = self._by_parts(q) if q.full else set()
            if found:
                return found, f"transliteration ({system.split('_')[0]})"
        return set(), ""

    def _cut_surname(self, p: PersonName) -> set[str]:
        """A full name whose surname was cut short ("Alexander Keren"): the one known bearer whose
        surname starts with it, given name agreeing. Only a surname that does not end as a whole
        one does, of five letters or more and most of the bearer's."""
        s = p.surname
        if not s or not p.first or len(s) < MIN_FUZZY_LEN or "-" in s \
                or any(s.endswith(e) for e in _surname_endings()) or self.look("by_surname", s):
            return set()
        out: set[str] = set()
        for cand_s in [x for x in self._all_surnames() if x.startswith(s) and x != s and len(s) >= 0.6 * len(x)]:
            q = PersonName(text=p.text, first=p.first, patronymic=p.patronymic, initials=p.initials,
                           surname=cand_s, titles=p.titles, roles=p.roles, gender=p.gender, tokens=p.tokens)
            out |= self._by_parts(q)
        return out if len(out) == 1 else set()

    def _all_surnames(self) -> list[str]:
        if self._surname_keys is None:
            self._surname_keys = sorted(set(self.base.by_surname) | set(self.indexes[1].by_surname)
                                        | set(self.base.by_alias_surname))
        return list(self.c_surname) + self._surname_keys

    def _fuzzy_person(self, p: PersonName) -> set[str]:
        """A surname variant by OCR key or bounded fuzzy match, the rest of the name agreeing."""
        assert p.surname
        s = p.surname
        if len(s) < MIN_FUZZY_LEN:
            return set()
        out: set[str] = set()
        for cand_s in self._close_surnames(s):
            q = PersonName(text=p.text, first=p.first, patronymic=p.patronymic, initials=p.initials,
                           surname=cand_s, titles=p.titles, roles=p.roles, gender=p.gender, tokens=p.tokens)
            out |= self._by_parts(q)
        return out

    def _close_surnames(self, s: str) -> list[str]:
        doc_surnames = set(self.c_surname)
        ok = ocr_key(s)
        out = [x for x in doc_surnames if x != s and ocr_key(x) == ok]
        pool = self._all_surnames()
        hits = process.extract(s, pool, scorer=fuzz.ratio, score_cutoff=FUZZY_PERSON - 10, limit=6)
        self._fuzzy_scores = [(c, round(sc, 1)) for c, sc, _ in hits if c != s]
        for cand, score, _ in hits:
            if cand == s or cand in out or score < FUZZY_PERSON:
                continue
            if (cand[0] != s[0] and ocr_key(cand)[:1] != ocr_key(s)[:1]) or cand.endswith("a") != s.endswith("a"):
                continue
            if abs(len(cand) - len(s)) > 2:
                continue
            out.append(cand)
        for x in self.base.by_surname:
            if x != s and x not in out and len(x) >= MIN_FUZZY_LEN and ocr_key(x) == ok:
                out.append(x)
        return out

    def resolve_short(self, p: PersonName, m: Mention) -> tuple[str | None, float, str, PersonName]:
        word = " ".join(p.tokens)
        ck = (word, p.titles, p.gender, p.initials)
        cands = self._short_cache.get(ck)
        if cands is None:
            cands = self._short_candidates(p, word)
            self._short_cache[ck] = cands
        cands = self._admitted(cands, m, p)
        cands, unsure = self._namesake_checked(cands, m, p, word)
        if unsure and not cands:
            self._note(None, "namesake outside the packs: a new entity", word, set())
            assert self._how is not None
            self._how["set_aside"] = m.features.get("set_aside")
            eid = self._new_unlinked(word, "person", p)
            self._namesake_new.add(eid)
            return eid, 0.6, "person", p
        if cands and not p.titles and " " not in word and _after_article(self.a.text, m.start):
            # "the Reich", "the Kremlin": after an article a bare name is no person's surname, unless
            # the document names that person in full
            cands = {c for c in cands if c in self.clusters and self.clusters[c].full}
            if not cands:
                return None, 0.0, "person", p
        if cands and ck in self._by_first_name:
            # A bare given name ("Nikolai", "Ekaterina") is someone the document named in full
            # just before, in the same paragraph or close by; further off it is nobody we know.
            near = {c for c in cands if (last := self._last_before(c, m.start)) is not None
                    and (m.start - last <= FIRST_NAME_NEAR or self._paragraph(last) == self._paragraph(m.start))}
            if not near:
                return None, 0.0, "person", p
            cands = near
        if cands:
            eid, conf = self._pick(cands, p, m.start, short=True)
            self._note(eid, self._short_kind(eid, word, ck, p), word, cands)
            return eid, conf, "person", p
        if m.features.get("ruled_out") or self._risky_only(word):
            return None, 0.0, "person", p  # the known bearers are ruled out: leave it unresolved
        self._note(None, "first named here", word, set())
        return self._new_unlinked(word, "person", p), 0.6, "person", p

    def _namesake_checked(self, cands: set[str], m: Mention, p: PersonName, word: str) -> tuple[set[str], set[str]]:
        """A bare surname and pack bearers whose entry warns of a namesake the packs lack ("not to
        be confused with the SR leader Viktor Chernov"): the surname alone names the other as much
        as him, so he keeps it only where the document ties it to him. Returns the candidates
        kept and those set aside (kept in the mention's features for --why)."""
        if not p.surname or p.first or p.initials:
            return cands, set()
        vouched = self.look("by_key", alias_key(word))  # the pack lists the bare surname as his own name
        unsure: set[str] = set()
        for eid in sorted(cands - vouched):
            other = self._namesake_outside(eid, p.surname)
            if other is not None and not self._tied(eid, p, word):
                m.features.setdefault("set_aside", {})[eid] = f"namesake outside the packs: {other}"
                unsure.add(eid)
        return cands - unsure, unsure

    def _namesake_outside(self, eid: str, surname: str) -> str | None:
        """The namesake the pack entry of ``eid`` warns of, where he bears ``surname`` and no pack
        entry is his (a fuller form of his name is nobody's alias)."""
        k = self.known(eid)
        run = namesake_warned(k.data) if k is not None and k.linked and k.type == "person" else None
        words = run.split() if run else []
        if len(words) < 2 or not same_surname_spelt(surname_key(words[-1]), surname):
            return None
        for i in range(len(words) - 1):  # "Chekist Yefim Yevdokimov": the name is a tail of the run
            if any(self.type_of(e) == "person" for e in self.base.lookup("by_key", alias_key(" ".join(words[i:])))):
                return None
        return run

    def _tied(self, eid: str, p: PersonName, word: str) -> bool:
        """The document ties the surname to this pack person: it names him more fully (initials,
        given name), a title of the mention is one of his roles, or a paragraph that writes the
        surname also writes a word of his roles ("agriculture" of an agriculture commissar)."""
        c = self.clusters.get(eid)
        if (c is not None and c.full) or self.roles_of(eid) & p.roles:
            return True
        if eid not in self._doc_ties:
            words = role_words(self.roles_of(eid))
            stems = "|".join(re.escape(w[:max(4, len(w) - 2)]) for w in sorted(words))
            name = re.compile(rf"\b{re.escape(_strip_possessive(word))}\b")
            role = re.compile(rf"\b(?:{stems})", re.IGNORECASE) if stems else None
            self._doc_ties[eid] = role is not None and any(
                name.search(q.body) and role.search(q.body) for q in self.a.passages)
        return self._doc_ties[eid]

    def _risky_only(self, word: str) -> bool:
        """The word is a pack alias that needs support, and the document gives none."""
        key = alias_key(word)
        return any(self.base.is_risky(e, key) for e in self.base.lookup("by_key", key))

    def _short_kind(self, eid: str | None, word: str, ck: tuple[Any, ...], p: PersonName) -> str:
        """How a short name reached its bearer (for --why)."""
        if ck in self._by_first_name:
            return "given name named in full nearby"
        if eid and eid in self.look("by_key", alias_key(word)):
            k = self.known(eid)
            return "pack alias" if k is not None and k.linked else "exact key"
        forms = self.forms_of(eid) if eid else []
        if p.surname and any(p.surname_parts & f.surname_parts for f in forms):
            return "surname" if self._pick_rule == "sole candidate" else f"surname; context: {self._pick_rule}"
        if eid and eid in self.look("by_tkey", translit_key(word)):
            return "transliteration"
        if p.surname and any(ocr_key(p.surname) == ocr_key(f.surname or "") for f in forms):
            return "ocr repair"
        if p.tokens and any(k in f.surname_parts for k in variant_keys(p.tokens[-1]).values() for f in forms):
            return "transliteration (another system)"
        return "fuzzy"

    def _short_candidates(self, p: PersonName, word: str) -> set[str]:
        exact = {e for e in self.look("by_key", alias_key(word)) if self.type_of(e) == "person"
                 and self._supported(e, alias_key(word))}
        if p.surname:
            cands = {c for c in self.c_surname.get(p.surname, set())
                     if any(compatible(p, f) for f in self.clusters[c].forms)}
            pack = {e for e in self.look("by_surname", p.surname) if self.type_of(e) == "person"
                    and (not self.forms_of(e) or any(compatible(p, f) for f in self.forms_of(e)))
                    and not self._part_only(e, p.surname) and not self._other_name_unsupported(e, p.surname)}
            if exact:
                # The packs know someone by the word alone: among bearers of the surname he comes
                # first; where he bears it only as a birth name or pseudonym ("Djugashvili") he
                # joins them, and prominence decides. Bearers the document named stay in play.
                pack = (pack & exact) or (pack | exact)
            cands |= pack
        else:
            cands = set()
        key = translit_key(word)
        ck = (word, p.titles, p.gender, p.initials)
        if not cands and p.first and not p.surname:
            cands = {c for c in self.c_first.get(key, set())
                     if not p.gender or p.gender == _gender_of(self.clusters[c])}
            if cands:
                self._by_first_name.add(ck)
        if exact and not cands:
            cands = exact
        if not cands and word:
            # A first name the document introduced ("Max" after "Max Maximov-Unschlicht").
            cands = {c for c in self.c_first.get(key, set())
                     if not p.gender or p.gender == _gender_of(self.clusters[c])}
            if cands:
                self._by_first_name.add(ck)
        if not cands and p.surname:
            cands, _ = self._variant_person(p)
        if not cands and p.surname and len(p.surname) >= MIN_FUZZY_LEN:
            cands = self._fuzzy_short(p)
        if not cands:
            exact_t = {e for e in self.look("by_tkey", translit_key(word)) if self.type_of(e) == "person"
                       and self._supported(e, alias_key(word))}
            cands = exact_t
        if cands and p.gender:
            cands = {c for c in cands if _known_gender(self, c) in (None, p.gender)}
        return cands

    def _part_only(self, eid: str, surname: str) -> bool:
        """One half of a double surname ("Antonov" of Antonov-Ovseenko, "Bonch" of Bonch-Bruevich)
        is an ordinary surname of its own: alone it names the bearer of the double one only where
        the document names him (the whole surname, or the half as the pack's own alias)."""
        k = self.known(eid)
        whole = surname_key(str(k.data.get("surname") or "")) if k is not None else ""
        if "-" not in whole or whole == surname:
            return False
        return eid not in self.clusters

    def _other_name_unsupported(self, eid: str, surname: str) -> bool:
        """A bare surname that is not the pack person's own (in any spelling) but one of his
        other names (birth name, pseudonym, cover name: "Fomin" of an agent, "Lessner") names
        him only where the document names him otherwise too: others bear that surname."""
        k = self.known(eid)
        own = surname_key(str(k.data.get("surname") or "")) if k is not None and k.linked else ""
        if not own or same_surname_spelt(surname, own):
            return False
        c = self.clusters.get(eid)
        return not (c is not None and (c.full or bool(self.anchors.get(eid))))

    def _fuzzy_short(self, p: PersonName) -> set[str]:
        assert p.surname
        out: set[str] = set()
        for s in self._close_surnames(p.surname):
            out |= self.c_surname.get(s, set())
            if not out:
                out |= {e for e in self.look("by_surname", s) if self.type_of(e) == "person"
                        and not self._other_name_unsupported(e, s)}
            if out:
                break
        return out

    # -- organizations, places, events, works ----------------------------------------------

    def resolve_other(self, m: Mention, typ: str) -> tuple[str | None, float, str, None]:
        name = m.features.get("name", m.text)
        for table, key, conf in (("by_key", alias_key(name), 0.95), ("by_tkey", translit_key(name), 0.9),
                                 ("by_ocr", ocr_key(name), 0.7)):
            if table == "by_ocr" and len(key) < 4:
                continue
            cands = self.look(table, key)
            # (a place or body's shared name, "Perm" of two eras, is told apart by prominence here)
            same = {e for e in cands if self.type_of(e) == typ}
            if len(same) == 1 and table != "by_ocr" and not self._supported(next(iter(same)), alias_key(name)):
                # "Eastern Front": a name the packs give one entry but other things bear too
                # links only where the document names that entry otherwise
                return None, 0.0, typ, None
            if same:
                eid = sorted(same, key=lambda e: (-self.clusters[e].count if e in self.clusters else 0,
                                                  -self.prominence(e), e))[0]
                self._how = {"how": {"by_key": "pack alias", "by_tkey": "transliteration",
                                     "by_ocr": "ocr repair"}[table], "key": key}
                return eid, conf, typ, None
        if typ == "organization":
            hit = self._org_variant(name)
            if hit:
                return hit, 0.8, typ, None
        hit_c = self.c_ocr.get((typ, ocr_key(name)))
        if hit_c:
            self._how = {"how": "ocr repair", "key": ocr_key(name)}
            return hit_c, 0.7, typ, None
        key = translit_key(name)
        if len(key) >= 6:
            pool = self._type_keys(typ)
            hits = process.extract(key, pool, scorer=fuzz.ratio, score_cutoff=FUZZY_OTHER - 10, limit=2)
            hit = hits[0] if hits and hits[0][1] >= FUZZY_OTHER else None
            if hit and hit[0][:1] == key[:1]:
                same = {e for e in self.look("by_tkey", hit[0]) if self.type_of(e) == typ}
                if same:
                    self._how = {"how": "fuzzy", "key": key, "score": round(hit[1], 1), "match": hit[0],
                                 "runner_up": [hits[1][0], round(hits[1][1], 1)] if len(hits) > 1 else None}
                    return sorted(same)[0], 0.6, typ, None
        return self._new_unlinked(name, typ, None), 0.6, typ, None

    def _org_variant(self, name: str) -> str | None:
        """An organization by its words in another order, or an acronym by the names it abbreviates:
        taken only where one organization fits."""
        caps = "".join(c for c in name if c.isupper())
        for table, key, kind in (("by_bag", bag_key(name), "word order"), ("by_acronym", name.strip(), "acronym"),
                                 ("by_caps", caps, "acronym spelt out")):
            if table == "by_caps" and not (" " not in name and len(caps) >= 3 and caps != name):
                continue
            if table == "by_acronym" and not (name.isupper() and 2 <= len(name) <= 8 and " " not in name):
                continue
            if table == "by_bag" and " " not in key:
                continue
            same = {e for e in self.look(table, key) if self.type_of(e) == "organization"}
            if len(same) == 1:
                self._how = {"how": kind, "key": key}
                return next(iter(same))
        return None

    def _type_keys(self, typ: str) -> list[str]:
        cache = self.base.__dict__.setdefault("_type_keys", {})
        if typ not in cache:
            cache[typ] = sorted(k for k, ids in self.base.by_tkey.items()
                                if any(self.base.known[e].type == typ for e in ids))
        return cache[typ]

    # -- new entities ----------------------------------------------------------------------

    def _new_unlinked(self, name: str, typ: str, p: PersonName | None) -> str:
        key = translit_key(_strip_title(name))
        for e in self.indexes[1].lookup("by_tkey", key):
            k = self.known(e)
            if k and not k.linked and k.type == typ:
                return e
        new = self.__dict__.setdefault("_new", {})
        if (typ, key) not in new:
            new[(typ, key)] = f"u:{slug(_strip_title(name))}"
        return new[(typ, key)]

    def _apply_stated(self, pairs: list[StatedPair]) -> None:
        pos = {(m.start, m.end): n for n, m in enumerate(self.mentions)}
        self.stated: list[AliasRecord] = []
        for pair in pairs:
            i, j = pos.get((pair.main.start, pair.main.end)), pos.get((pair.alias.start, pair.alias.end))
            if i is None or j is None:
                continue
            ei, ej = self.assign.get(i, (None, 0))[0], self.assign.get(j, (None, 0))[0]
            ci, cj = self.clusters.get(ei or ""), self.clusters.get(ej or "")
            if ei and ei == ej:
                target, other = ei, None
            elif ci and (ci.linked or not cj or not cj.linked):
                target, other = ei, ej
            elif cj:
                target, other = ej, ei
            else:
                continue
            if other and other in self.clusters and self.clusters[other].linked and self.clusters[target].linked:
                continue  # two known people: the text does not merge them
            if other and other in self.clusters:
                self._merge(other, target)
            for n in (i, j):
                if self.assign.get(n, (None, 0))[0] != target:
                    self.assign[n] = (target, 0.8)
            am = self.mentions[j]
            self._join_alias_clusters(am.features.get("name", am.text), target)
            self.stated.append(AliasRecord(entity_id=target, alias=am.features.get("name", am.text), kind="stated",
                                           start=am.start, end=am.end))

    def _join_alias_clusters(self, alias: str, target: str) -> None:
        """A stated alias ("their son Georgy, whom she nicknamed 'Mur'") names its bearer wherever
        the document uses it alone: a cluster of the document's own known only by it joins him."""
        key = alias_key(_strip_possessive(alias))
        for eid, c in list(self.clusters.items()):
            if eid != target and not c.linked and self.known(eid) is None \
                    and c.names and all(alias_key(_strip_possessive(n)) == key for n in c.names):
                self._merge(eid, target)

    def _merge(self, src: str, dst: str) -> None:
        a, b = self.clusters.pop(src), self.clusters[dst]
        for k, v in a.names.items():
            b.names[k] = b.names.get(k, 0) + v
        b.forms += a.forms
        b.count += a.count
        b.strong += a.strong
        b.full = b.full or a.full
        for n, (e, c) in list(self.assign.items()):
            if e == src:
                self.assign[n] = (dst, c)

    def _evidence(self, c: Cluster) -> bool:
        if c.linked or self.known(c.id) or c.id in self._namesake_new:
            return True
        if c.strong == 0:
            return False
        names = list(c.names)
        if c.type == "person":
            if c.full:
                return True
            # Titles aside: "General Staff" and "General Line" are not a person called Staff.
            bare = [_strip_title(n) for n in names]
            if all(len(n.split()) == 1 and self._is_word(n, c.count) for n in bare):
                return False
            return c.strong >= 2 or c.titled
        multi = any(len(n.split()) >= 2 for n in names)
        if not multi and all(self._is_word(n, c.count) for n in names):
            return False  # "Army", "Left", "Revolution": a word, not a name
        return c.strong >= 2 or multi

    def _is_word(self, name: str, uses: int) -> bool:
        """The document itself writes it in lower case at least as often as it is capitalised
        ("army", "left", "staff"), unlike a name ("Europe", "Engels")."""
        if self._lower is None:
            self._lower = self._lowercase_counts()
        return self._lower[name.lower()] >= max(2, uses)

    def _lowercase_counts(self) -> Counter[str]:
        """How often the document writes each all-lowercase word (counted per spelling by spaCy,
        not token by token in Python: the monograph has 1.3 million tokens)."""
        from spacy.attrs import ORTH

        by_orth: Counter[int] = Counter()
        docs = [doc for doc in self.a.docs if doc is not None]
        for doc in docs:
            by_orth.update(doc.count_by(ORTH))
        if not docs:
            return Counter()
        strings = docs[0].vocab.strings
        return Counter({strings[o]: n for o, n in by_orth.items() if strings[o].islower()})

    def _finish(self) -> None:
        a = self.a
        good = {eid for eid, c in self.clusters.items() if self._evidence(c)}
        out: list[Mention] = []
        for n, m in enumerate(self.mentions):
            eid, conf = self.assign.get(n, (None, 0.0))
            if eid is not None and eid not in good:
                continue
            if eid is None and self.known(eid or "") is None and conf == 0.0 and m.label != "PERSON":
                continue
            if eid is None:
                continue
            m.entity_id = eid
            m.confidence = round(conf, 2)
            if conf < 0.5:
                m.features["ambiguous"] = True
            out.append(m)
        a.mentions = out
        entities: list[EntityRecord] = []
        aliases: list[AliasRecord] = []
        seen_alias: set[tuple[str, str]] = set()
        for eid in sorted(good):
            c = self.clusters[eid]
            k = self.known(eid)
            if not c.linked and (k is None or not k.linked):
                best = max(c.names, key=lambda x: (len(x.split()) >= 2, c.names[x], len(x)))
                best = _strip_title(best)
                entities.append(EntityRecord(id=eid, name=best, type=c.type, linked=False,
                                             data={"origin": "document"}))
        known_keys: dict[str, set[str]] = {}
        for m in out:
            assert m.entity_id
            name = _strip_possessive(m.features.get("name", m.text))
            key = alias_key(name)
            if (m.entity_id, key) in seen_alias:
                continue
            seen_alias.add((m.entity_id, key))
            if m.entity_id not in known_keys:
                known_keys[m.entity_id] = {alias_key(x) for idx in self.indexes
                                           for x in idx.raw_aliases.get(m.entity_id, [])}
            if key in known_keys[m.entity_id]:
                continue
            aliases.append(AliasRecord(entity_id=m.entity_id, alias=name, kind="surface", start=m.start, end=m.end))
        for st in getattr(self, "stated", []):
            if st.entity_id in good and (st.entity_id, "stated:" + alias_key(st.alias)) not in seen_alias:
                seen_alias.add((st.entity_id, "stated:" + alias_key(st.alias)))
                aliases.append(st)
        a.entities = entities
        a.aliases = aliases


def _gender_of(c: Cluster) -> str | None:
    gs = {f.gender for f in c.forms if f.gender}
    return gs.pop() if len(gs) == 1 else None


def _known_gender(r: DocResolver, eid: str) -> str | None:
    k = r.known(eid)
    if k is not None and k.gender:
        return k.gender
    c = r.clusters.get(eid)
    return _gender_of(c) if c else None


def _after_article(text: str, start: int) -> bool:
    return re.search(r"\b(?:the|a|an)\s+$", text[max(0, start - 6):start], re.IGNORECASE) is not None


@lru_cache(maxsize=1)
def _surname_endings() -> tuple[str, ...]:
    d = yamldata.safe_load((Path(__file__).parent / "data" / "names.yaml").read_text(encoding="utf-8"))
    return tuple(translit_key(str(x)) for x in d.get("surname_endings") or [])


@lru_cache(maxsize=2)
def _particle_tail(least: int) -> re.Pattern[str]:
    """Particles and a capitalised word after a name (at least ``least`` particles): compiled once."""
    parts = "|".join(sorted(map(re.escape, name_data().particles), key=len, reverse=True))
    return re.compile(rf"\s(?:(?:{parts})\s){{{least},2}}[A-Z][\w'\u2019]*(?:-[A-Z][\w'\u2019]*)?\b")


@lru_cache(maxsize=1)
def _place_head() -> re.Pattern[str]:
    heads = "|".join(sorted(org_words()["place_heads"]))
    return re.compile(rf" (?:{heads})\b")


@lru_cache(maxsize=1)
def _associates_tails() -> tuple[str, ...]:
    d = yamldata.safe_load((Path(__file__).parent / "data" / "names.yaml").read_text(encoding="utf-8"))
    return tuple(str(x) for x in d.get("associates_tails") or [])


def _strip_possessive(name: str) -> str:
    return re.sub(r"(?:'s|\u2019s|'|\u2019)$", "", name.strip())


def _strip_title(name: str) -> str:
    from kartoteka.resolve.names import strip_titles

    titles, toks = strip_titles(name.split())
    return " ".join(toks) if toks else name


def resolve_document(a: Analysis, base: Index, overlay: Index, common: set[str]) -> dict[str, Any]:
    r = DocResolver(a, base, overlay, common)
    r.run()
    return {"clusters": len(r.clusters)}
