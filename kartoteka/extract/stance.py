"""Who asserts a factoid and how: its voice (author, a quoted or reported speaker, an editor, a
compiler, a commenter), whether it is hedged or denied, and whether the event is only intended,
planned or possible (then there is no factoid)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from kartoteka.extract import phrases
from kartoteka.extract.rules import declare, on
from kartoteka.extract.syntax import (
    SUBJ_DEPS,
    TEMPORAL_PREPS,
    nounish,
    verbish,
)

declare("offer_refused", "gate",
        "an event offered ('handed in his resignation', 'tendered her resignation') and refused or "
        "rejected right after ('The board refused to accept it') did not take effect: it is denied",
        [("In 1931 Ivan Petrov handed in his resignation. The Central Committee refused to accept it.",
          [("!removal", "petrov", None)]),
         ("In 1795 Jean Lannes tendered his resignation, but the Commune Council rejected it.",
          [("!removal", "lannes", None)]),
         ("In 1932 Anna Volkova handed in her resignation. The Writers' Union accepted it at once.",
          [("removal", "volkova", "1932")]),
         ("Gleb Morozov hands in his resignation in 1936. The Politburo refuses to accept it.",
          [("!removal", "morozov", None)])])


def refused_offer(cx: ParseContext, trig: Any) -> bool:
    """Whether an event noun offered by a verb ("handed in his resignation") is refused in the
    clause or sentence right after it: a refusal verb whose object (or its complement's object,
    "refused to accept it") is "it" or the same noun."""
    if not on("offer_refused") or not nounish(trig) or trig.dep_ not in ("dobj", "pobj"):
        return False
    offer = trig.head.head if trig.dep_ == "pobj" and trig.head.lower_ == "in" else trig.head
    if offer.lemma_ not in cx.lex.offer_verbs:  # "handed in his resignation" (however "in" is parsed)
        return False
    sent = trig.sent
    after = [t for t in sent if t.i > trig.i]
    if sent.end < len(trig.doc):
        after += list(trig.doc[sent.end].sent)
    for v in after:
        if v.lemma_ not in cx.lex.refusal_verbs or v.pos_ not in ("VERB", "AUX"):
            continue
        objs = [c for c in v.children if c.dep_ == "dobj"]
        objs += [c for x in v.children if x.dep_ == "xcomp" for c in x.children if c.dep_ == "dobj"]
        if any(o.lower_ == "it" or o.lemma_ == trig.lemma_ for o in objs):
            return True
    return False
if TYPE_CHECKING:
    from kartoteka.extract.context import ParseContext


def bracketed_apart(sent: Any, t: Any, trig: Any) -> bool:
    """Whether token ``t`` stands inside a bracket of ``sent`` that does not hold ``trig``."""
    depth, opened = 0, []
    for x in sent:
        if x.text in ("(", "["):
            opened.append(x.i)
            depth += 1
        elif x.text in (")", "]") and opened:
            begin = opened.pop()
            depth -= 1
            if begin < t.i < x.i and not begin < trig.i < x.i:
                return True
    return False


def quote_spans(cx: ParseContext) -> list[tuple[int, int]]:
    body = cx.p.body
    out = []
    for m in re.finditer(r'"([^"]+)"', body):
        if len(m.group(1).split()) >= cx.lex.min_quote_words:
            out.append((m.start(), m.end()))
    return out


def speaker_of(cx: ParseContext, v: Any) -> str | None:
    subj = next((c for c in v.children if c.dep_ == "nsubj"), None)
    if subj is None:
        return None
    if subj.lower_ in ("i", "we"):
        return "author" if cx.p.layer == "main" else None
    found = phrases.expand(cx, subj)
    people = [m for m, _ in found if cx.etype(m) in ("person", "organization")]
    return cx.entity_name(people[0]) if people else None


def voice_for(cx: ParseContext, trig: Any, sent: Any, stored: tuple[int, int]) -> str:
    lv = cx.lex.layer_voices
    for seg in cx.segments:
        if seg.kind in ("editorial", "comment") and seg.start <= stored[0] and stored[1] <= seg.end:
            return seg.label or lv.get(seg.kind, seg.kind)
    if cx.p.layer in lv:
        if cx.p.layer == "quote" and cx.state.last_speaker:
            return cx.state.last_speaker
        return lv[cx.p.layer]
    pos = trig.idx
    for b, e, voice in cx.inline:
        if b <= pos < e:
            return voice
    for b, e in cx.quotes:
        if b <= pos < e:
            return quote_speaker(cx, sent, b, e) or "unattributed quotation"
    # reported speech: the trigger inside the complement of a speech verb
    child = trig
    for a in trig.ancestors:
        content = child.dep_ in ("ccomp", "xcomp", "parataxis") or (child.dep_ == "advcl" and not any(
            c.dep_ in ("mark", "advmod") and c.tag_ in ("IN", "WRB") for c in child.children)
            and child.tag_ not in ("VBG", "VBN"))
        # not "When X died, Y wrote ..." nor "Continuing his testimony, Y admitted ..."
        if a.lemma_ in cx.lex.speech_verbs and content:
            sp = speaker_of(cx, a)
            if sp:
                return sp
        child = a
    for t in sent:
        # "arrested on 3 April (9 April according to X)": a bracket that leaves the trigger out
        # gives X's reading of something else in the sentence, not the voice of the whole
        if t.lower_ in cx.lex.according_to and not bracketed_apart(sent, t, trig):
            for p in t.children:
                if p.dep_ == "prep":
                    for pobj in p.children:
                        found = phrases.expand(cx, pobj)
                        if found:
                            return cx.entity_name(found[0][0])
    return "author"


def quote_speaker(cx: ParseContext, sent: Any, b: int, e: int) -> str | None:
    doc = cx.doc
    # a speech verb outside the quote in the same sentence or the ones around it
    cands = [s for s in doc.sents if s.start_char < e + 200 and s.end_char > b - 300]
    for s in cands:
        for t in s:
            if t.lemma_ in cx.lex.speech_verbs and verbish(t) and not (b <= t.idx < e):
                sp = speaker_of(cx, t)
                if sp:
                    return sp
    return None


def hedged(cx: ParseContext, trig: Any, sent: Any) -> bool:
    """Whether the assertion is hedged: a hedge word or phrase on the trigger or the clauses
    that govern it, up to the first relative or adverbial clause or temporal phrase ("reprisals that began
    after X's death" are not hedged by "probably" in the main clause), or an accusation that
    governs it ("charged with X's murder")."""
    scope = [trig, *trig.children]
    governing = []
    child = trig
    for a in trig.ancestors:
        complement = any(c.dep_ == "mark" and c.lower_ == "that" for c in child.children)
        if (child.dep_ in ("relcl", "acl", "advcl") and not complement) or child.lower_ in TEMPORAL_PREPS:
            break  # (but "the rumor that X was arrested" is the rumor's content)
        governing.append(a)
        child = a
    for a in governing:
        scope.append(a)
        scope += [c for c in a.children if not (c.dep_ == "aux" and c.lower_ in cx.lex.hedge_modals)]
    words = cx.lex.hedge_words
    if any((t.lower_ in words or t.lemma_.lower() in words)
           and not (t.dep_ == "aux" and t.lower_ in cx.lex.hedge_modals and t.head.i != trig.i) for t in scope):
        return True  # a modal hedges only its own verb ("X may have been shot")
    accused = governing[1:5] if trig.dep_ == "conj" else governing[:4]  # "charged and exiled": the exile is no charge
    if any(a.lemma_.lower() in cx.lex.accusation_heads and not (a.dep_ == "pobj" and a.head.lower_ == "in")
           for a in accused):
        return True  # "charged with the murder of X" (not "in charge of"): an accusation
    for a in governing:
        for c in a.children:
            scope += [g for g in c.children if g.dep_ in ("compound", "amod", "det")]
    seen: set[int] = set()
    toks = sorted((t for t in scope if not (t.i in seen or seen.add(t.i))), key=lambda t: t.i)
    text = " ".join(t.lower_ for t in toks).replace(" n't", "n't")
    return any(ph in text for ph in cx.lex.hedge_phrases)


def negated(cx: ParseContext, trig: Any) -> bool:
    lex = cx.lex
    sent = trig.sent
    comma = next((t.i for t in sent if t.text == ","), sent.end)
    if sent[0].lower_ == "had" and trig.i < comma:
        return False  # "Had X not died in 1933, ...": he did die
    heads = [trig]
    if trig.dep_ in ("dobj", "pobj", "attr"):  # not a subject: "X's murder was not their work"
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


def irrealis(cx: ParseContext, trig: Any) -> bool:
    """An event only planned, attempted, proposed or possible: "a plot to kill X", "the
    attempted assassination of X", "so that I can die"."""
    heads = cx.lex.irrealis_heads
    for c in trig.children:
        if c.dep_ == "amod" and c.lemma_ in heads | {"attempted", "planned", "proposed", "failed", "intended"}:
            return True
        if c.dep_ == "aux" and c.lower_ in cx.lex.irrealis_modals:
            return True
    if trig.dep_ in SUBJ_DEPS and trig.head.lemma_ == "be" and any(
            c.dep_ == "attr" and c.lemma_ in cx.lex.goal_nouns for c in trig.head.children):
        return True  # "his removal was the supreme object": a goal, not an event
    auxes = [c.lower_ for c in trig.children if c.dep_ in ("aux", "auxpass")]
    v = trig
    while v.dep_ == "conj" and verbish(v.head) and "to" not in auxes:  # "was to go and kill X"
        v = v.head
        auxes += [c.lower_ for c in v.children if c.dep_ in ("aux", "auxpass")]
    if "to" in auxes and v.dep_ in ("advcl", "xcomp", "acl", "ccomp") \
            and v.head.lemma_ not in cx.lex.implicative_heads:
        return True  # a purpose or intention: "sent abroad to murder X", "X was to kill Y"
    if any(c.dep_ == "mark" and c.lower_ in ("if", "whether", "unless", "lest") for c in trig.children):
        return True  # "wondered if X was defecting", "if X were arrested"
    if any(c.dep_ == "auxpass" and c.tag_ == "VB" for c in trig.children) and not any(
            c.dep_ == "aux" for c in trig.children) and trig.dep_ in ("ccomp", "advcl"):
        return True  # a mandative subjunctive: "urgent that X be appointed"
    if "would" in auxes and "have" in auxes:
        return True  # counterfactual: "he would have executed X"
    if nounish(trig):
        # "his sudden removal would have alarmed the army": it did not happen (the words,
        # not the parse, which often hangs such a noun anywhere)
        doc = trig.doc
        after = [t.lower_ for t in doc[trig.i + 1:min(len(doc), trig.i + 3)]]
        if after[:1] and after[0] in ("would", "could", "might") and after[1:2] == ["have"]:
            return True
    if imperative(trig):
        return True  # it is asked for, not told: "Comrades, don't kill him!"
    if "to" in auxes and any(c.dep_ in SUBJ_DEPS and c.lemma_ in heads for c in trig.children):
        return True  # "a cabal to remove X" parsed with the cabal as the subject
    v = trig
    while v.dep_ == "conj" and verbish(v.head):  # "must be removed and put on trial"
        v = v.head
        if any(c.dep_ == "aux" and c.lower_ in cx.lex.irrealis_modals for c in v.children):
            return True
    t = trig
    for _ in range(5):  # governing words, not coordinated ones ("was tried and sentenced")
        if t.head.i == t.i or t.head.lower_ in TEMPORAL_PREPS | SETTING_PREPS or t.dep_ in SUBJ_DEPS:
            break  # "expected the decade after X's death", "X, arrested in May, was tried": a given
        coordinated = t.dep_ == "conj"
        t = t.head
        if not coordinated and (t.lemma_ in heads or t.lower_ in heads):
            return True
    t = trig
    for _ in range(3):
        if t.dep_ in ("xcomp", "dobj", "pobj", "ccomp", "acl", "advcl") and t.head.lemma_ in heads:
            return True
        if t.head.i == t.i or t.head.lower_ in TEMPORAL_PREPS | SETTING_PREPS:
            break
        t = t.head
    return False


# Prepositions that make a noun the setting of a clause ("at the meeting of X, a merger was
# proposed"): the setting happened, whatever the clause only proposes.
SETTING_PREPS = frozenset({"at", "during", "throughout", "amid", "amidst"})


def imperative(v: Any) -> bool:
    """A verb in the base form with no subject but one set off as a vocative ("Comrades, ...")
    and no auxiliary but "do": a main verb, or one the parser hung under another clause when it
    has a vocative or a "do" ("... restrained by his pleas: 'Comrades, don't kill him'")."""
    main = v.dep_ == "ROOT" or v.dep_ == "conj" and v.head.dep_ == "ROOT"
    if v.tag_ != "VB" or v.pos_ != "VERB" or not (main or v.dep_ in ("advcl", "parataxis", "ccomp")):
        return False
    doc = v.doc
    marked = main
    for c in v.children:
        if c.dep_ in ("aux", "auxpass"):
            if c.lemma_ != "do":
                return False
            marked = True
        if c.dep_ in SUBJ_DEPS:
            if not (c.i + 1 < len(doc) and doc[c.i + 1].is_punct and c.i < v.i):
                return False
            marked = True  # a vocative
    return marked
