"""Factoid extraction over one passage's dependency parse.

Triggers (lexicon.yaml) fire on lemmas; their arguments come from the parse: the (passive)
subject or object, an agent, an office, an organization, a place, a date attached to the
trigger's clause. Coordination ("X and Y were shot"), apposition, relative clauses ("X, who had
been arrested"), participles ("X, arrested in 1881") and shared subjects of coordinated verbs
("X was arrested and shot") all lead to the right entity. Each factoid also records who asserts
it (voice), and whether the assertion is hedged or negated.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from kartoteka.analysis import Mention, Passage, Segment
from kartoteka.extract.dates import (
    DateExpr,
    DateValue,
    find_dates,
    is_anchor,
    month_number,
    resolve,
    year_value,
)
from kartoteka.extract.lexicon import Lexicon, Step, Trigger
from kartoteka.extract.numbers import parse_number
from kartoteka.resolve.keys import alias_key
from kartoteka.resolve.names import parse_person, strip_titles

CLAUSAL = {"relcl", "advcl", "ccomp", "conj", "acl", "parataxis", "csubj", "xcomp", "pcomp"}
PERSON_PRONOUNS = {"he", "him", "his", "she", "her", "himself", "herself"}
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f", "herself": "f"}
MALE_SURNAME = re.compile(r"(?:ov|ev|yov|in|yn|sky|skii|skiy|ski|ich|vich)$")
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
WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
NUMERIC_ENTS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
VERB_PREFIXES = {"re", "co", "ex", "pre", "un", "non", "self", "mis", "over", "under", "out"}
TIME_CUES = {"age", "later", "after", "afterwards", "before", "earlier", "subsequently", "eventually", "finally",
             "until", "since", "once", "then", "meanwhile", "previously", "formerly", "soon"}


class EntityInfo:
    """What extraction needs to know of entities: type, name, and lookup of a name."""

    def __init__(self, types: Callable[[str], str | None], names: Callable[[str], str | None],
                 lookup: Callable[[str], str | None], linked: Callable[[str], bool] | None = None) -> None:
        self.type_of, self.name_of, self.lookup = types, names, lookup
        self.linked = linked or (lambda eid: True)


@dataclass
class DocState:
    """What carries from one passage to the next within a document."""

    anchor: DateValue | None = None
    anchor_section: str | None = None
    anchor_absolute: bool = False  # the anchor was written out in full, not resolved from context
    anchor_seq: int = 0  # the passage it was found in
    last_subject: Mention | None = None
    last_person: Mention | None = None
    last_org: Mention | None = None
    last_speaker: str | None = None
    years: list[int] = field(default_factory=list)
    months: dict[int, tuple[int, int]] = field(default_factory=dict)  # month -> (year, passage seq)


@dataclass
class Candidate:
    type: str
    subject: Mention
    sent_span: tuple[int, int]  # body offsets of the asserting sentence
    roles: dict[str, Any] = field(default_factory=dict)
    date: DateValue | None = None
    value: str | None = None
    voice: str = "author"
    hedged: bool = False
    negated: bool = False
    confidence: float = 0.9
    attrs: dict[str, Any] = field(default_factory=dict)


def factoid_id(doc: str, start: int, end: int, type_: str, subject: str | None, extra: str = "") -> str:
    h = hashlib.sha1(f"{doc}\x1f{start}\x1f{end}\x1f{type_}\x1f{subject}\x1f{extra}".encode()).hexdigest()
    return "f" + h[:15]


def _needs_ok(tok: Any, steps: tuple[Step, ...]) -> bool:
    if not steps:
        return True
    deps, lemmas = steps[0]
    for c in tok.children:
        dep_ok = "*" in deps or c.dep_ in deps
        if dep_ok and ("*" in lemmas or c.lemma_.lower() in lemmas or c.lower_ in lemmas) and _needs_ok(c, steps[1:]):
            return True
    return False


def is_passive(tok: Any) -> bool:
    if _parenthetical_participle(tok) is not None:
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


def _parenthetical_participle(tok: Any) -> Any | None:
    """The noun a bracketed participle describes: "the Special Board (instituted in 1934)"."""
    if tok.tag_ != "VBN" or tok.i < 2 or tok.doc[tok.i - 1].text != "(" or any(c.dep_ == "aux" for c in tok.children):
        return None
    noun = tok.doc[tok.i - 2]
    while noun.dep_ == "compound" and noun.head.i > noun.i:
        noun = noun.head
    return noun if noun.pos_ in ("NOUN", "PROPN") else None


@lru_cache(maxsize=4096)
def name_gender(name: str, male_a: frozenset[str] = frozenset()) -> str | None:
    """"m", "f" or None for a person's name: the given name, patronymic or surname form says so
    ("Nadezhda", "Ivanovna", "Petrova" are a woman's; "Ivan", "Petrov", "Trotsky" a man's);
    ``male_a`` lists more men's given names ending in -a ("Béla")."""
    p = parse_person(name)
    if p.first and p.first in male_a:
        return "m"
    if p.gender is None and p.surname and not p.first and MALE_SURNAME.search(p.surname):
        return "m"
    return p.gender


def _verbish(tok: Any) -> bool:
    return tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "ADJ" and tok.tag_ in ("VBN", "VBD"))


def _nounish(tok: Any) -> bool:
    return tok.pos_ in ("NOUN", "PROPN")


