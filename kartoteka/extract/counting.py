"""Counts a source states: "Ninety-eight of them", "1,108 of the 1,966 delegates", each with its
value and the body the counted people belong to."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from kartoteka.analysis import Mention
from kartoteka.extract import dating, extractor, stance
from kartoteka.extract.numbers import parse_number
from kartoteka.extract.rules import declare, on
from kartoteka.extract.state import Candidate
from kartoteka.extract.syntax import (
    SUBJ_DEPS,
    nounish,
    verbish,
)

if TYPE_CHECKING:
    from kartoteka.extract.context import ParseContext

declare("footnote_marker", "gate",
        "a number in square brackets is a note reference ('[7]'), never a quantity or part of one",
        [("In 1937, [7] 98 of the 139 members of the Central Committee were arrested.",
          [("count", "central_committee=98", None)]),
         ("In 1921, [12] 40 of the 95 delegates of the Commune Council were expelled.",
          [("count", "commune_council=40", None)]),
         ("In 1894, [3] 120 of the 300 members of the Socialist League were arrested.",
          [("count", "socialist_league=120", None)])])
declare("spaced_thousands", "gate",
        "a thousands comma followed by a stray space ('2, 417') keeps one number",
        [("In 1925, 2, 417 delegates of the Communist Party were arrested.", [("count", "communist_party=2417", None)]),
         ("In 1931, 1, 250 members of the Writers' Union were expelled.", [("count", "writers_union=1250", None)]),
         ("By 1938, 3, 100 officers of the Red Army had been arrested.", [("count", "red_army=3100", None)])])


declare("happening_count", "candidates",
        "a number of happenings ('22 executions', 'the true number was 884 arrests') in a sentence "
        "that names one organization is a count of that body's happenings, the event noun what it counts",
        [("In its first year the Orlov Commission carried out 310 executions.", [("count", "orlov_commission=310", None)]),
         ("Ivan Petrov doubts that the NKVD made only 40 arrests in Kazan that winter.",
          [("count", "nkvd=40", None)]),
         ("Marcel Duroc showed that the Commune Council ordered 25 expulsions, not 12.",
          [("count", "commune_council=25", None)])])


# A note reference the tokenizer left glued to the word before it: "executions.[30".
_GLUED_NOTE = re.compile(r"[.,;:]*\[\d*\]?$")
_DEFINITE = frozenset({"the", "these", "those", "this", "that", "its", "their", "his", "her"})
# Noun triggers that name a standing (a membership, an office), not a happening one can count.
_NOT_HAPPENINGS = frozenset({"membership", "appointment", "election", "count"})


def counts(cx: ParseContext) -> list[Candidate]:
    out: list[Candidate] = []
    cfg = cx.lex.count
    pron = set(cfg.get("of_pronouns", []))
    group_nouns = set(cfg.get("group_nouns", []))
    min_value = int(cfg.get("min_value", 2))
    for sent in cx.doc.sents:
        for tok in sent:
            if (tok.like_num is False and tok.pos_ != "NUM") or footnote_marker(cx, tok):
                continue
            value = parse_number(_number_text(cx, tok))
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
                    group = _them_group(cx, tok)
                    what = pobj.lower_
                elif nounish(pobj):
                    what = pobj.lemma_
                    for c in pobj.children:
                        if c.dep_ == "nummod":
                            total = parse_number(_number_text(cx, c))
                    group = _group_in(cx, pobj)
                else:
                    continue
            elif tok.dep_ == "nummod" and tok.head.head.lemma_ in group_nouns | {"of"}:
                # "a group of fifty-three engineers"
                what = tok.head.lemma_
                group = _group_in(cx, tok.head)
                pred = None
            elif tok.dep_ == "nummod" and tok.head.dep_ in SUBJ_DEPS and verbish(tok.head.head):
                # "seven Bolsheviks were executed"
                lemma = tok.head.head.lemma_
                if not any(t.type != "count" for t in cx.lex.by_lemma.get(lemma, [])):
                    continue
                what = tok.head.lemma_
                group = _group_in(cx, tok.head)
                pred = tok.head.head
            else:
                continue
            if group is None and what in pron:
                continue
            w = (what or "").lower()
            if what not in pron and w not in cx.lex.person_nouns and w[:-1] not in cx.lex.person_nouns:
                continue  # "two treason trials of Old Bolsheviks" counts trials, not people
            s_start, s_end = extractor.sentence_span(cx, sent)
            stored = cx.p.to_stored(s_start, s_end)
            date, dconf = dating.date_for(cx, pred if pred is not None else tok, sent, set())
            attrs: dict[str, Any] = {"what": what, "number_text": _number_text(cx, tok)}
            if total is not None:
                attrs["of_total"] = total
            if pred is not None:
                attrs["predicate"] = phrase_verb(cx, pred)
            subj = group
            if subj is None:
                continue
            out.append(Candidate("count", subj, (s_start, s_end), {"subject": subj.entity_id}, date, str(value),
                                 stance.voice_for(cx, tok, sent, stored), stance.hedged(cx, tok, sent), False,
                                 round(0.75 * dconf, 3), attrs))
    return out + (happening_counts(cx) if on("happening_count") else [])


def happening_counts(cx: ParseContext) -> list[Candidate]:
    """Counts of happenings: a number modifying a plural event noun (a noun trigger of the
    lexicon: "22 executions", "884 arrests"), filed under the one organization its sentence
    names (none, or two, and the body is not known)."""
    out: list[Candidate] = []
    min_value = int(cx.lex.count.get("min_value", 2))
    for sent in cx.doc.sents:
        bodies = {m.entity_id: m for t in sent if (m := cx.mention_at(t)) is not None
                  and m.entity_id and cx.etype(m) == "organization"}
        if len(bodies) != 1:
            continue
        body = next(iter(bodies.values()))
        for tok in sent:
            noun = tok.head
            what = _happening_noun(cx, noun) if tok.dep_ == "nummod" and not footnote_marker(cx, tok) else None
            if what is None:
                continue
            value = parse_number(_number_text(cx, tok))
            if value is None or value < min_value or tok.ent_type_ in ("DATE", "TIME", "MONEY", "PERCENT"):
                continue
            s_start, s_end = extractor.sentence_span(cx, sent)
            pred = noun.head if noun.dep_ in SUBJ_DEPS and verbish(noun.head) else None
            date, dconf = dating.date_for(cx, pred if pred is not None else tok, sent, set())
            attrs: dict[str, Any] = {"what": what, "number_text": _number_text(cx, tok),
                                     "rule": "happening_count"}
            out.append(Candidate("count", body, (s_start, s_end), {"subject": body.entity_id}, date, str(value),
                                 stance.voice_for(cx, tok, sent, cx.p.to_stored(s_start, s_end)),
                                 stance.hedged(cx, tok, sent), False, round(0.7 * dconf, 3), attrs))
    return out


def _happening_noun(cx: ParseContext, noun: Any) -> str | None:
    """The lemma of a plural noun that names happenings ("executions", or "executions.[30"
    with a note reference glued on by the tokenizer), not people ("members", "victims"):
    a noun trigger of the lexicon of a type that is no membership or office."""
    if any(c.dep_ in ("det", "poss") and c.lower_ in _DEFINITE for c in noun.children):
        return None  # "the two trials of X" refers to trials told of, it counts nothing
    text = _GLUED_NOTE.sub("", noun.text).lower()
    if not text.endswith("s") or (noun.tag_ != "NNS" and text == noun.text.lower()):
        return None
    for lemma in (noun.lemma_.lower(), text[:-1], text[:-2] if text.endswith("es") else ""):
        trigs = cx.lex.by_lemma.get(lemma, [])
        if lemma in cx.lex.person_nouns or not trigs:
            continue
        if any(t.is_noun for t in trigs) and not any(t.type in _NOT_HAPPENINGS for t in trigs):
            return lemma
    return None


def _number_text(cx: ParseContext, tok: Any) -> str:
    toks = [tok]
    for c in tok.children:
        if c.dep_ in ("compound", "quantmod") and c.like_num and not footnote_marker(cx, c):
            toks.append(c)
    toks.sort(key=lambda t: t.i)
    spaced = spaced_thousands(cx, tok)
    if spaced is not None:
        return spaced
    return " ".join(t.text for t in toks)


def footnote_marker(cx: ParseContext, tok: Any) -> bool:
    """A number in square brackets ("[7]", "arrested.[7"): a note reference, no quantity."""
    if not on("footnote_marker"):
        return False
    doc = tok.doc
    before = doc[tok.i - 1].text if tok.i > 0 else ""
    after = doc[tok.i + 1].text if tok.i + 1 < len(doc) else ""
    return (before.endswith("[") or tok.text.startswith("[") or ".[" in tok.text) and \
        (after.startswith("]") or tok.text.endswith("]"))


def spaced_thousands(cx: ParseContext, tok: Any) -> str | None:
    """"2, 417 delegates": a thousands comma followed by a stray space (OCR, typesetting)
    keeps one number, "2,417"; not in a list of numbers ("2, 417 and 9")."""
    if not on("spaced_thousands") or tok.i < 2 or not re.fullmatch(r"\d{3}", tok.text):
        return None
    doc = tok.doc
    comma, lead = doc[tok.i - 1], doc[tok.i - 2]
    if comma.text != "," or not comma.whitespace_ or not re.fullmatch(r"\d{1,3}", lead.text):
        return None
    prev = doc[lead.i - 1] if lead.i > 0 else None
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    listed = prev is not None and prev.text == "," and lead.i > 1 and doc[lead.i - 2].like_num \
        and doc[lead.i - 2].ent_type_ != "DATE"  # "In 1925, 2, 417 ...": a year, then the number
    if (prev is not None and prev.like_num) or listed \
            or (nxt is not None and nxt.text == "," and tok.i + 2 < len(doc) and doc[tok.i + 2].like_num) \
            or (nxt is not None and nxt.lower_ in ("and", "or")):
        return None
    return f"{lead.text},{tok.text}"


def phrase_verb(cx: ParseContext, v: Any) -> str:
    parts = [c for c in v.children if c.dep_ in ("aux", "auxpass", "neg", "prt", "xcomp")] + [v]
    parts.sort(key=lambda t: t.i)
    return " ".join(t.text for t in parts)


def _group_in(cx: ParseContext, tok: Any) -> Mention | None:
    """The body a counted noun belongs to: its compound or "of" object ("Politburo members",
    "members of the Politburo"), not one of a list of modifiers ("party, Komsomol, army officials")."""
    for t in tok.subtree:
        m = cx.mention_at(t)
        if m is None or not m.entity_id or cx.etype(m) != "organization" or cx.mention_at(t.head) is m:
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


def recent_group(cx: ParseContext, tok: Any) -> Mention | None:
    """The body an "it" refers to: the latest organization named in this sentence or the one
    before ("a decree founded the bureau. Ivanov was made head of it")."""
    lo = tok.sent.start
    if lo > 0:
        lo = cx.doc[lo - 1].sent.start
    best = None
    for i, m in cx.ordered:
        if i >= tok.i:
            break
        if i >= lo and m.entity_id and cx.etype(m) == "organization":
            best = m
    return best


def _them_group(cx: ParseContext, tok: Any) -> Mention | None:
    """The body the people of "N of them" belong to: that of the latest group of people named
    before it, in its sentence or the one before ("letters to the members of the Politburo,
    then some 140. Ninety of them ..."); none if that group belongs to no body ("200 prisoners
    were brought to the NKVD. Twenty of them ...")."""
    lo = tok.sent.start
    if lo > 0:
        lo = cx.doc[lo - 1].sent.start
    nouns = cx.lex.person_nouns
    for t in reversed(cx.doc[lo:tok.i]):
        if t.tag_ in ("NNS", "NNPS") and (t.lemma_.lower() in nouns or t.lower_[:-1] in nouns) \
                and t.head.i != tok.i and not (tok.i > t.i and t.i in {x.i for x in tok.head.subtree}):
            group = _group_in(cx, t)
            if group is None and t.dep_ in ("dobj", "attr") and verbish(t.head):
                # "The Central Committee had 71 members": the subject's members
                s = next((c for c in t.head.children if c.dep_ in SUBJ_DEPS), None)
                m = cx.mention_at(s) if s is not None else None
                group = m if m is not None and m.entity_id and cx.etype(m) == "organization" else None
            return group
    return None
