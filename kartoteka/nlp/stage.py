"""The nlp stage: spaCy over each passage's analysis view, entity mentions mapped to stored text.

Mentions keep the NER label and, as features, a title before the name ("Comrade", "Marshal")
and a role after it (", Commissar of the Navy,"). Resolution to entities is the next stage.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

from kartoteka.analysis import Analysis, Mention, Passage
from kartoteka.nlp.model import common_words, load_model, pipe, with_ruler, workers_for
from kartoteka.nlp.namecues import name_cues
from kartoteka.nlp.parsepool import ParsePool, can_fork
from kartoteka.pipeline import Context, register, register_prefetch
from kartoteka.resolve.index import ruler_patterns
from kartoteka.resolve.keys import fold, translit_key
from kartoteka.resolve.names import known_given, name_data
from kartoteka.resolve.state import run_state

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

KEEP_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "WORK_OF_ART", "NORP"}
SKIP_SEGMENTS = {"boilerplate", "toc"}
SKIP_LAYERS = {"boilerplate", "furniture"}  # furniture passages are for finding, not for reading
HEADING_SEGMENTS = {"heading"}
_LEAD = re.compile(r"^(?:the|The|THE)\s+")
_TRAIL = re.compile(r"(?:'s|'|\u2019s|\u2019|[\s.,;:!?)\]}\-\u2013\u2014]+)+$")
_OPEN = re.compile(r"^[\s(\[{\"'\u2018\u201c]+")


def _ranges(a: Analysis, kinds: set[str]) -> tuple[list[int], list[int]]:
    spans = sorted((s.start, s.end) for s in a.segments if s.kind in kinds)
    return [s for s, _ in spans], [e for _, e in spans]


def _inside(starts: list[int], ends: list[int], i: int, j: int) -> bool:
    k = bisect.bisect_right(starts, i) - 1
    return k >= 0 and starts[k] <= i and j <= ends[k]


def selected(a: Analysis) -> list[int]:
    """Indexes of passages to parse: not furniture, not inside chrome or a table of contents."""
    starts, ends = _ranges(a, SKIP_SEGMENTS)
    return [n for n, p in enumerate(a.passages)
            if p.layer not in SKIP_LAYERS and p.body.strip() and not _inside(starts, ends, p.start, p.end)]


def parser(ctx: Context) -> Language:
    """The model with the run's EntityRuler (the packs' aliases) before its NER."""
    st = run_state(ctx)
    nlp = load_model()
    return with_ruler(nlp, st.key, lambda: ruler_patterns(st.index, common_words(nlp), common_words(nlp, nouns=False)))


def parse_pool(ctx: Context, texts: list[str]) -> ParsePool | None:
    """The run's parser processes: started for the first document large enough to be worth them
    (``workers_for``), then used for every later document; None while parsing stays in-process."""
    pool = ctx.cache.get("nlp.pool")
    if pool is None and workers_for(texts, ctx.n_process) > 1 and can_fork():
        pool = ParsePool(parser(ctx), ctx.n_process)
        ctx.cache["nlp.pool"] = pool
        ctx.closers.append(lambda: ctx.cache.pop("nlp.pool").close())
    return pool


def _texts(a: Analysis) -> tuple[list[int], list[str]]:
    chosen = selected(a)
    return chosen, [a.passages[n].body for n in chosen]


@register_prefetch("nlp")
def nlp_prefetch(a: Analysis, ctx: Context) -> None:
    """Send the document's passages to the parser processes now (see ``kartoteka.pipeline.prefetch``)."""
    _, texts = _texts(a)
    pool = parse_pool(ctx, texts)
    if pool is not None:
        ctx.cache.setdefault("nlp.ahead", {})[id(a)] = (a, texts, pool.submit(texts))


def _parses(a: Analysis, texts: list[str], ctx: Context) -> Iterator[Doc]:
    ahead = ctx.cache.get("nlp.ahead", {}).pop(id(a), None)
    pool = parse_pool(ctx, texts)
    if pool is None:  # in this process (or spaCy's own workers where fork is missing)
        return pipe(parser(ctx), texts, ctx.n_process)
    if ahead is not None and ahead[0] is a and ahead[1] == texts:
        return pool.docs(ahead[2])
    if ahead is not None:  # the passages changed since (a stage between): parse them again
        pool.discard(ahead[2])
    return pool.docs(pool.submit(texts))


