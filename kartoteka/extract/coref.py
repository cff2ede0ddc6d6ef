"""Who a pronoun, "this figure", "the eight chiefs" or a bare event noun stands for: the
conservative coreference that factoid subjects come from. Anything uncertain stays unresolved."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from kartoteka.analysis import Mention
from kartoteka.extract import phrases
from kartoteka.extract.rules import declare, on
from kartoteka.extract.syntax import (
    PERSON_PRONOUNS,
    REFLEXIVE,
    SUBJ_DEPS,
    verbish,
)
from kartoteka.resolve.names import parse_person

if TYPE_CHECKING:
    from kartoteka.extract.context import ParseContext

PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f", "herself": "f"}
MALE_SURNAME = re.compile(r"(?:ov|ev|yov|in|yn|sky|skii|skiy|ski|ich|vich)$")


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


declare("pronoun_agreement", "coref",
        "a subject pronoun whose gender the current topic does not have is the latest person named "
        "with that gender, past people whose names say the other ('X was arrested. She ...')",
        [("Anna Volkova joined the Communist Party in 1919. Gleb Morozov was arrested in 1937. She was "
          "expelled from the Writers' Union in 1938.", [("expulsion", "volkova", "1938"), ("!expulsion", "morozov", None)]),
         ("Olga Brandt married Emil Hartmann in 1919. Hartmann was arrested in 1933. She was arrested in 1934.",
          [("arrest", "brandt", "1934")]),
         ("Nadia Soret met Boris Orlov in 1921. Orlov left Paris in 1922. In 1923 she was elected to the "
          "Commune Council.", [("election", "soret", "1923")])])

declare("description_memory", "coref",
        "a description once given beside a name ('her husband X', 'the marshal, X') stands for that "
        "person when it comes back as a subject in the same or the next paragraph",
        [("Her husband Louis Varlin was arrested in 1871. In 1872 her husband was shot.",
          [("execution", "varlin", "1872")]),
         ("The marshal, Pyotr Lanin, was arrested in May 1937. In June the marshal was shot.",
          [("execution", "lanin", "1937-06")]),
         ("His wife Anna Volkova joined the Communist Party in 1919. His wife was arrested in 1937.",
          [("arrest", "volkova", "1937")]),
         ("Louis Varlin hid in Lyon in 1871 while the Duroc agents searched the city. In 1872 he was arrested.",
          [("arrest", "varlin", "1872"), ("!arrest", "duroc", None)])])


declare("kin_subject", "coref",
        "a named person's relative as the subject ('X's mother fell ill') makes the unnamed relative "
        "the topic, so the next 'she' or 'her' is not taken for X",
        [("In 1902 Anna Volkova's mother fell ill. She died in 1906.", [("!death", "volkova", "1906")]),
         ("Louis Varlin's father was arrested in 1851. He was shot in 1852.", [("!execution", "varlin", "1852")]),
         ("In 1930 Ivan Petrov's brother joined the Red Army. He was arrested in 1937.", [("!arrest", "petrov", "1937")])])

declare("cataphora_scope", "coref",
        "a possessive pronoun points ahead only to the subject of a clause it is inside ('Before his "
        "arrest X wrote'); a name in a later subordinate clause ('until her death, when X was 14') is "
        "not its antecedent",
        [("In 1902 Anna Volkova's mother fell ill. The family stayed in Nice until her death in 1906, "
          "when Volkova was fourteen.", [("!death", "volkova", "1906")]),
         ("Before his arrest in 1937 the poet Ivan Petrov finished a last book.", [("arrest", "petrov", "1937")]),
         ("Olga Brandt's sister fell ill in 1910. They lived in Geneva until her death in 1911, after Brandt had married.",
          [("!death", "brandt", "1911")])])


declare("branch_name", "coref",
        "a body's name made plural or set at a lower level or place ('local X's', 'provincial Xs', 'the "
        "Kazan X') stands for its branches, not for the body: their founding is not the body's",
        [("In 1921 the Kazan NKVD was created.", [("!founding", "nkvd", None)]),
         ("In 1919 the provincial Commune Council was set up in Lyon.", [("!founding", "commune_council", None)]),
         ("Establishment of provincial Socialist Leagues was completed by May 1895.",
          [("!founding", "socialist_leagues", None)]),
         ("The Academy of Sciences was founded in 1724 in Saint Petersburg.", [("founding", "academy_of_sciences", "1724")])])


declare("branch_attachment", "coref",
        "a body's name followed by 'at' or 'under' a lower level ('the X at the district militia', "
        "'X under the county court') is a bureau of that level bearing the name, not the body: its "
        "founding is not the body's",
        [("In March 1921 the ministry approved the establishment of the Commune Council at district level.",
          [("!founding", "commune_council", None)]),
         ("In 1923 the Socialist League under the county court was set up in Kent.",
          [("!founding", "socialist_league", None)]),
         ("On 5 May 1925 the NKVD at the regional militia was created.", [("!founding", "nkvd", None)]),
         ("In 1919 the Politburo at the Central Committee was set up.", [("founding", "politburo", "1919")])])


declare("recovered_subject_topic", "coref",
        "a known person's name that the recogniser missed as a clause's subject ('X was urged to ...') "
        "still makes that person the topic, so the next 'he' is X, not someone named before",
        [("In 1930 Stalin praised Henrik Vaal, and Vaal thanked him. Stalin agreed. Vaal was urged to resign. "
          "He died in 1931.", [("death", "vaal", "1931"), ("!death", "stalin", None)]),
         ("In 1930 Stalin met Pavel Surin and praised Surin. Stalin agreed. Surin was urged to resign. "
          "He was arrested in 1931.", [("arrest", "surin", "1931"), ("!arrest", "stalin", None)]),
         ("In 1930 Stalin met Arvo Kask, and Kask wrote to him. Stalin agreed. Kask was urged to resign. "
          "He died in 1931.", [("death", "kask", "1931"), ("!death", "stalin", None)])])


declare("described_unknown_subject", "coref",
        "a person the recogniser missed or took for a place, brought in by a description ('her niece "
        "X') and then a main clause's subject ('X wrote ...'), holds the topic: the next 'she' is "
        "unsure and yields nothing, neither the last one named nor the biography's subject",
        [("Olga Brandt was arrested in 1937. Her niece Ariadna wrote to the prosecutor. She died in 1952.",
          [("arrest", "brandt", "1937"), ("!death", "brandt", None)]),
         ("Louis Varlin was exiled in 1871. His nephew Anselme kept the papers. He died in 1901.",
          [("!death", "varlin", None)]),
         ("Anna Volkova moved to Geneva in 1920. Her sister Agrippina stayed behind. Agrippina married "
          "a teacher. She died in 1931.", [("!death", "volkova", None)]),
         ("Ivan Petrov was arrested in 1937. Pravda printed the verdict. He was shot in 1938.",
          [("execution", "petrov", "1938")])])


class _Thread:
    """What the coreference pass carries along a passage: the topic (the last subject person),
    the sentence it was last a subject in, whether it came from the passage before, the
    pronouns resolved so far and the possessive and object pronouns seen."""

    def __init__(self, doc_topic: Mention | None) -> None:
        self.topic: Mention | None = None
        self.sent = -10
        self.inherited = False
        self.doc_topic = doc_topic
        self.out: dict[int, Mention] = {}
        self.sent_no: dict[int, int] = {}
        self.chain: list[int] = []
        self.unknown = -10  # the sentence where a described person without a mention was a subject


def coref_pass(cx: ParseContext) -> dict[int, Mention]:
    """Person pronouns resolved conservatively, left to right. A subject pronoun continues
    the topic (the last person who was a subject, named or by pronoun) only if that person was
    named in this sentence or the two before (the passage before's subject only while this
    passage names nobody else) and, in a subordinate clause, no other person is
    named before it in its sentence ("Lenin's note was found after he died" is ambiguous); a possessive takes the
    nearest person named before it in its sentence, else a subject named after it, else the
    topic; an object pronoun the nearest person that is not its own clause's subject. "This
    figure" (a demonstrative and a person noun) as a subject is the one person the sentence
    before names. A possessive after another pronoun of its gender in the sentence is that
    pronoun's person again. An antecedent whose name says the other gender never fits ("she" is not
    Ivan Petrov). With no topic to continue, a subject pronoun is the one person named before
    it in its sentence. An unnamed person as a main subject ("the director exclaimed") ends
    the topic; with the narrator as a sentence's subject ("When I met X ..."), the one other
    person it names (not as someone's kin) becomes the topic. A subject pronoun is never a
    person its own verb's object names ("X, whom he replaced"). Anything less certain stays
    unresolved (and yields no factoid)."""
    th = _Thread(cx.state.topic if on("document_topic") else None)
    for n, sent in enumerate(cx.doc.sents):
        for t in sent:
            th.sent_no[t.i] = n
    start = cx.state.last_subject
    if th.doc_topic is not None and (start is None or start.entity_id != th.doc_topic.entity_id):
        start = th.doc_topic  # a biography's paragraph opens on its subject, not on the last one named
    th.inherited = start is not None  # the topic is the passage before's subject
    if th.inherited:
        th.topic, th.sent = start, -1
    for tok in cx.doc:
        sn = th.sent_no[tok.i]
        _narrator_turn(cx, tok, sn, th)
        m = cx.by_token.get(tok.i)
        if m is None and tok.dep_ in SUBJ_DEPS and on("recovered_subject_topic"):
            m = phrases.unmentioned_person(cx, tok)  # "Frunze was urged ...": a known name the tagger missed
        if m is not None and m.entity_id and cx.etype(m) == "person":
            _named_person(cx, tok, m, sn, th)
            continue
        if on("described_unknown_subject") and _described_unknown(cx, tok, m):
            th.topic, th.inherited, th.unknown = None, False, sn  # "Her niece X ... X wrote": X, whom we cannot name
            continue
        if m is None and _unnamed_turn(cx, tok, sn, th):
            continue
        low = tok.lower_
        if low not in PERSON_PRONOUNS or low in REFLEXIVE:
            continue
        before = _persons_named(cx, tok.i, upto=tok.i)
        fits = _gender_fits(cx, low)
        if tok.dep_ in SUBJ_DEPS:
            _subject_pronoun(cx, tok, low, sn, th, before, fits)
        else:
            _other_pronoun(cx, tok, low, sn, th, before, fits)
    return th.out


def _narrator_turn(cx: ParseContext, tok: Any, sn: int, th: _Thread) -> None:
    """"When I saw X I told him frankly. He received me ...": with the narrator as the
    subject, the one other person the sentence names is who the next "he" is."""
    if tok.i == tok.sent.start and tok.i > 0 and th.sent < sn - 1 and _narrator_subject(cx.doc[tok.i - 1].sent):
        named = _persons_named(cx, tok.i - 1)
        if len(named) == 1 and not _described_by_kin(cx, next(iter(named.values()))):
            th.topic, th.sent, th.inherited = next(iter(named.values())), sn - 1, False


def _named_person(cx: ParseContext, tok: Any, m: Mention, sn: int, th: _Thread) -> None:
    """A person named: the topic if it is a main subject (or the possessor of one)."""
    head = tok.head
    while cx.by_token.get(head.i) is m and head.head.i != head.i and head.dep_ not in SUBJ_DEPS:
        head = head.head
    subj = tok if tok.dep_ in SUBJ_DEPS else head if (cx.by_token.get(head.i) is m and head.dep_ in SUBJ_DEPS) \
        else tok.head if (tok.dep_ in ("appos", "poss") and tok.head.dep_ in SUBJ_DEPS
                          and cx.by_token.get(tok.head.i) is None) else None
    # a subject of a relative clause ("X, whom Gorky esteemed, was received") is no topic;
    # the possessor of a main subject is ("Stalin's purge was over. He ...")
    if on("description_memory"):
        _remember_description(cx, tok, m)
    if on("kin_subject") and tok.dep_ == "poss" and subj is not None and subj.i != tok.i \
            and subj.lemma_.lower() in cx.lex.kin_nouns and cx.by_token.get(subj.i) is None:
        th.topic, th.inherited = None, False  # "X's mother fell ill. ... her death": the mother's
        return
    if subj is not None and subj.head.dep_ != "relcl" \
            and (tok.dep_ != "poss" or subj.head.dep_ == "ROOT"):
        th.topic, th.sent, th.inherited = m, sn, False
    elif th.inherited and th.topic is not None:
        # a passage that names someone else before any subject or the topic again: its
        # "he" may be either
        th.topic, th.inherited = (th.topic, False) if m.entity_id == th.topic.entity_id else (None, False)


def _unnamed_turn(cx: ParseContext, tok: Any, sn: int, th: _Thread) -> bool:
    """A person spoken of without a name: a remembered description, an unnamed subject, a
    bare event noun, "this figure". Whether the token was one of them."""
    if on("description_memory") and (described := _described(cx, tok)) is not None:
        th.out[tok.i] = described  # "her husband was executed": the husband named before
        th.topic, th.sent, th.inherited = described, sn, False
        return True
    if unnamed_subject(cx, tok):
        th.topic, th.inherited = None, False  # "the director exclaimed ... He perished": not the last one named
        return True
    if bare_event_noun(cx, tok):
        if th.topic is not None and sn - th.sent <= 1:
            th.out[tok.i] = th.topic  # "Execution followed on 29 December": of the one just sentenced
        return True
    if tok.dep_ in SUBJ_DEPS and tok.lemma_.lower() in cx.lex.person_nouns \
            and any(c.dep_ == "det" and c.lower_ in ("this", "that") for c in tok.children):
        prev = _persons_named(cx, tok.sent.start - 1) if tok.sent.start > 0 else {}
        if len(prev) == 1:  # "This revolutionary was arrested": the one person just named
            th.out[tok.i] = next(iter(prev.values()))
            th.topic, th.sent = th.out[tok.i], sn
        return True
    return False


def _subject_pronoun(cx: ParseContext, tok: Any, low: str, sn: int, th: _Thread, before: dict[str, Mention],
                     fits: Callable[[Mention], bool]) -> None:
    """A subject pronoun: the topic, else the one person before it in its sentence, else the
    one person of its gender just named, else the biography's subject."""
    topic, out = th.topic, th.out
    main = tok.head.dep_ == "ROOT" or (tok.head.dep_ == "conj" and tok.head.head.dep_ == "ROOT")
    others = before.keys() - {topic.entity_id} if topic is not None else before.keys()
    others -= _coarguments(cx, tok.head)  # "X, whom he had replaced": "he" is not X
    if on("pronoun_agreement"):  # "after Kork's arrest, ... where she was arrested": not Kork
        others = {e for e in others if fits(before[e])}
    # another person named earlier in the sentence makes the pronoun ambiguous, unless
    # it is the main clause's subject and the topic was the subject just before
    clear = not others or (main and sn - th.sent <= 1)
    if topic is not None and sn - th.sent <= 2 and clear and fits(topic):
        out[tok.i] = topic
        th.sent, th.inherited = sn, False
    elif (topic is None or sn - th.sent > 2) and len(before) == 1 \
            and fits(only := next(iter(before.values()))):
        # no topic to continue: the one person named before it in its sentence ("When
        # the sentence was read to X and he understood ...")
        out[tok.i] = only
        th.topic, th.sent, th.inherited = only, sn, False
    elif on("pronoun_agreement") and not before and topic is not None and sn - th.sent <= 3 \
            and not fits(topic) and (agree := _agreeing(cx, tok, low)) is not None:
        out[tok.i] = agree  # "X was arrested. She was expelled": the one woman just named
        th.topic, th.sent, th.inherited = agree, sn, False
    elif th.doc_topic is not None and not before and (topic is None or sn - th.sent > 2) and fits(th.doc_topic) \
            and sn - th.unknown > 2:
        out[tok.i] = th.doc_topic  # no one nearer to go back to: the biography's subject
        th.topic, th.sent, th.inherited = th.doc_topic, sn, False


def _other_pronoun(cx: ParseContext, tok: Any, low: str, sn: int, th: _Thread, before: dict[str, Mention],
                   fits: Callable[[Mention], bool]) -> None:
    """A possessive or object pronoun: a pronoun of its gender before it in the sentence, else
    the nearest person before it not its clause's subject, else (a possessive) a subject name
    ahead in its own clause, else the topic."""
    out = th.out
    prior = [i for i in th.chain if th.sent_no[i] == sn and PRONOUN_GENDER.get(cx.doc[i].lower_)
             == PRONOUN_GENDER.get(low)]
    th.chain.append(tok.i)
    if prior and tok.dep_ == "poss":
        # "his endorsement of ... his friend X ..., his death": the same man as before
        if prior[-1] in out:
            out[tok.i] = out[prior[-1]]
        return
    subjects = _clause_subjects(cx, tok, out)
    for i, mm in reversed(cx.ordered):
        if tok.sent.start <= i < tok.i and mm.entity_id and mm.entity_id not in subjects \
                and cx.etype(mm) == "person" and cx.doc[i].dep_ != "poss" \
                and not _inside_name(cx, cx.doc[i]) and fits(mm):
            out[tok.i] = mm
            return
    if tok.dep_ != "poss":
        return
    for i, mm in cx.ordered:  # "Between his appointment ..., Sverdlov had been": ahead
        t = cx.doc[i]  # "Before his suicide the poet X wrote": X, or a name beside the subject
        if tok.i < i < tok.sent.end and mm.entity_id and cx.etype(mm) == "person" and fits(mm) \
                and _subject_name(cx, t) and _in_scope(tok, t):
            out[tok.i] = mm
            return
    if not before and th.topic is not None and sn - th.sent <= 1 and fits(th.topic):
        out[tok.i] = th.topic  # "His death ...": the person the text is about


def _clause_subjects(cx: ParseContext, tok: Any, out: dict[int, Mention]) -> set[str | None]:
    """The people an object pronoun's clause has as subject ("his uncle X and cousin Y beat
    him": none of them is "him")."""
    if tok.dep_ == "poss":
        return set()
    h = tok.head
    while h.head.i != h.i and not verbish(h):
        h = h.head
    c = phrases.gsubject(cx, h) if verbish(h) else None
    if c is None:
        return set()
    # (an event noun standing for someone's death is not that person: "death came to him")
    cm = cx.by_token.get(c.i) or (out.get(c.i) if not bare_event_noun(cx, c) else None)
    clause_subj = cm.entity_id if cm else None
    return {m.entity_id for m, _ in phrases.expand(cx, c)} | {clause_subj}


def branch_subject(cx: ParseContext, m: Mention) -> bool:
    """Whether an organization's mention stands for the body's branches: its name made plural
    ("Extraordinary Commissions"), under a level word ("provincial") or a place ("the Kazan X")."""
    if not on("branch_name") or m.body_start is None or m.body_end is None or cx.etype(m) != "organization":
        return False
    span = cx.doc.char_span(m.body_start, m.body_end, alignment_mode="expand")
    if span is None:
        return False
    root, inside = span.root, {t.i for t in span}
    if root.tag_ in ("NNS", "NNPS") and root.lower_.endswith("s") \
            and not cx.entity_name(m).lower().endswith(root.lower_):
        return True
    for c in root.children:
        if c.i in inside or c.i > root.i:
            continue
        if c.dep_ == "amod" and c.lower_ in cx.lex.branch_words:
            return True
        cm = cx.by_token.get(c.i)
        if c.dep_ in ("compound", "nmod", "poss") and cm is not None and cm is not m and cx.etype(cm) == "place":
            return True
    return on("branch_attachment") and _attached_to_level(cx, span.end)


def _attached_to_level(cx: ParseContext, i: int) -> bool:
    """The name is followed by "at" or "under" a lower level: a level word in that preposition's
    object ("at Uyezd militsiya", "under the district soviet")."""
    if i >= len(cx.doc) or cx.doc[i].lower_ not in ("at", "under") or cx.doc[i].dep_ != "prep":
        return False
    objs = [c for c in cx.doc[i].children if c.dep_ == "pobj"]
    return bool(objs) and any(t.lower_ in cx.lex.branch_words for t in objs[0].subtree)


def _description_key(cx: ParseContext, noun: Any) -> tuple[str, str] | None:
    """(noun, determiner) of a description of a person: "her husband", "the marshal"."""
    lemma = noun.lemma_.lower()
    if noun.pos_ != "NOUN" or noun.tag_ != "NN" or (lemma not in cx.lex.kin_nouns and lemma not in cx.lex.person_nouns):
        return None
    det = next((c.lower_ for c in noun.children if c.dep_ in ("det", "poss") and c.lower_ in ("the", "his", "her")), None)
    return (lemma, det) if det is not None else None


def _remember_description(cx: ParseContext, tok: Any, m: Mention) -> None:
    """A name beside a description ("her husband Sergei Efron", "the marshal, X"): the
    description stands for that person for a while."""
    # "the marshal, X" (X in apposition) or "her husband X" (the noun a modifier of the name),
    # never "the X agents" (the name a modifier of the noun)
    nouns = [tok.head] if tok.dep_ == "appos" else []
    nouns += [c for c in tok.children if c.dep_ in ("appos", "compound")]
    for noun in nouns:
        key = _description_key(cx, noun)
        if key is not None and cx.by_token.get(noun.i) is None:
            cx.state.descriptions[key] = (m, cx.p.seq)


def _described(cx: ParseContext, tok: Any) -> Mention | None:
    """The person a subject description stands for, where this passage or the one before
    named that person with the same description."""
    if tok.dep_ not in SUBJ_DEPS:
        return None
    key = _description_key(cx, tok)
    if key is None or key not in cx.state.descriptions:
        return None
    m, seq = cx.state.descriptions[key]
    return m if cx.p.seq - seq <= 1 else None


def _agreeing(cx: ParseContext, tok: Any, pronoun: str) -> Mention | None:
    """The latest person named in the pronoun's sentence or the three before whose name says the
    pronoun's gender, where everyone named after that person says the other gender (used where
    the topic does not fit: "X ... Y was arrested. She ..." is X only if Y is a man). A name
    as a modifier ("the Stalin agents") is no antecedent."""
    want = PRONOUN_GENDER.get(pronoun)
    if want is None:
        return None
    lo = tok.sent.start
    for _ in range(3):  # this sentence and the three before
        if lo > 0:
            lo = cx.doc[lo - 1].sent.start
    for j, mm in reversed(cx.ordered):
        if j >= tok.i or j < lo or not mm.entity_id or cx.etype(mm) != "person" or _inside_name(cx, cx.doc[j]):
            continue
        t = cx.doc[j]
        if t.dep_ in ("compound", "amod") and cx.by_token.get(t.head.i) is None:
            continue  # a name as a modifier ("the Stalin agents") is nobody's antecedent
        got = name_gender(cx.entity_name(mm), cx.lex.male_names_a)
        if got is None:
            return None
        if got == want:
            return mm
    return None


def _coarguments(cx: ParseContext, verb: Any) -> set[str]:
    """The people a verb's objects name, the antecedent of an object relative pronoun
    included ("X, whom he replaced"): a non-reflexive pronoun subject of the same verb is
    none of them."""
    objects = [c for c in verb.children if c.dep_ in ("dobj", "dative")]
    if verb.dep_ == "relcl" and any(o.tag_ in ("WP", "WDT") for o in objects):
        objects.append(verb.head)
    return {m.entity_id for o in objects for m, _ in phrases.expand(cx, o) if m.entity_id}


def _described_unknown(cx: ParseContext, tok: Any, m: Mention | None) -> bool:
    """A main clause's subject that is someone no person mention stands for, brought in by a kin
    or person noun: the noun with a bare name beside it ("her niece X wrote"), or the bare name
    again after the passage gave it so ("X wrote")."""
    if tok.dep_ not in SUBJ_DEPS or (m is not None and m.entity_id and cx.etype(m) == "person") \
            or not (tok.head.dep_ == "ROOT" or (tok.head.dep_ == "conj" and tok.head.head.dep_ == "ROOT")):
        return False
    nouns = cx.lex.kin_nouns | cx.lex.person_nouns

    def unnamed(t: Any) -> bool:
        tm = cx.by_token.get(t.i)
        return t.pos_ == "PROPN" and t.text.istitle() and not (tm is not None and tm.entity_id
                                                                and cx.etype(tm) == "person")

    if tok.pos_ == "NOUN" and tok.lemma_.lower() in nouns:
        names = [c for c in tok.children if c.dep_ == "appos"]
        return bool(names) and all(unnamed(c) for c in names)
    return unnamed(tok) and any(t.i < tok.i and t.text == tok.text and t.dep_ == "appos"
                                and t.head.lemma_.lower() in nouns for t in cx.doc)


def _described_by_kin(cx: ParseContext, m: Mention) -> bool:
    """A person named only to say whose someone is ("this son of X", "X's widow"): the one
    the sentence is about is the unnamed relative."""
    if m.body_start is None or m.body_end is None:
        return True
    span = cx.doc.char_span(m.body_start, m.body_end, alignment_mode="expand")
    if span is None:
        return True
    t = span.root
    return (t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.pos_ == "NOUN") or t.dep_ == "poss"


def _narrator_subject(sent: Any) -> bool:
    """A sentence whose main verb's subject is the narrator ("I", "we")."""
    return any(c.dep_ in SUBJ_DEPS and c.lower_ in ("i", "we") for c in sent.root.children)


def unnamed_subject(cx: ParseContext, t: Any) -> bool:
    """A main clause's subject that is one person not named: "the director exclaimed"
    (not "this figure", which the sentence before names)."""
    return t.dep_ in ("nsubj", "nsubjpass") and t.tag_ == "NN" and t.lemma_.lower() in cx.lex.person_nouns \
        and (t.head.dep_ == "ROOT" or t.head.dep_ == "conj" and t.head.head.dep_ == "ROOT") \
        and cx.by_token.get(t.i) is None \
        and not any(c.dep_ in ("det", "poss") and c.lower_ in ("this", "that", "his", "her") for c in t.children) \
        and not any(c.dep_ in ("appos", "compound") and cx.by_token.get(c.i) is not None for c in t.children)


def _in_scope(pron: Any, name: Any) -> bool:
    """Whether a possessive may point ahead to a name: only inside the clause the name is the
    subject of ("Before his arrest, X wrote"), not from outside into a later subordinate
    clause ("until her death, when X was 14", where "her" is someone told before)."""
    if not on("cataphora_scope"):
        return True
    t = name
    while t.dep_ in ("appos", "compound") and t.head.i != t.i:
        t = t.head
    return t.head.i in {a.i for a in pron.ancestors}


def _subject_name(cx: ParseContext, t: Any) -> bool:
    """A name that is its clause's subject, or stands beside it ("the poet X", "X, the poet")."""
    for _ in range(3):
        if t.dep_ in SUBJ_DEPS:
            return True
        if t.dep_ not in ("appos", "compound"):
            return False
        t = t.head
    return False


def bare_event_noun(cx: ParseContext, tok: Any) -> bool:
    """An event noun with no article, possessor or complement as the subject of a verb of
    occurring: "Execution followed immediately", "Arrest came a week later"."""
    return tok.tag_ == "NN" and tok.dep_ == "nsubj" and tok.head.lemma_ in cx.lex.occurrence_verbs \
        and any(t.is_noun for t in cx.lex.by_lemma.get(tok.lemma_.lower(), [])) \
        and not any(c.dep_ in ("det", "poss", "prep", "compound", "amod") for c in tok.children)


def _gender_fits(cx: ParseContext, pronoun: str) -> Callable[[Mention], bool]:
    """A test that an antecedent's name does not say the other gender than the pronoun."""
    want = PRONOUN_GENDER.get(pronoun)

    def fits(m: Mention) -> bool:
        got = name_gender(cx.entity_name(m), cx.lex.male_names_a)
        return want is None or got is None or got == want

    return fits


def _persons_named(cx: ParseContext, i: int, upto: int | None = None) -> dict[str, Mention]:
    """The people named in the sentence holding token ``i`` (one mention each, the first),
    or only in its tokens before ``upto``."""
    sent = cx.doc[i].sent
    end = sent.end if upto is None else upto
    found: dict[str, Mention] = {}
    for j, mm in cx.ordered:
        if sent.start <= j < end and mm.entity_id and cx.etype(mm) == "person" \
                and not _inside_name(cx, cx.doc[j]):
            found.setdefault(mm.entity_id, mm)
    return found


def _inside_name(cx: ParseContext, tok: Any) -> bool:
    """A person's name inside another name: "the Order of Lenin"."""
    m = cx.by_token.get(tok.i)
    if m is not None and " of " in m.text and tok.text not in cx.entity_name(m):
        return True  # the mention's head is "Order", not the person
    if tok.dep_ == "pobj" and tok.head.lower_ == "of":
        h = tok.head.head
        return h.pos_ == "PROPN" and h.text[:1].isupper() and cx.by_token.get(h.i) is None
    return False


def antecedent(cx: ParseContext, tok: Any, exclude: set[int] | None = None) -> Mention | None:
    return cx.coref_map.get(tok.i)