class PassageExtractor:
    """Extract candidates from one parsed passage."""

    def __init__(self, lex: Lexicon, passage: Passage, doc: Any, mentions: list[Mention], info: EntityInfo,
                 state: DocState, segments: list[Segment]) -> None:
        self.lex, self.p, self.doc, self.info, self.state = lex, passage, doc, info, state
        self.by_token: dict[int, Mention] = {}
        self.ordered: list[tuple[int, Mention]] = []  # (token index, mention), in text order
        for m in mentions:
            if m.body_start is None or m.body_end is None:
                continue
            span = doc.char_span(m.body_start, m.body_end, alignment_mode="expand")
            if span is None:
                continue
            for t in span:
                self.by_token.setdefault(t.i, m)
            self.ordered.append((span.root.i, m))
        self.ordered.sort(key=lambda x: x[0])
        self.segments = segments
        self.made: dict[int, Mention | None] = {}  # token -> mention made for a name NER missed
        self.coref_map = self._coref_pass()
        self.dates = self._dates()
        self.quotes = self._quotes()
        self.inline = [(m.start(), m.end(), voice) for rx, voice in lex.inline_layers for m in rx.finditer(passage.body)]

    # -- entities ---------------------------------------------------------------------------

    def etype(self, m: Mention) -> str:
        t = self.info.type_of(m.entity_id) if m.entity_id else None
        return t or SPACY_TYPES.get(m.label, "other")

    def mention_at(self, tok: Any) -> Mention | None:
        return self.by_token.get(tok.i)

    def _coref_pass(self) -> dict[int, Mention]:
        """Person pronouns resolved conservatively, left to right. A subject pronoun continues
        the topic (the last person who was a subject, named or by pronoun) only if that person was
        named in this sentence or the two before and, in a subordinate clause, no other person is
        named before it in its sentence ("Lenin's note was found after he died" is ambiguous); a possessive takes the
        nearest person named before it in its sentence, else a subject named after it, else the
        topic; an object pronoun the nearest person that is not its own clause's subject. "This
        figure" (a demonstrative and a person noun) as a subject is the one person the sentence
        before names. A possessive after another pronoun of its gender in the sentence is that
        pronoun's person again. An antecedent whose name says the other gender never fits ("she" is not
        Ivan Petrov). Anything less certain stays unresolved (and yields no factoid)."""
        out: dict[int, Mention] = {}
        topic: Mention | None = None
        topic_sent = -10
        sent_no: dict[int, int] = {}
        for n, sent in enumerate(self.doc.sents):
            for t in sent:
                sent_no[t.i] = n
        if self.state.last_subject is not None:
            topic, topic_sent = self.state.last_subject, -1
        person_nouns = self.lex.person_nouns
        chain_pronouns: list[int] = []  # possessive and object pronouns seen, in order
        for tok in self.doc:
            sn = sent_no[tok.i]
            m = self.by_token.get(tok.i)
            if m is not None and m.entity_id and self.etype(m) == "person":
                head = tok.head
                while self.by_token.get(head.i) is m and head.head.i != head.i and head.dep_ not in SUBJ_DEPS:
                    head = head.head
                subj = tok if tok.dep_ in SUBJ_DEPS else head if (self.by_token.get(head.i) is m and head.dep_ in SUBJ_DEPS) \
                    else tok.head if (tok.dep_ in ("appos", "poss") and tok.head.dep_ in SUBJ_DEPS
                                      and self.by_token.get(tok.head.i) is None) else None
                # a subject of a relative clause ("X, whom Gorky esteemed, was received") is no topic;
                # the possessor of a main subject is ("Stalin's purge was over. He ...")
                if subj is not None and subj.head.dep_ != "relcl" \
                        and (tok.dep_ != "poss" or subj.head.dep_ == "ROOT"):
                    topic, topic_sent = m, sn
                continue
            low = tok.lower_
            if m is None and self._bare_event(tok):
                if topic is not None and sn - topic_sent <= 1:
                    out[tok.i] = topic  # "Execution followed on 29 December": of the one just sentenced
                continue
            if m is None and tok.dep_ in SUBJ_DEPS and tok.lemma_.lower() in person_nouns \
                    and any(c.dep_ == "det" and c.lower_ in ("this", "that") for c in tok.children):
                prev = self._persons_named(tok.sent.start - 1) if tok.sent.start > 0 else {}
                if len(prev) == 1:  # "This revolutionary was arrested": the one person just named
                    out[tok.i] = next(iter(prev.values()))
                    topic, topic_sent = out[tok.i], sn
                continue
            if low not in PERSON_PRONOUNS or low in REFLEXIVE:
                continue
            before = {mm.entity_id for i, mm in self.ordered
                      if tok.sent.start <= i < tok.i and mm.entity_id and self.etype(mm) == "person"
                      and not self._inside_name(self.doc[i])}
            fits = self._gender_fits(low)
            if tok.dep_ in SUBJ_DEPS:
                main = tok.head.dep_ == "ROOT" or (tok.head.dep_ == "conj" and tok.head.head.dep_ == "ROOT")
                if topic is not None and sn - topic_sent <= 2 and (main or before <= {topic.entity_id}) \
                        and fits(topic):
                    out[tok.i] = topic
                    topic_sent = sn
                continue
            prior = [i for i in chain_pronouns if sent_no[i] == sn and PRONOUN_GENDER.get(self.doc[i].lower_)
                     == PRONOUN_GENDER.get(low)]
            chain_pronouns.append(tok.i)
            if prior and tok.dep_ == "poss":
                # "his endorsement of ... his friend X ..., his death": the same man as before
                if prior[-1] in out:
                    out[tok.i] = out[prior[-1]]
                continue
            clause_subj = None
            if tok.dep_ != "poss":
                h = tok.head
                while h.head.i != h.i and not _verbish(h):
                    h = h.head
                c = self.gsubject(h) if _verbish(h) else None
                if c is not None:
                    cm = self.by_token.get(c.i) or out.get(c.i)
                    clause_subj = cm.entity_id if cm else None
            for i, mm in reversed(self.ordered):
                if tok.sent.start <= i < tok.i and mm.entity_id and mm.entity_id != clause_subj \
                        and self.etype(mm) == "person" and self.doc[i].dep_ != "poss" \
                        and not self._inside_name(self.doc[i]) and fits(mm):
                    out[tok.i] = mm
                    break
            else:
                if tok.dep_ == "poss":  # "Between his appointment ..., Sverdlov had been": ahead
                    for i, mm in self.ordered:
                        if tok.i < i < tok.sent.end and mm.entity_id and self.etype(mm) == "person" \
                                and self.doc[i].dep_ in SUBJ_DEPS and fits(mm):
                            out[tok.i] = mm
                            break
                    else:
                        if not before and topic is not None and sn - topic_sent <= 1 and fits(topic):
                            out[tok.i] = topic  # "His death ...": the person the text is about
        return out

    def _bare_event(self, tok: Any) -> bool:
        """An event noun with no article, possessor or complement as the subject of a verb of
        occurring: "Execution followed immediately", "Arrest came a week later"."""
        return tok.tag_ == "NN" and tok.dep_ == "nsubj" and tok.head.lemma_ in self.lex.occurrence_verbs \
            and any(t.is_noun for t in self.lex.by_lemma.get(tok.lemma_.lower(), [])) \
            and not any(c.dep_ in ("det", "poss", "prep", "compound", "amod") for c in tok.children)

    def _gender_fits(self, pronoun: str) -> Callable[[Mention], bool]:
        """A test that an antecedent's name does not say the other gender than the pronoun."""
        want = PRONOUN_GENDER.get(pronoun)

        def fits(m: Mention) -> bool:
            got = name_gender(self.entity_name(m), self.lex.male_names_a)
            return want is None or got is None or got == want

        return fits

    def _persons_named(self, i: int) -> dict[str, Mention]:
        """The people named in the sentence holding token ``i`` (one mention each)."""
        sent = self.doc[i].sent
        found: dict[str, Mention] = {}
        for j, mm in self.ordered:
            if sent.start <= j < sent.end and mm.entity_id and self.etype(mm) == "person" \
                    and not self._inside_name(self.doc[j]):
                found.setdefault(mm.entity_id, mm)
        return found

    def _inside_name(self, tok: Any) -> bool:
        """A person's name inside another name: "the Order of Lenin"."""
        m = self.by_token.get(tok.i)
        if m is not None and " of " in m.text and tok.text not in self.entity_name(m):
            return True  # the mention's head is "Order", not the person
        if tok.dep_ == "pobj" and tok.head.lower_ == "of":
            h = tok.head.head
            return h.pos_ == "PROPN" and h.text[:1].isupper() and self.by_token.get(h.i) is None
        return False

    def _coref(self, tok: Any, exclude: set[int] | None = None) -> Mention | None:
        return self.coref_map.get(tok.i)

    def _coref_old(self, tok: Any, exclude: set[int] | None = None) -> Mention | None:
        """A person pronoun's antecedent: the latest person mention before it (not its own clause's
        subject for an object pronoun), preferring subjects of earlier sentences."""
        exclude = exclude or set()
        best_subj = best_any = None
        for i, m in self.ordered:
            if i >= tok.i:
                break
            if i in exclude or self.etype(m) != "person" or not m.entity_id:
                continue
            best_any = m
            if self.doc[i].dep_ in SUBJ_DEPS:
                best_subj = m
        if tok.dep_ in SUBJ_DEPS or tok.dep_ == "poss":
            return best_subj or best_any or self.state.last_subject
        return best_any or self.state.last_person

    def expand(self, tok: Any, depth: int = 0, exclude: set[int] | None = None,
               conjuncts: bool = True) -> list[tuple[Mention, float]]:
        """The mentions a noun phrase headed by ``tok`` stands for (conjuncts included unless
        ``conjuncts`` is false), each with a confidence factor."""
        if depth > 6:
            return []
        out: list[tuple[Mention, float]] = []
        m = self.mention_at(tok)
        low = tok.lower_
        if self.made.get(tok.i) is not None and (m is None or "-" in m.text):
            m = self.made[tok.i]  # one name of a hyphenated compound
        if m is not None:
            out.append((m, 1.0))
        elif low in PERSON_PRONOUNS or tok.i in self.coref_map:
            ante = self._coref(tok, exclude)
            if ante is not None:
                out.append((ante, 0.8))
        elif low in RELATIVE and tok.head.dep_ == "relcl":
            return self.expand(tok.head.head, depth + 1)
        elif low == "whose":  # "X, whose execution was announced": up to the relative clause
            for a in tok.ancestors:
                if a.dep_ == "relcl":
                    return self.expand(a.head, depth + 1)
        elif (um := self.unmentioned_person(tok)) is not None:
            out.append((um, 0.8))
        elif (group := self.counted_group(tok)):
            out += [(gm, 0.75) for gm in group]
        else:
            for c in tok.children:
                if c.dep_ == "compound" and self.mention_at(c) is not None and _nounish(tok) and tok.tag_ not in ("NNS", "NNPS") \
                        and (tok.lemma_.lower() in self.lex.person_nouns
                             or (tok.pos_ == "PROPN" and tok.text.istitle() and self.etype(self.mention_at(c)) != "person")):
                    # "Yezhov commissar of ...": a name before a title; "the North Caucasus Territory"
                    # (but not "the Stakhanov movement")
                    out += [(mm, f * 0.85) for mm, f in self.expand(c, depth + 1)]
                    # "X commissar of A and Y commissar of B", the second title hung on A
                    for pobj in self.prep_objects(tok, ["of"]):
                        for t2 in pobj.children:
                            if t2.dep_ == "conj" and t2.lemma_.lower() == tok.lemma_.lower():
                                out += self.expand(t2, depth + 1)
                elif c.dep_ == "appos":
                    out += self.expand(c, depth + 1)
                elif c.dep_ == "nmod" and c.i < tok.i:
                    # "X, Y, and other officials" parsed as modifiers of the group noun
                    out += [(mm, f * 0.9) for mm, f in self.expand(c, depth + 1)]
                elif c.dep_ == "acl" and c.lemma_ in NAMING:
                    for g in c.children:
                        if g.dep_ in ("oprd", "attr", "dobj", "xcomp") or (g.dep_ == "prep" and g.lower_ == "as"):
                            tgt = next((x for x in g.children if x.dep_ == "pobj"), g) if g.dep_ == "prep" else g
                            out += [(mm, f * 0.9) for mm, f in self.expand(tgt, depth + 1)]
                elif c.dep_ == "prep" and c.lower_ == "of" and tok.pos_ == "PROPN" \
                        and tok.lemma_.lower() in self.lex.org_heads:
                    # "the Administration of Special Tasks": the name is the whole phrase
                    for pobj in c.children:
                        pm = self.mention_at(pobj) if pobj.dep_ == "pobj" else None
                        if pm is not None and self.etype(pm) == "organization":
                            out.append((pm, 0.9))
                elif c.dep_ == "prep" and c.lower_ == "by" and any(x.lemma_ == "name" for x in c.children):
                    # "a young Communist by the name of X"
                    for name in c.children:
                        for pobj in self.prep_objects(name, ["of"]):
                            out += [(mm, f * 0.9) for mm, f in self.expand(pobj, depth + 1)]
                elif c.dep_ == "prep" and c.lower_ == "of" and tok.lemma_ in GROUP_NOUNS:
                    for pobj in c.children:  # "a batch of eight leaders, headed by X"
                        if pobj.dep_ == "pobj":
                            out += [(mm, f * 0.9) for mm, f in self.expand(pobj, depth + 1)]
        if m is None or self.etype(m) != "person":
            out += self._led_or_included(tok, depth)
        for c in tok.children:
            if c.dep_ == "conj" and conjuncts:
                out += self.expand(c, depth + 1, exclude)
        if m is not None:
            for c in tok.children:  # an apposition names the same thing: of the same type
                cm = self.mention_at(c)
                if c.dep_ == "appos" and cm is not None and self.etype(cm) == self.etype(m):
                    out += self.expand(c, depth + 1)
        return out

    def hyphen_partners(self, tok: Any) -> list[Any]:
        """The other names of a hyphenated compound: "the Bukharin-Rykov-Yagoda case"."""
        out = []
        t = tok
        while True:
            nxt = next((c for c in t.children if c.dep_ == "compound" and c.i < t.i
                        and c.i + 1 < t.i and self.doc[c.i + 1].text == "-"), None)
            if nxt is None:
                return out
            out.append(nxt)
            t = nxt

    def unmentioned_person(self, tok: Any, part: bool = False) -> Mention | None:
        """A name the recogniser missed ("the talented Tukhachevsky", a second "General Bredow")
        that the KB already knows as a person: a mention made for it. Titles are dropped; with a
        given name or initials the whole name must be known ("K. A. Pavlov" is not any Pavlov);
        a document-born entity must carry that name (not merely a spelling of it)."""
        if tok.i in self.made and not part:
            return self.made[tok.i]
        found = None
        if (tok.pos_ == "PROPN" or (tok.pos_ == "NOUN" and tok.i > tok.sent.start)) and tok.tag_ not in ("NNPS", "NNS") \
                and tok.text.istitle() \
                and len(tok.text) > 3 and tok.ent_type_ not in NUMERIC_ENTS and (part or tok.dep_ not in ("compound", "poss")):
            parts = [] if part else [c for c in tok.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < tok.i]
            lo = parts[0] if parts else tok
            titles, rest = strip_titles([t.text for t in self.doc[lo.i:tok.i + 1]])
            name = " ".join(rest)
            eid = self.info.lookup(name)
            if eid and self.info.type_of(eid) == "person" and (self.info.linked(eid) or self._own_name(eid, name)):
                first = self.doc[tok.i - len(rest) + 1]
                bs, be = first.idx, tok.idx + len(tok.text)
                st, en = self.p.to_stored(bs, be)
                found = Mention(st, en, self.doc[first.i:tok.i + 1].text, "PERSON", eid, 0.8,
                                {"recovered": True}, self.p.seq, bs, be)
        if not part:
            self.made[tok.i] = found
        return found

    def counted_group(self, tok: Any) -> list[Mention]:
        """"The eight chiefs", "these three men": the people of a group of that size named in this
        sentence or the two before, as "X and seven other generals" or "X, Y and Z"."""
        if tok.tag_ != "NNS" or tok.lemma_.lower() not in self.lex.person_nouns:
            return []
        if not any(c.dep_ == "det" and c.lower_ in ("the", "these", "those") for c in tok.children):
            return []
        num = next((c for c in tok.children if c.dep_ == "nummod"), None)
        n = parse_number(num.text) if num is not None else None
        if n is None or n < 2:
            return []
        sents = []
        s0 = tok.sent
        sents.append((s0.start, tok.i))
        lo = s0.start
        for _ in range(2):
            if lo == 0:
                break
            prev = self.doc[lo - 1].sent
            sents.append((prev.start, prev.end))
            lo = prev.start
        for a, b in sents:
            for t in self.doc[a:b]:
                if t.dep_ == "conj" or t.i == tok.i:
                    continue
                chain = [t, *[c for c in t.subtree if c.dep_ == "conj" and c.head.i in {t.i} | {x.i for x in t.subtree}]]
                if len(chain) < 2:
                    continue
                members: dict[str, Mention] = {}
                others = 0
                for c in chain:
                    cm = self.mention_at(c)
                    if cm is not None and cm.entity_id and self.etype(cm) == "person":
                        members.setdefault(cm.entity_id, cm)
                    elif any(g.dep_ == "amod" and g.lower_ == "other" for g in c.children):
                        k = next((parse_number(g.text) for g in c.children if g.dep_ == "nummod"), None)
                        others += k or 0
                if members and len(members) + others == n:
                    return list(members.values())
        return []

    def _own_name(self, eid: str, name: str) -> bool:
        """Whether a document-born entity is called ``name`` (in full or by its last word) and its
        name is a person's, not a description ("Old Bolshevik")."""
        words = alias_key(self.info.name_of(eid) or "").split()
        key = alias_key(name)
        return bool(words) and key in (" ".join(words), words[-1]) and not set(words) & self.lex.person_nouns

    def _led_or_included(self, tok: Any, depth: int) -> list[tuple[Mention, float]]:
        """The named people of a group: "eight generals, led by X", "the Bolsheviks, headed by X",
        "the accused, including X"."""
        out: list[tuple[Mention, float]] = []
        for c in tok.children:
            if c.dep_ == "acl" and c.lemma_ in LEADING:
                for g in c.children:
                    if g.dep_ == "agent":
                        for pobj in g.children:
                            if pobj.dep_ == "pobj":
                                out += [(mm, f * 0.85) for mm, f in self.expand(pobj, depth + 1)]
                    elif g.dep_ == "dobj":
                        out += [(mm, f * 0.85) for mm, f in self.expand(g, depth + 1)]
            elif c.dep_ == "prep" and c.lower_ in ("including", "among"):
                for pobj in c.children:
                    if pobj.dep_ == "pobj":
                        out += [(mm, f * 0.85) for mm, f in self.expand(pobj, depth + 1)]
        return out

    # -- the parse around a trigger -----------------------------------------------------------

    def gsubject(self, v: Any, depth: int = 0) -> Any | None:
        """The grammatical subject of verb ``v``, through coordination and participles."""
        noun = _parenthetical_participle(v)
        if noun is not None:
            return noun
        for c in v.children:
            if c.dep_ in SUBJ_DEPS:
                return c
        for c in v.children:  # a subject the parser hung on the auxiliary
            if c.dep_ in ("aux", "auxpass"):
                s = next((g for g in c.children if g.dep_ in SUBJ_DEPS), None)
                if s is not None:
                    return s
        if depth > 4:
            return None
        if v.dep_ in ("conj", "acomp") and _verbish(v.head):
            return self.gsubject(v.head, depth + 1)
        if v.dep_ in ("acl", "amod", "appos") and v.tag_ in ("VBN", "VBD", "VBG"):
            return v.head if _nounish(v.head) else None
        if v.dep_ == "advcl" and v.tag_ in ("VBN", "VBG") and _verbish(v.head):
            return self.gsubject(v.head, depth + 1)
        if v.dep_ == "xcomp" and _verbish(v.head):
            obj = next((c for c in v.head.children if c.dep_ == "dobj"), None)
            return obj if obj is not None else self.gsubject(v.head, depth + 1)
        if v.dep_ == "relcl":
            return v.head
        return None

    def gobject(self, v: Any, depth: int = 0) -> Any | None:
        for c in v.children:
            if c.dep_ in ("dobj", "dative"):
                return c
        if v.dep_ == "conj" and _verbish(v.head) and depth < 4 and not is_passive(v.head):
            return self.gobject(v.head, depth + 1)
        return None

    def agent_tokens(self, v: Any) -> list[Any]:
        out = []
        for c in v.children:
            if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
                out += [x for x in c.children if x.dep_ == "pobj"]
        if not out:  # "replaced in the premiership by X": the by-phrase hangs one level down
            for c in v.children:
                if c.dep_ == "prep":
                    for pobj in c.children:
                        if pobj.dep_ == "pobj":
                            out += self.prep_objects(pobj, ["by"])
        return out

    def prep_objects(self, tok: Any, preps: Iterable[str]) -> list[Any]:
        preps = set(preps)
        out = []
        for c in tok.children:
            if c.dep_ in ("prep", "agent") and c.lower_ in preps:
                out += [x for x in c.children if x.dep_ == "pobj"]
        return out

    # -- dates -------------------------------------------------------------------------------

    def _dates(self) -> list[tuple[DateExpr, DateValue | None, Any]]:
        """Dates of the passage, partial and relative ones resolved against the running anchor.
        A partial date ("on 15 March") takes the year of an anchor in its own sentence, or of a
        full day or month date in the last two passages; failing that, the year of the same month
        named in recent passages ("in March 1938 ... on 15 March"), else the year most of the
        recent absolute dates agree on, so a flash-forward does not mislead it."""
        out = []
        st = self.state
        if st.anchor_section != self.p.section:
            st.anchor, st.anchor_section, st.years, st.months = None, self.p.section, [], {}
        anchor_end = -1000
        body = self.p.body
        for expr in find_dates(body):
            anchor = st.anchor
            near = 0 <= expr.begin - anchor_end < 200 and not re.search(r"[.!?]\s", body[anchor_end:expr.begin])
            month = expr.get("month")
            same_month = st.months.get(month_number(month)) if month and expr.kind in PARTIAL else None
            firm = st.anchor_absolute and anchor is not None and anchor.precision in ("day", "month") \
                and self.p.seq - st.anchor_seq <= 2
            if not near and not firm and same_month is not None and self.p.seq - same_month[1] <= MONTH_MEMORY:
                anchor = year_value(str(same_month[0]), same_month[0])
            elif not near and anchor is not None and anchor.start and expr.kind in PARTIAL and st.years:
                recent = sorted(st.years[-5:])
                y = recent[len(recent) // 2]
                if anchor.year is not None and abs(y - anchor.year) > 3:  # a flash-forward or aside
                    anchor = year_value(str(y), y)
            value = resolve(expr, anchor)
            span = self.doc.char_span(expr.begin, expr.stop, alignment_mode="expand")
            out.append((expr, value, span))
            if value is not None and value.start and value.precision in ("day", "month") and value.year \
                    and value.start[:7] == (value.end or "")[:7]:
                st.months[int(value.start[5:7])] = (value.year, self.p.seq)
            if is_anchor(expr, value) and value is not None and not value.flag:
                if st.anchor is not None and st.anchor.year and value.year and span is not None \
                        and abs(value.year - st.anchor.year) > 1 and self.aside(span):
                    continue  # a flashback inside a noun phrase or subordinate clause: "a note of 1923"
                st.anchor, st.anchor_absolute, st.anchor_seq = value, expr.absolute, self.p.seq
                anchor_end = expr.stop
                if expr.absolute and value.precision in ("day", "month", "season", "year") and value.year:
                    st.years.append(value.year)
        return out

    def aside(self, span: Any, strict: bool = True) -> bool:
        """Whether a date sits off the narrative line: in a relative or participial clause, a
        parenthesis, or a phrase about a noun ("his troubles four years earlier"); ``strict`` adds
        a clause reported under another and the "of" complement of a noun ("a note of 1923"),
        which can still date the scene for the next sentence ("The plenum of 1 February ...")."""
        root = span.root
        body = self.p.body
        before = body[root.sent.start_char:span.start_char]
        if before.count("(") > before.count(")"):
            return True
        t = root
        while t.head.i != t.i:
            if t.dep_ in ("relcl", "acl", "appos"):
                return True
            if strict and t.dep_ in ("ccomp", "csubj", "parataxis"):
                return True
            if strict and t.dep_ == "pobj" and t.head.lower_ == "of" and _nounish(t.head.head):
                return True
            if t.dep_ == "advmod" and _nounish(t.head):
                return True
            t = t.head
        return False

    def clause_head(self, tok: Any) -> Any:
        t = tok
        while t.head.i != t.i and not _verbish(t):
            t = t.head
        return t

    def date_for(self, trig: Any, sent: Any, excluded: set[int], infer: bool = True) -> tuple[DateValue | None, float]:
        """The date attached to the trigger's clause, or one inferred from the passage."""
        ancestors = {a.i: k + 1 for k, a in enumerate(trig.ancestors)}
        head = self.clause_head(trig)
        in_relcl = head.dep_ == "relcl" or (head.dep_ == "conj" and head.head.dep_ == "relcl")
        own = self.own_clause(trig)
        best: tuple[int, int, DateValue] | None = None
        for _expr, value, span in self.dates:
            if span is None or value is None or not (sent.start <= span.start < sent.end):
                continue
            if any(t.i in excluded for t in span):
                continue
            root = span.root
            if any(a.lemma_.lower() in self.lex.date_blockers and a.i not in {t.i for t in span} for a in trig.ancestors
                   if a.i != root.i and span.start <= a.i + 3):
                continue
            if root.i in own or any(t.i in own for t in span):
                rank = 0
            elif trig.dep_ in ("relcl", "advcl", "acl") and trig.head.i in {t.i for t in span}:
                rank = 0  # the clause qualifies the date: "the October when X was arrested"
            else:
                h = self.clause_head(root)
                up = [a for a in trig.ancestors if ancestors[a.i] <= ancestors.get(h.i, 0)]
                # how the date hangs on its clause: as an adverbial ("In 1935 X was ..."), not inside
                # another argument ("X's murder triggered the Terror of the 1930s")
                via = next((a for a in [root, *root.ancestors] if a.head.i == h.i), root)
                adverbial = via.dep_ in ("prep", "npadvmod", "advmod", "pobj", "nummod") and via.lower_ != "of"
                if h.i == trig.i or (h.i == head.i and _nounish(trig) and adverbial and not any(
                        a.lower_ in TEMPORAL_PREPS or a.lemma_.lower() in self.lex.date_blockers for a in up)):
                    rank = 0  # "whose arrest followed on 20 August": the noun's own clause
                elif any(a.i == trig.i for a in root.ancestors):
                    # in an adverbial clause under the trigger ("shot himself when they came on
                    # 31 May"); what a complement says ("testified that in December ...") is not
                    below = [a for a in root.ancestors if trig.i in {x.i for x in a.ancestors}]
                    event_participle = bool(below) and _nounish(trig) and below[-1].dep_ == "acl" \
                        and below[-1].tag_ == "VBN"  # "the trials, staged in March 1938"
                    if any(a.dep_ in ("ccomp", "relcl", "acl", "xcomp") for a in below) and not event_participle:
                        continue
                    if any(c.dep_ in ("mark", "advmod", "prep") and c.lower_ in TEMPORAL_PREPS
                           for a in below if a.dep_ in ("advcl", "prep", "pcomp") for c in [a, *a.children]):
                        continue  # "After X won in 1917, Y died": the date of what came before
                    rank = 1
                elif h.i in ancestors and not in_relcl and trig.dep_ != "advcl" and adverbial \
                        and not (trig.dep_ in ("amod", "acl") and trig.tag_ == "VBN"):  # "the recently founded X"
                    # the date's clause governs the trigger ("In 1935 X was charged and exiled"),
                    # unless a temporal preposition between them shifts the time ("days after X's suicide")
                    path = [a for a in trig.ancestors if ancestors[a.i] <= ancestors[h.i]]
                    if any(a.dep_ in ("ccomp", "csubj") for a in [trig, *path[:-1]]):
                        continue  # "In 1938 they testified that they had caused X's death": not 1938
                    if any(a.lemma_.lower() in self.lex.date_blockers for a in path):
                        continue  # "on 21 January, the anniversary of X's death": another year
                    clauses = [a for a in [trig, *path[:-1]] if a.dep_ == "advcl"]
                    mark = next((c for a in clauses for c in a.children if c.dep_ in ("mark", "advmod")
                                 and c.lower_ in ("after", "before")), None)
                    if mark is not None:  # "X came on 18 June, two months before the trial opened"
                        adv = next((c for c in [*mark.head.children, *mark.children] if c.dep_ == "npadvmod"
                                    and c.i < mark.i), None)
                        shifted = self._shift(value, mark, adv) if adv is not None else None
                        if shifted is None:
                            continue
                        value = shifted
                    preps = [a for a in path if a.lower_ in TEMPORAL_PREPS]
                    if preps:
                        shifted = self._shift(value, preps[0])  # "four days after X's suicide"
                        if shifted is None:
                            continue
                        value = shifted
                    rank = ancestors[h.i] + 1
                else:
                    continue
            dist = abs(span.start - trig.i)
            if best is None or (rank, dist) < best[:2]:
                best = (rank, dist, value)
        if best is None and trig.dep_ == "advcl" and _verbish(trig.head):
            timed = self.clause_timed(trig, sent, excluded)
            if timed is not None:
                return timed, 0.9
        if best is not None and best[0] > 0 and any(self.doc[i].lower_ in TIME_CUES for i in own):
            best = None  # "Arrested some days later, he was shot on 1 April": not the arrest's date
        if best is not None:
            return best[2], 1.0 if best[0] == 0 else 0.9
        if not self.lex.infer_dates or not infer:
            return None, 1.0
        # inferred from the passage: the latest anchor-able date before this sentence
        if any(t.lower_ in TIME_CUES for t in sent):
            return None, 1.0
        if not self.narrated(trig):
            return None, 1.0  # "the traitors who killed Kirov", "since Kirov's murder": told before
        # the nearest of the two sentences before that dates the narrative (asides do not count)
        # gives its date if it has only one
        lo = sent.start
        for _ in range(INFER_SENTENCES):
            if lo == 0:
                break
            prev = self.doc[lo - 1].sent
            lo = prev.start
            found = [(e, v, sp) for e, v, sp in self.dates
                     if sp is not None and v is not None and prev.start <= sp.start < prev.end and is_anchor(e, v)
                     and v.precision in ("day", "month", "season", "year")]
            prior = {(v.start, v.end, v.precision): v for e, v, sp in found if not self.aside(sp, strict=False)}
            if len(prior) > 1:
                break
            if prior and not self.scene_date(next(e for e, v, sp in found if not self.aside(sp, strict=False)),
                                             next(sp for e, v, sp in found if not self.aside(sp, strict=False))):
                break  # "Two years earlier X had written ...": a flashback dates nothing after it
            if prior:
                v = next(iter(prior.values()))
                return DateValue(v.text, v.start, v.end, v.precision, v.flag, v.relative, inferred=True), 0.7
            if any(t.lower_ in TIME_CUES for t in prev):
                break  # "Later ..." moves the time on from the sentence before
        return None, 1.0

    def scene_date(self, expr: DateExpr, span: Any) -> bool:
        """Whether a date sets the scene for what follows: not a step back ("two years earlier"),
        not in a clause told in the pluperfect ("X had written in 1930"), not in a gerund or
        infinitive ("accused him of betraying the revolution in 1919")."""
        if expr.kind == "relative" and (expr.get("dir") or "").lower() in ("earlier", "before") \
                or (expr.get("rel") or "").lower() in ("previous", "preceding"):
            return False
        h = self.clause_head(span.root)
        if any(c.dep_ == "aux" and c.lower_ == "had" for c in h.children):
            return False
        return not any(a.dep_ in ("pcomp", "xcomp") or (a.tag_ == "VBG" and a.dep_ not in ("ROOT", "conj"))
                       for a in [h, *h.ancestors][:2] if _verbish(a))

    def narrated(self, trig: Any) -> bool:
        """Whether a trigger tells its event as the story's next step (and so may take the date of
        the sentences before) rather than referring back to it: a verb not in a relative or
        participial clause, or an event noun that is the predicate ("The next step was X's
        appointment"), the subject of a verb of occurring ("X's arrest followed") or what is
        announced ("the news of X's death")."""
        if self.lex.by_lemma and any(t.type == "testimony" for t in self.lex.by_lemma.get(trig.lemma_.lower(), [])):
            return False  # what a witness testified to has a time of its own
        if _verbish(trig) and trig.tag_ == "VBG" and trig.dep_ in ("pcomp", "pobj", "acl", "xcomp", "dobj"):
            return False  # "his motive for killing X", "the subject of removing X"
        if _verbish(trig):
            auxes = {c.lower_ for c in trig.children if c.dep_ == "aux"}
            if "had" in auxes or {"to", "have"} <= auxes:
                return False  # "X had been arrested", "was said to have died": before the story's now
            return not any(a.dep_ in ("relcl", "acl", "amod") for a in [trig, *trig.ancestors][:3])
        if trig.dep_ in ("attr", "ROOT"):
            return True
        if trig.dep_ == "dobj" and trig.head.lemma_ in self.lex.announcing:
            return True  # "The memo signalled the creation of X", "Radio announced X's death"
        if trig.dep_ == "pobj" and trig.head.lower_ == "of" and trig.head.head.lemma_ in self.lex.announcing:
            return True  # "The news of X's death reached me"
        return trig.dep_ in SUBJ_DEPS and trig.head.lemma_ in self.lex.occurrence_verbs

    def clause_timed(self, trig: Any, sent: Any, excluded: set[int]) -> DateValue | None:
        """The date of an adverbial clause from its main clause: "in 1935 he did A, two days after
        B happened" dates B two days before A; "when B happened" dates B with A."""
        mark = next((c for c in trig.children if c.dep_ in ("mark", "advmod")
                     and c.lower_ in ("when", "while", "as", "after", "before")), None)
        if mark is None:
            return None
        main, _ = self.date_for(trig.head, sent, excluded | {t.i for t in trig.subtree}, infer=False)
        if main is None or mark.lower_ in ("when", "while", "as"):
            return main
        adv = next((c for c in [*trig.children, *mark.children] if c.dep_ == "npadvmod" and c.i < mark.i), None)
        # "A happened on D, two days after B": B is two days before D
        return self._shift(main, mark, adv) if adv is not None else None

    def _shift(self, value: DateValue, prep: Any, adv: Any | None = None) -> DateValue | None:
        """The date of an event N units before/after a dated one ("four days after"), or None."""
        if prep.lower_ not in ("after", "before"):
            return None
        adv = adv if adv is not None else next((c for c in prep.children if c.dep_ == "npadvmod"), None)
        if adv is None:
            return None
        num = next((c for c in adv.children if c.dep_ == "nummod"), None)
        text = f"{num.text if num is not None else 'a'} {adv.text} {'earlier' if prep.lower_ == 'after' else 'later'}"
        exprs = find_dates(text)
        if len(exprs) != 1 or exprs[0].kind != "relative":
            return None
        v = resolve(exprs[0], value)
        lo, hi = min(adv.left_edge.i, prep.i), max(adv.left_edge.i, prep.i)
        return None if v is None else DateValue(f"{prep.doc[lo:hi + 1].text} {value.text}",
                                                v.start, v.end, v.precision, relative=True)

    def own_clause(self, trig: Any) -> set[int]:
        out: set[int] = set()
        stack = [trig]
        while stack:
            t = stack.pop()
            out.add(t.i)
            for c in t.children:
                if c.dep_ in CLAUSAL and (_verbish(c) or c.dep_ in ("relcl", "acl")):
                    continue
                if c.dep_ == "conj" and _nounish(c) is False and _verbish(c):
                    continue
                stack.append(c)
        return out

    # -- voice, hedging, negation --------------------------------------------------------------

    def _quotes(self) -> list[tuple[int, int]]:
        body = self.p.body
        out = []
        for m in re.finditer(r'"([^"]+)"', body):
            if len(m.group(1).split()) >= self.lex.min_quote_words:
                out.append((m.start(), m.end()))
        return out

    def entity_name(self, m: Mention) -> str:
        return (self.info.name_of(m.entity_id) if m.entity_id else None) or m.text

    def speaker_of(self, v: Any) -> str | None:
        subj = next((c for c in v.children if c.dep_ == "nsubj"), None)
        if subj is None:
            return None
        if subj.lower_ in ("i", "we"):
            return "author" if self.p.layer == "main" else None
        found = self.expand(subj)
        people = [m for m, _ in found if self.etype(m) in ("person", "organization")]
        return self.entity_name(people[0]) if people else None

    def voice_for(self, trig: Any, sent: Any, stored: tuple[int, int]) -> str:
        lv = self.lex.layer_voices
        for seg in self.segments:
            if seg.kind in ("editorial", "comment") and seg.start <= stored[0] and stored[1] <= seg.end:
                return seg.label or lv.get(seg.kind, seg.kind)
        if self.p.layer in lv:
            if self.p.layer == "quote" and self.state.last_speaker:
                return self.state.last_speaker
            return lv[self.p.layer]
        pos = trig.idx
        for b, e, voice in self.inline:
            if b <= pos < e:
                return voice
        for b, e in self.quotes:
            if b <= pos < e:
                return self.quote_speaker(sent, b, e) or "unattributed quotation"
        # reported speech: the trigger inside the complement of a speech verb
        child = trig
        for a in trig.ancestors:
            content = child.dep_ in ("ccomp", "xcomp", "parataxis") or (child.dep_ == "advcl" and not any(
                c.dep_ in ("mark", "advmod") and c.tag_ in ("IN", "WRB") for c in child.children))
            if a.lemma_ in self.lex.speech_verbs and content:  # not "When X died, Y wrote ..."
                sp = self.speaker_of(a)
                if sp:
                    return sp
            child = a
        for t in sent:
            if t.lower_ in self.lex.according_to:
                for p in t.children:
                    if p.dep_ == "prep":
                        for pobj in p.children:
                            found = self.expand(pobj)
                            if found:
                                return self.entity_name(found[0][0])
        return "author"

    def quote_speaker(self, sent: Any, b: int, e: int) -> str | None:
        doc = self.doc
        # a speech verb outside the quote in the same sentence or the ones around it
        cands = [s for s in doc.sents if s.start_char < e + 200 and s.end_char > b - 300]
        for s in cands:
            for t in s:
                if t.lemma_ in self.lex.speech_verbs and _verbish(t) and not (b <= t.idx < e):
                    sp = self.speaker_of(t)
                    if sp:
                        return sp
        return None

    def hedged(self, trig: Any, sent: Any) -> bool:
        """Whether the assertion is hedged: a hedge word or phrase on the trigger or the clauses
        that govern it, up to the first relative clause or temporal phrase ("reprisals that began
        after X's death" are not hedged by "probably" in the main clause), or an accusation that
        governs it ("charged with X's murder")."""
        scope = [trig, *trig.children]
        governing = []
        child = trig
        for a in trig.ancestors:
            if child.dep_ in ("relcl", "acl") or child.lower_ in TEMPORAL_PREPS:
                break
            governing.append(a)
            child = a
        for a in governing:
            scope.append(a)
            scope += list(a.children)
        words = self.lex.hedge_words
        if any(t.lower_ in words for t in scope):
            return True
        if any(a.lemma_.lower() in self.lex.accusation_heads and not (a.dep_ == "pobj" and a.head.lower_ == "in")
               for a in governing[:4]):
            return True  # "charged with the murder of X" (not "in charge of"): an accusation
        for a in governing:
            for c in a.children:
                scope += [g for g in c.children if g.dep_ in ("compound", "amod", "det")]
        seen: set[int] = set()
        toks = sorted((t for t in scope if not (t.i in seen or seen.add(t.i))), key=lambda t: t.i)
        text = " ".join(t.lower_ for t in toks).replace(" n't", "n't")
        return any(ph in text for ph in self.lex.hedge_phrases)

    def negated(self, trig: Any) -> bool:
        lex = self.lex
        sent = trig.sent
        comma = next((t.i for t in sent if t.text == ","), sent.end)
        if sent[0].lower_ == "had" and trig.i < comma:
            return False  # "Had X not died in 1933, ...": he did die
        heads = [trig]
        if trig.dep_ in ("dobj", "pobj", "attr", "nsubj", "nsubjpass"):
            heads.append(trig.head)
            if trig.head.dep_ == "prep":
                heads.append(trig.head.head)
        for h in heads:
            for c in h.children:
                if c.dep_ in lex.neg_deps or (c.lower_ in lex.neg_words and c.dep_ in ("neg", "det", "advmod")):
                    return True
        if trig.dep_ in ("advcl", "relcl", "conj", "acl", "parataxis"):
            return False  # "X survived, just after Y died": a clause of its own, not what is denied
        if trig.head.lower_ in lex.neg_heads or trig.head.lemma_ in lex.neg_heads:
            return True
        chain = [trig, *trig.ancestors][:3]
        if any(a.lower_ in TEMPORAL_PREPS for a in chain[1:]):
            return False  # "after his arrest he denied the charges": the arrest is not what is denied
        return any(a.lemma_ in lex.neg_heads and a.pos_ == "VERB" and chain[k].dep_ not in ("advcl", "relcl", "conj", "acl")
                   for k, a in enumerate(chain[1:]))

    def irrealis(self, trig: Any) -> bool:
        """An event only planned, attempted, proposed or possible: "a plot to kill X", "the
        attempted assassination of X", "so that I can die"."""
        heads = self.lex.irrealis_heads
        for c in trig.children:
            if c.dep_ == "amod" and c.lemma_ in heads | {"attempted", "planned", "proposed", "failed", "intended"}:
                return True
            if c.dep_ == "aux" and c.lower_ in self.lex.irrealis_modals:
                return True
        auxes = [c.lower_ for c in trig.children if c.dep_ in ("aux", "auxpass")]
        v = trig
        while v.dep_ == "conj" and _verbish(v.head) and "to" not in auxes:  # "was to go and kill X"
            v = v.head
            auxes += [c.lower_ for c in v.children if c.dep_ in ("aux", "auxpass")]
        if "to" in auxes and v.dep_ in ("advcl", "xcomp", "acl", "ccomp") \
                and v.head.lemma_ not in self.lex.implicative_heads:
            return True  # a purpose or intention: "sent abroad to murder X", "X was to kill Y"
        if any(c.dep_ == "mark" and c.lower_ in ("if", "whether", "unless", "lest") for c in trig.children):
            return True  # "wondered if X was defecting", "if X were arrested"
        if any(c.dep_ == "auxpass" and c.tag_ == "VB" for c in trig.children) and not any(
                c.dep_ == "aux" for c in trig.children) and trig.dep_ in ("ccomp", "advcl"):
            return True  # a mandative subjunctive: "urgent that X be appointed"
        if "would" in auxes and "have" in auxes:
            return True  # counterfactual: "he would have executed X"
        if "to" in auxes and any(c.dep_ in SUBJ_DEPS and c.lemma_ in heads for c in trig.children):
            return True  # "a cabal to remove X" parsed with the cabal as the subject
        v = trig
        while v.dep_ == "conj" and _verbish(v.head):  # "must be removed and put on trial"
            v = v.head
            if any(c.dep_ == "aux" and c.lower_ in self.lex.irrealis_modals for c in v.children):
                return True
        t = trig
        for _ in range(5):  # governing words, not coordinated ones ("was tried and sentenced")
            if t.head.i == t.i or t.head.lower_ in TEMPORAL_PREPS or t.dep_ in SUBJ_DEPS:
                break  # "expected the decade after X's death", "X, arrested in May, was tried": a given
            coordinated = t.dep_ == "conj"
            t = t.head
            if not coordinated and (t.lemma_ in heads or t.lower_ in heads):
                return True
        t = trig
        for _ in range(3):
            if t.dep_ in ("xcomp", "dobj", "pobj", "ccomp", "acl", "advcl") and t.head.lemma_ in heads:
                return True
            if t.head.i == t.i or t.head.lower_ in TEMPORAL_PREPS:
                break
            t = t.head
        return False

    # -- the triggers --------------------------------------------------------------------------

    def run(self) -> list[Candidate]:
        out: list[Candidate] = []
        by_lemma = self.lex.by_lemma
        for sent in self.doc.sents:
            for tok in sent:
                trigs = by_lemma.get(tok.lemma_.lower()) or by_lemma.get(tok.lower_)
                if not trigs:
                    continue
                for trig in trigs:
                    if trig.is_noun:
                        if not _nounish(tok):
                            continue
                    elif not (_verbish(tok) or ("ADJ" in trig.pos and tok.pos_ == "ADJ")):
                        continue
                    out += self.apply(trig, tok, sent)
            self._remember(sent)
        out += self.counts()
        return out

    def _remember(self, sent: Any) -> None:
        for t in sent:
            m = self.mention_at(t)
            if m is None or not m.entity_id:
                continue
            et = self.etype(m)
            if et == "person":
                self.state.last_person = m
                if t.dep_ in SUBJ_DEPS:
                    self.state.last_subject = m
            elif et == "organization":
                self.state.last_org = m
        if sent.text.rstrip().endswith(":"):
            for t in sent:
                if t.lemma_ in self.lex.speech_verbs:
                    self.state.last_speaker = self.speaker_of(t)
                    break

    def apply(self, trig: Trigger, tok: Any, sent: Any) -> list[Candidate]:
        if tok.lower_ in trig.not_forms:
            return []
        given = self.given_object(tok, trig) if trig.object_nouns else None
        if trig.object_nouns and given is None:
            return []
        if tok.i > 1 and self.doc[tok.i - 1].text in ("-", "\u2010") and not self.doc[tok.i - 1].whitespace_ \
                and self.doc[tok.i - 2].lower_ not in VERB_PREFIXES:
            return []  # part of a compound adjective: "peasant-born", "foreign-trained" (not "re-elected")
        passive = is_passive(tok) if not trig.is_noun else False
        if trig.voice == "passive" and not passive:
            return []
        if trig.voice == "active" and passive:
            return []
        if trig.needs and not any(_needs_ok(tok, steps) for steps in trig.needs):
            return []
        if trig.object:
            obj = self.gobject(tok)
            refl = obj is not None and obj.lower_ in REFLEXIVE
            if (trig.object == "reflexive") != refl:
                return []
        if self.irrealis(tok):
            return []
        # subject tokens and agents
        subj_toks: list[Any] = []
        agent_toks: list[Any] = []
        exclude: set[int] = set()
        if trig.is_noun:
            of_objs = self.prep_objects(tok, ["of"]) if trig.org != "of" else []
            if not of_objs and trig.org != "of":
                of_objs = self.detached_of(tok)
            for c in tok.children:
                if c.dep_ == "poss" and of_objs:
                    agent_toks.append(c)  # "Stalin's execution of the commanders"
                elif c.dep_ == "poss" or (c.dep_ == "compound" and self.mention_at(c) is not None):
                    subj_toks.append(c)
                    cm = self.mention_at(c)
                    for h in [c, *self.hyphen_partners(c)]:  # "the Zinoviev-Kamenev trial"
                        hm = self.mention_at(h)
                        if hm is None or (hm is cm and "-" in hm.text
                                          and (self.etype(hm) != "person" or "-" not in self.entity_name(hm))):
                            hm = self.unmentioned_person(h, part=True)  # one name of a joined mention
                        if hm is not None and hm is not cm:
                            self.made[h.i] = hm
                            subj_toks.append(h)
            subj_toks += of_objs
            agent_toks += self.prep_objects(tok, ["by"])
            if not subj_toks and trig.type in ("trial", "meeting"):
                subj_toks += self.relative_participants(tok, trig.type)
            if not subj_toks and self._bare_event(tok):
                to = self.prep_objects(tok.head, ["to"])  # "death came to him in 1939"
                subj_toks += to if to else [tok] if tok.i in self.coref_map else []
            if trig.subject == "actor" and not subj_toks:
                if tok.dep_ == "attr":
                    s = self.gsubject(tok.head)
                    if s is not None:
                        subj_toks.append(s)
                elif tok.dep_ == "appos":
                    subj_toks.append(tok.head)
            if not subj_toks and tok.dep_ in ("dobj", "pobj", "attr") and trig.subject == "patient":
                # "X committed suicide", "X was under arrest", "X stood trial"
                head = tok.head.head if tok.dep_ == "pobj" else tok.head
                if tok.dep_ == "pobj" and trig.type in PREP_NOUNS.get(tok.head.lower_, ()):
                    s = self.gsubject(head) if _verbish(head) else None
                    if s is not None:
                        subj_toks.append(s)
        elif trig.subject == "actor":
            s = self.gsubject(tok)
            if s is not None and not passive:
                subj_toks.append(s)
        elif trig.subject == "from":
            subj_toks += self.prep_objects(tok, ["from"])
        else:  # patient
            if passive:
                s = self.gsubject(tok)
                if s is not None:
                    subj_toks.append(s)
                agent_toks += self.agent_tokens(tok)
            else:
                o = self.gobject(tok)
                if o is not None:
                    subj_toks.append(o)
                    exclude = {x.i for x in [self.gsubject(tok)] if x is not None}
                    s = self.gsubject(tok)
                    if s is not None:
                        agent_toks.append(s)
                    # "set up a section called X", parsed as a second verb: X is the object's name
                    for c in tok.children:
                        if c.dep_ == "conj" and c.lemma_ in NAMING and not any(g.dep_ in SUBJ_DEPS for g in c.children):
                            subj_toks += [g for g in c.children if g.dep_ in ("dobj", "oprd", "attr")]
        if not subj_toks:
            return []
        subjects: list[tuple[Mention, float]] = []
        for st in subj_toks:
            # "X, arrested on D, and Y": the participle is X's alone
            own_only = tok.dep_ in ("acl", "amod") and st.i == tok.head.i
            subjects += self.expand(st, exclude=exclude, conjuncts=not own_only)
        allowed = set(trig.subjects)
        seen: set[str] = set()
        subjects_ok = []
        for m, f in subjects:
            if not m.entity_id or m.entity_id in seen:
                continue
            et = self.etype(m)
            if et not in allowed and not (not self.info.linked(m.entity_id) and SPACY_TYPES.get(m.label) in allowed):
                continue
            seen.add(m.entity_id)
            subjects_ok.append((m, f))
        if not subjects_ok:
            return []
        # roles
        roles: dict[str, Any] = {}
        agents = [m for at in agent_toks for m, _ in self.expand(at) if m.entity_id and self.etype(m) in ("person", "organization")]
        agents = [m for m in agents if m.entity_id not in seen]
        office_tok = given if given is not None else self.office_token(tok, trig) if trig.office else None
        if office_tok is not None and trig.type in ("appointment", "election"):
            om = self.mention_at(office_tok) or self.unmentioned_person(office_tok)
            if om is not None and self.etype(om) == "person":
                return []  # "a man named X", "named X in his interrogation": naming, not office
            if trig.lemma in NAMING and office_tok.pos_ == "PROPN" and office_tok.lemma_.lower() not in self.lex.person_nouns \
                    and not any(t.lemma_.lower() in self.lex.person_nouns for t in office_tok.subtree):
                return []  # "a sister named Margaret"
        office_text = self.phrase(office_tok) if office_tok is not None else None
        org_ids = self.organizations(tok, trig, office_tok, office_text)
        if trig.type == "membership" and not org_ids:
            return []  # a member of what?
        place = self.place(tok, seen)
        others = []
        for spec in trig.other:
            if spec == "dobj":
                o = self.gobject(tok)
                toks = [o] if o is not None else []
            else:
                toks = self.prep_objects(tok, [spec.split(":", 1)[1]])
            others += [m.entity_id for t in toks for m, _ in self.expand(t) if m.entity_id and m.entity_id not in seen]
        new_name = self.new_name(tok) if trig.new_name else None
        excluded = self.clausal_parts(subj_toks, tok)
        date, dconf = self.date_for(tok, sent, excluded)
        hedged = self.hedged(tok, sent)
        negated = self.negated(tok)
        s_start, s_end = self.sentence_span(sent)
        stored = self.p.to_stored(s_start, s_end)
        voice = self.voice_for(tok, sent, stored)
        if trig.by == "successor":
            successors, agents = agents, []
        else:
            successors = []
        if agents:
            roles["agent"] = agents[0].entity_id
        if office_text:
            roles["office"] = office_text
        if org_ids:
            roles["organization"] = org_ids[0]
        if place:
            roles["place"] = place
        if successors:
            others = [m.entity_id for m in successors] + others
        if others:
            roles["other"] = list(dict.fromkeys(others))
        out = []
        attrs: dict[str, Any] = {"trigger": tok.text}
        if new_name:
            attrs["new_name"] = new_name
        if trig.type == "sentence" and office_text:
            attrs["sentence"] = office_text
            roles.pop("office", None)
        for m, f in subjects_ok:
            conf = trig.confidence * f * dconf
            own = dict(roles, subject=m.entity_id)
            if office_tok is not None and trig.type != "sentence":
                own.update(self.own_office(m, office_tok, trig))
                own = {k: v for k, v in own.items() if v is not None}
            for typ in (trig.type, *trig.also):
                c = Candidate(typ, m, (s_start, s_end), dict(own), date, None, voice,
                              hedged, negated, round(conf if typ == trig.type else conf * 0.95, 3), dict(attrs))
                if date is not None and date.inferred:
                    c.attrs["date_inferred"] = True
                out.append(c)
        # the other party of a succession
        if trig.partner and not negated:
            partners: list[Mention] = list(successors)
            if trig.lemma == "succeed":
                o = self.gobject(tok)
                partners = [m for m, _ in self.expand(o)] if o is not None else []
            for pm in partners:
                if not pm.entity_id or self.etype(pm) != "person" or pm.entity_id in seen:
                    continue
                proles = {k: v for k, v in roles.items() if k in ("office", "organization")}
                proles["subject"] = pm.entity_id
                proles["other"] = [m.entity_id for m, _ in subjects_ok]
                out.append(Candidate(trig.partner, pm, (s_start, s_end), proles, date, None, voice, hedged,
                                     False, round(trig.confidence * 0.85 * dconf, 3), {"trigger": tok.text}))
        return out

    def own_office(self, m: Mention, office_tok: Any, trig: Trigger) -> dict[str, Any]:
        """Office and organization of one of several people given offices in one phrase:
        "appointing X commissar of A and Y commissar of B" gives Y the second office."""
        if m.body_start is None or m.body_end is None:
            return {}
        span = self.doc.char_span(m.body_start, m.body_end, alignment_mode="expand")
        if span is None:
            return {}
        t = span.root
        h = t.head
        chain = {c.i for c in office_tok.subtree if c.dep_ == "conj" and _nounish(c)}
        if t.dep_ != "compound" or h.i == office_tok.i or h.i not in chain:
            return {}
        office = self.phrase(h)
        orgs = self.organizations(h, trig, h, office)
        return {"office": office, "organization": orgs[0] if orgs else None}

    def given_object(self, tok: Any, trig: Trigger) -> Any | None:
        """What was given, if it is one of the trigger's object nouns: "was given the post of X",
        "a job he was given"."""
        for c in tok.children:
            if c.dep_ in ("dobj", "attr", "oprd") and c.lemma_.lower() in trig.object_nouns:
                return c
        if tok.dep_ == "relcl" and tok.head.lemma_.lower() in trig.object_nouns:
            job = tok.head  # "X, now commissar of transport (a job he was given ...)": the office named
            if job.dep_ == "appos":
                named = [c for c in job.head.children if c.dep_ == "appos" and c.i != job.i and _nounish(c)
                         and self.mention_at(c) is None]
                if self.mention_at(job.head) is None and _nounish(job.head):
                    return job.head
                if named:
                    return named[0]
            return job
        return None

    def relative_participants(self, tok: Any, typ: str) -> list[Any]:
        """Who took part in an event told by a relative clause on its noun: "the trial ... in
        which X figured as a confessor", "the meeting at which X spoke". A trial's are its
        accused: the clause is passive ("at which X was convicted") or says X figured in it."""
        out = []
        for r in tok.children:
            if r.dep_ != "relcl" or not _verbish(r):
                continue
            if typ == "trial" and not (is_passive(r) or r.lemma_ in self.lex.defendant_verbs):
                continue  # "the trial, at which Vyshinsky announced ...": the prosecutor
            rel = [p for p in r.children if p.dep_ == "prep" and p.lower_ in ("in", "at", "during")
                   and any(x.dep_ == "pobj" and x.lower_ in ("which", "whom") for x in p.children)]
            if rel:
                out += [c for c in r.children if c.dep_ in SUBJ_DEPS]
        return out

    def detached_of(self, tok: Any) -> list[Any]:
        """The of-object of an event noun that the parser hung on the governing word because a time
        came between: "telling of the kidnapping at midday, Wednesday, 22 May, of General X"."""
        if tok.dep_ != "pobj":
            return []
        gov = tok.head.head
        for c in gov.children:
            if c.dep_ == "prep" and c.lower_ == "of" and c.i > tok.i:
                between = self.doc[tok.i + 1:c.i]
                timed = all(t.is_punct or t.ent_type_ in ("DATE", "TIME") or t.lower_ in ("at", "on", "in", "the")
                            or t.lower_ in WEEKDAYS for t in between)
                if timed:
                    return [x for x in c.children if x.dep_ == "pobj"]
        return []

    def clausal_parts(self, heads: list[Any], trig: Any) -> set[int]:
        """Tokens of clauses inside the argument phrases (a subject's relative clause has its own dates)."""
        out: set[int] = set()
        for h in heads:
            if trig.i in {x.i for x in h.subtree}:
                continue
            for t in h.subtree:
                if t.dep_ in ("relcl", "acl", "advcl") or (t.dep_ == "appos" and _verbish(t)):
                    out |= {x.i for x in t.subtree}
        return out

    def sentence_span(self, sent: Any) -> tuple[int, int]:
        s, e = sent.start_char, sent.end_char
        body = self.p.body
        while e > s and body[e - 1].isspace():
            e -= 1
        while s < e and body[s].isspace():
            s += 1
        return s, e

    def phrase(self, tok: Any) -> str:
        cut = {t.i for c in tok.children
               if c.dep_ in ("conj", "cc", "relcl", "advcl", "appos", "punct") or (c.dep_ == "prep" and c.lower_ == "by")
               or (c.dep_ == "advmod" and c.i < tok.i) for t in c.subtree}
        for d in tok.subtree:  # "commissar of A and Y commissar of B": the second office hung on A
            if d.dep_ == "conj" and d.lemma_.lower() == tok.lemma_.lower() and d.i != tok.i:
                cut |= {t.i for t in d.subtree} | {t.i for t in d.head.children if t.dep_ == "cc"}
        toks = [t for t in tok.subtree if t.i not in cut]
        lead = [t for t in toks if t.i < tok.i and t.dep_ == "compound" and self.mention_at(t) is not None]
        if lead:  # "Yezhov commissar of X": the office without the name
            toks = [t for t in toks if t.i > max(x.i for x in lead)]
        lo, hi = min(t.i for t in toks), max(t.i for t in toks)
        span = self.doc[lo:hi + 1]
        text = span.text.split(" (")[0].strip(" ,;:.")
        return text[:120]

    def office_token(self, tok: Any, trig: Trigger) -> Any | None:
        for c in tok.children:
            if c.dep_ in ("oprd", "attr", "xcomp") and c.lower_ not in REFLEXIVE:
                return c
        for c in tok.children:
            if c.dep_ != "prep":
                continue
            if c.lower_ in ("as", "to") or (c.lower_ == "in" and trig.type in ("removal", "appointment")):
                pobj = next((x for x in c.children if x.dep_ in ("pobj", "pcomp")), None)
                if pobj is None or (c.lower_ == "in" and (pobj.pos_ != "NOUN" or pobj.ent_type_)):
                    continue
                return pobj
        if trig.subject == "actor" and not trig.is_noun:
            return next((c for c in tok.children if c.dep_ == "dobj"), None)
        # "appointing Yezhov commissar of X": a second noun after the object
        o = self.gobject(tok)
        if o is not None and self.mention_at(o) is None and any(
                c.dep_ == "compound" and self.mention_at(c) is not None for c in o.children):
            return o
        if o is not None:
            for c in o.children:
                if c.dep_ in ("appos", "npadvmod", "oprd", "attr") and self.mention_at(c) is None and c.i > o.i:
                    return c
            nxt = o.doc[o.i + 1] if o.i + 1 < len(o.doc) else None
            if nxt is not None and nxt.dep_ in ("dobj", "npadvmod", "oprd", "conj", "ccomp", "xcomp") and nxt.head.i == tok.i and _nounish(nxt):
                return nxt
        return None

    def organizations(self, tok: Any, trig: Trigger, office_tok: Any | None, office_text: str | None) -> list[str]:
        toks: list[Any] = []
        src = trig.org
        if src == "object":
            o = self.gobject(tok)
            toks = [o] if o is not None else []
        elif src in ("from", "with", "before", "of"):
            toks = self.prep_objects(tok, [src])
        if office_tok is not None and src in ("office", "from", None):
            toks += [t for t in office_tok.subtree]
        if src == "from" and office_tok is None:
            toks += self.prep_objects(tok, ["of", "in", "at"])
        ids: list[str] = []
        for t in toks:
            if t.lower_ == "it" and t.dep_ == "pobj" and self.state.last_org is not None:
                m0 = self._recent_group(t)  # "appointed head of it": the body just named
                if m0 is not None and m0.entity_id and m0.entity_id not in ids:
                    ids.append(m0.entity_id)
                continue
            m = self.mention_at(t)
            if m is not None and m.entity_id and self.etype(m) == "organization" and m.entity_id not in ids:
                ids.append(m.entity_id)
        if not ids and office_text:
            for rx, org in self.lex.office_orgs:
                if rx.search(office_text):
                    eid = self.info.lookup(org)
                    if eid:
                        ids.append(eid)
                        break
        return ids

    def place(self, tok: Any, skip: set[str]) -> str | None:
        own = self.own_clause(tok)
        for i in sorted(own, key=lambda j: abs(j - tok.i)):
            m = self.by_token.get(i)
            if m is None or not m.entity_id or m.entity_id in skip:
                continue
            if self.etype(m) != "place":
                continue
            t = self.doc[i]
            if t.dep_ == "poss" or any(c.dep_ == "case" for c in t.children):
                continue
            # only locative attachments: "in/at/near Tiflis", "a Paris hospital"
            anc = [a for a in t.ancestors if a.i in own][:3]
            if any(a.dep_ == "prep" and a.lower_ in ("in", "at", "near", "outside", "into", "on", "to") for a in anc):
                return m.entity_id
        return None

    def new_name(self, tok: Any) -> str | None:
        for c in tok.children:
            if c.dep_ in ("oprd", "attr", "xcomp", "dobj") and self.mention_at(c) is not None:
                return self.phrase(c)
        for pobj in self.prep_objects(tok, ["to", "as", "into"]):
            return self.phrase(pobj)
        return None

    # -- counts ----------------------------------------------------------------------------------

    def counts(self) -> list[Candidate]:
        out: list[Candidate] = []
        cfg = self.lex.count
        pron = set(cfg.get("of_pronouns", []))
        group_nouns = set(cfg.get("group_nouns", []))
        min_value = int(cfg.get("min_value", 2))
        for sent in self.doc.sents:
            for tok in sent:
                if tok.like_num is False and tok.pos_ != "NUM":
                    continue
                value = parse_number(self._number_text(tok))
                if value is None or value < min_value:
                    continue
                if tok.ent_type_ in ("DATE", "TIME", "MONEY", "PERCENT", "ORDINAL"):
                    continue
                if any(c.dep_ == "amod" and c.lower_ in ("first", "last", "next", "other") for c in tok.children):
                    continue
                group: Mention | None = None
                what: str | None = None
                total: int | None = None
                pred = tok.head if tok.dep_ in SUBJ_DEPS else None
                of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
                if of is not None and tok.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj"):
                    pobj = next((c for c in of.children if c.dep_ == "pobj"), None)
                    if pobj is None:
                        continue
                    if pobj.lower_ in pron:
                        group = self._recent_group(tok)
                        what = pobj.lower_
                    elif _nounish(pobj):
                        what = pobj.lemma_
                        for c in pobj.children:
                            if c.dep_ == "nummod":
                                total = parse_number(self._number_text(c))
                        group = self._group_in(pobj)
                    else:
                        continue
                elif tok.dep_ == "nummod" and tok.head.head.lemma_ in group_nouns | {"of"}:
                    # "a group of fifty-three engineers"
                    what = tok.head.lemma_
                    group = self._group_in(tok.head)
                    pred = None
                elif tok.dep_ == "nummod" and tok.head.dep_ in SUBJ_DEPS and _verbish(tok.head.head):
                    # "seven Bolsheviks were executed"
                    lemma = tok.head.head.lemma_
                    if not any(t.type != "count" for t in self.lex.by_lemma.get(lemma, [])):
                        continue
                    what = tok.head.lemma_
                    group = self._group_in(tok.head)
                    pred = tok.head.head
                else:
                    continue
                if group is None and what in pron:
                    continue
                w = (what or "").lower()
                if what not in pron and w not in self.lex.person_nouns and w[:-1] not in self.lex.person_nouns:
                    continue  # "two treason trials of Old Bolsheviks" counts trials, not people
                s_start, s_end = self.sentence_span(sent)
                stored = self.p.to_stored(s_start, s_end)
                date, dconf = self.date_for(pred if pred is not None else tok, sent, set())
                attrs: dict[str, Any] = {"what": what, "number_text": self._number_text(tok)}
                if total is not None:
                    attrs["of_total"] = total
                if pred is not None:
                    attrs["predicate"] = self.phrase_verb(pred)
                subj = group
                if subj is None:
                    continue
                out.append(Candidate("count", subj, (s_start, s_end), {"subject": subj.entity_id}, date, str(value),
                                     self.voice_for(tok, sent, stored), self.hedged(tok, sent), False,
                                     round(0.75 * dconf, 3), attrs))
        return out

    def _number_text(self, tok: Any) -> str:
        toks = [tok]
        for c in tok.children:
            if c.dep_ in ("compound", "quantmod") and c.like_num:
                toks.append(c)
        toks.sort(key=lambda t: t.i)
        return " ".join(t.text for t in toks)

    def phrase_verb(self, v: Any) -> str:
        parts = [c for c in v.children if c.dep_ in ("aux", "auxpass", "neg", "prt", "xcomp")] + [v]
        parts.sort(key=lambda t: t.i)
        return " ".join(t.text for t in parts)

    def _group_in(self, tok: Any) -> Mention | None:
        """The body a counted noun belongs to: its compound or "of" object ("Politburo members",
        "members of the Politburo"), not one of a list of modifiers ("party, Komsomol, army officials")."""
        for t in tok.subtree:
            m = self.mention_at(t)
            if m is None or not m.entity_id or self.etype(m) != "organization" or self.mention_at(t.head) is m:
                continue  # look at the root of each name only
            if t.dep_ == "conj" or any(c.dep_ == "conj" for c in t.children):
                continue
            if t.head.i == tok.i:
                return m
            up = t  # "members of the Politburo", "members of the collegium of the Commission"
            for _ in range(2):
                if up.head.lower_ != "of" or up.dep_ != "pobj":
                    break
                up = up.head.head
                if up.i == tok.i:
                    return m
        return None

    def _recent_group(self, tok: Any) -> Mention | None:
        """The body a "them"/"these" refers to: the latest organization named in the sentence
        before, or as the subject of another clause of this one ("the Presidium rejected the pleas
        of fifteen of them": not the Presidium's members)."""
        lo = tok.sent.start
        if lo > 0:
            lo = self.doc[lo - 1].sent.start
        best = None
        for i, m in self.ordered:
            if i >= tok.i:
                break
            if i >= lo and m.entity_id and self.etype(m) == "organization" \
                    and (i < tok.sent.start or (self.doc[i].dep_ in SUBJ_DEPS
                                                and tok.i not in {t.i for t in self.doc[i].head.subtree})):
                best = m
        return best