@register("nlp")
def nlp_stage(a: Analysis, ctx: Context) -> None:
    chosen, texts = _texts(a)
    docs: list = [None] * len(a.passages)
    for done, (n, doc) in enumerate(zip(chosen, _parses(a, texts, ctx), strict=True), 1):
        docs[n] = doc
        if ctx.on_passage and (done % 50 == 0 or done == len(chosen)):
            ctx.on_passage(done, len(chosen))
    a.docs = docs
    hs, he = _ranges(a, HEADING_SEGMENTS)
    mentions: list[Mention] = []
    for n in chosen:
        mentions.extend(passage_mentions(a.text, a.passages[n], docs[n], (hs, he)))
    a.mentions = mentions


def passage_mentions(stored: str, p: Passage, doc: Doc, headings: tuple[list[int], list[int]] | None = None) -> list[Mention]:
    nd = name_data()
    out: list[Mention] = []
    body = p.body
    for ent_label, i, j in _spans(doc):
        if ent_label not in KEEP_LABELS:
            continue
        text = body[i:j]
        m = _LEAD.match(text)
        if m:
            i += m.end()
        m = _OPEN.match(body[i:j])
        if m:
            i += m.end()
        m = _TRAIL.search(body[i:j])
        if m and m.start() > 0:
            j = i + m.start()
        if j <= i:
            continue
        text = body[i:j]
        if not any(c.isupper() for c in text[:1]) and not text[:1].isdigit():
            continue
        label = ent_label
        features: dict = {}
        # A title just before the name ("Marshal Tukhachevsky", "Comrade Stalin").
        prev = body[max(0, i - 40):i]
        tm = re.search(r"([A-Z][A-Za-z]+\.?(?:\s+[A-Z][a-z]+\.?)?)\s+$", prev)
        if tm:
            words = tm.group(1).split()
            for k in range(len(words)):
                cand = " ".join(words[k:])
                if fold(cand) in nd.titles:
                    features["title"] = cand
                    break
        first = text.split()[0] if text.split() else ""
        if fold(first) in nd.titles and len(text.split()) > 1:
            features["title"] = first
            if label in ("ORG", "GPE", "NORP", "FAC", "LOC"):
                label = "PERSON"
        after = body[j:j + 120]
        rm = re.match(r",\s+(?:the\s+)?", after)
        if rm:
            for pat in nd.role_patterns:
                mm = pat.match(after, rm.end())
                if mm:
                    features["role"] = mm.group(0)
                    break
        s, e = p.to_stored(i, j)
        if headings and _inside(headings[0], headings[1], s, e):
            features["heading"] = True
        features["name"] = text
        out.append(Mention(start=s, end=e, text=stored[s:e], label=label, features=features, passage_seq=p.seq,
                           body_start=i, body_end=j))
    return out


# Parts of speech that never open a name: "Externally Stalin", "Besides Stalin", "Will Bukharin"
# are the NER swallowing a sentence-initial word.
_NOT_NAME_POS = {"ADV", "ADP", "SCONJ", "CCONJ", "VERB", "AUX", "PRON", "DET", "PART", "INTJ"}
_OCR_WORD = re.compile(r"^[A-Z][a-z]*[015][a-z]+$|^[0-9][A-Z]{2,}$")


def _spans(doc: Doc) -> list[tuple[str, int, int]]:
    """Entity spans (label, body start, body end), repaired: parts of a hyphenated name joined
    ("Maximov" "-" "Unschlicht"), a following OCR-damaged word taken in ("Max" "Hoe1z"), trailing
    lowercase words dropped ("Division of the")."""
    ents = [(e.label_, e.start, e.end) for e in doc.ents]
    out: list[list] = []
    n = len(doc)
    k = 0
    while k < len(ents):
        label, s, e = ents[k]
        while True:
            if e + 1 < n and doc[e].text in ("-", "\u2010") and not doc[e - 1].whitespace_ and not doc[e].whitespace_ \
                    and doc[e + 1].text[:1].isupper():
                if k + 1 < len(ents) and ents[k + 1][1] == e + 1:
                    e = ents[k + 1][2]
                    k += 1
                else:
                    e += 2
                continue
            if label == "PERSON" and e < n and doc[e - 1].whitespace_ and _OCR_WORD.match(doc[e].text) \
                    and not (k + 1 < len(ents) and ents[k + 1][1] == e):
                e += 1
                continue
            break
        while e - s > 1 and doc[e - 1].text[:1].islower():
            e -= 1
        while e - s > 1 and doc[s].pos_ in _NOT_NAME_POS and not known_given(translit_key(doc[s].text)):
            s += 1
        # A name that stops at a patronymic lost its surname ("Ivan Petrovich" "Sorokin").
        if label == "PERSON" and e < n and doc[e - 1].whitespace_ and doc[e].is_title and doc[e].pos_ == "PROPN" \
                and name_data().patronymic_re.search(translit_key(doc[e - 1].text)) \
                and not (k + 1 < len(ents) and ents[k + 1][1] == e and ents[k + 1][0] != "PERSON"):
            if k + 1 < len(ents) and ents[k + 1][1] == e:
                e = ents[k + 1][2]
                k += 1
            else:
                e += 1
        # A given name just before a surname the NER tagged alone ("Mikhail" "Spiegelglass").
        prev_end = out[-1][2] if out else -1
        if label == "PERSON" and s > 0 and doc[s - 1].whitespace_ and doc[s - 1].is_title \
                and doc[s - 1].idx >= prev_end and known_given(translit_key(doc[s - 1].text)):
            s -= 1
        out.append([label, doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)])
        k += 1
    return [(a, b, c) for a, b, c in _kin_named(doc, _placed(doc, out))]


def _kin_named(doc: Doc, spans: list[list]) -> list[list]:
    """A name right after "her daughter", "his brother" is a person's, where the NER saw none or
    took it for a place or body ("Her daughter X spent ..." often leaves a lone given name untagged)."""
    added: list[list] = []
    for t in cue_tokens(doc, name_cues()["kin_nouns"]):
        if t.i + 1 >= len(doc) \
                or not any(c.dep_ == "poss" and c.lower_ in ("her", "his", "their") for c in t.children):
            continue
        j = e = t.i + 1
        while e < len(doc) and e - j < 3 and doc[e].pos_ == "PROPN" and doc[e].is_title:
            e += 1
        if e == j:
            continue
        b, x = doc[j].idx, doc[e - 1].idx + len(doc[e - 1].text)
        named = next((sp for sp in spans if sp[1] == b and sp[2] <= x), None)
        if named is not None and named[0] in ("ORG", "GPE", "LOC", "NORP", "FAC"):
            named[0] = "PERSON"  # "her daughter Irina" is no organization
        elif named is None and not any(a < x and b < c for _, a, c in spans + added):
            added.append(["PERSON", b, x])
    return sorted(spans + added, key=lambda sp: sp[1]) if added else spans


def _placed(doc: Doc, spans: list[list]) -> list[list]:
    """Names a place frame makes places: "the village of Aardla" (a name the NER may have missed
    or called an organization) and a one-word "organization" after a verb of residence ("while
    living in Yelabuga"). Typing only: no new parse, the same tokens."""
    by_start = {b: sp for sp in spans for b in [sp[1]]}
    added: list[list] = []
    for t in cue_tokens(doc, name_cues()["place_kinds"]):
        if t.i + 2 < len(doc) and doc[t.i + 1].lower_ == "of":
            j = t.i + 2
            e = j
            while e < len(doc) and doc[e].pos_ == "PROPN" and doc[e].is_title:
                e += 1
            if e == j:
                continue
            b, x = doc[j].idx, doc[e - 1].idx + len(doc[e - 1].text)
            sp = by_start.get(b)
            if sp is not None and sp[0] in ("ORG", "PERSON", "NORP"):
                sp[0] = "GPE"
            elif sp is None and not any(a < x and b < c for _, a, c in spans):
                added.append(["GPE", b, x])
    for sp in spans:
        span = doc.char_span(sp[1], sp[2])
        if sp[0] == "ORG" and span is not None and len(span) == 1 and not span.text.isupper() and span.start >= 2 \
                and doc[span.start - 1].lower_ in ("in", "at", "to") \
                and doc[span.start - 2].lemma_.lower() in name_cues()["residence_verbs"]:
            sp[0] = "GPE"
    return sorted(spans + added, key=lambda sp: sp[1])


def cue_tokens(doc: Doc, words: frozenset[str]) -> list[Token]:
    """The tokens whose lowercase form is one of ``words``, found over the doc's LOWER array: a
    cue word is rare, and a Token object made for every token of every passage is not free."""
    from spacy.attrs import LOWER

    if not len(doc):
        return []
    keys = _word_keys(words)
    return [doc[i] for i, low in enumerate(doc.to_array(LOWER).tolist()) if low in keys]


@cache
def _word_keys(words: frozenset[str]) -> frozenset[int]:
    from spacy.strings import get_string_id

    return frozenset(get_string_id(w) for w in words)
