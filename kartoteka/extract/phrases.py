"""Noun phrases and the people they stand for, and the parse around a trigger: what a name, a
pronoun, a title, a counted group or an apposition refers to (``expand``), and a verb's subject,
object, agent and prepositional objects. Functions over the shared read-only ``ParseContext``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from kartoteka.analysis import Mention
from kartoteka.extract import coref, extractor
from kartoteka.extract.numbers import parse_number
from kartoteka.extract.rules import declare, on
from kartoteka.extract.syntax import (
    GROUP_NOUNS,
    LEADING,
    NAMING,
    NUMERIC_ENTS,
    PERSON_PRONOUNS,
    RELATIVE,
    SUBJ_DEPS,
    is_passive,
    nounish,
    parenthetical_participle,
    verbish,
)
from kartoteka.resolve.keys import alias_key
from kartoteka.resolve.names import strip_titles

if TYPE_CHECKING:
    from kartoteka.extract.context import ParseContext

declare("such_as_examples", "expand",
        "a group with examples named by 'such as' stands (also) for those people: 'generals such as "
        "X and Y were arrested' is X's and Y's arrest",
        [("Several generals, such as Ivan Petrov and Boris Orlov, were arrested in 1937.",
          [("arrest", "petrov", "1937"), ("arrest", "orlov", "1937")]),
         ("In 1871 the police arrested radicals such as Marcel Duroc.", [("arrest", "duroc", "1871")]),
         ("Writers such as Anna Volkova were expelled from the Writers' Union in 1936.",
          [("expulsion", "volkova", "1936")])])

declare("bare_group", "expand",
        "a group told by its size alone, 'the seven were shot', 'both were released', stands for "
        "the people of that number the text has just named together; each gets the factoid, "
        "marked as inferred from the group",
        [("Ivan Petrov, Boris Orlov and Gleb Morozov were tried in 1937. The three were shot in 1938.",
          [("execution", "petrov", "1938"), ("execution", "orlov", "1938"), ("execution", "morozov", "1938")]),
         ("Marcel Duroc and Louis Varlin were arrested in 1871. Both were deported in 1873.",
          [("exile", "duroc", "1873"), ("exile", "varlin", "1873")]),
         ("Anna Volkova and Olga Brandt were arrested in 1937. Both were released in 1946.",
          [("release", "volkova", "1946"), ("release", "brandt", "1946")])])

declare("colon_list", "expand",
        "a list of names after a colon beyond the subject's verb, which the parser hangs on the "
        "subject as an apposition, names other people, not the subject again",
        [("Marcel Duroc was elected mayor in 1871 and named his deputies: Louis Varlin, Emil Hartmann.",
          [("election", "duroc", "1871"), ("!election", "varlin", None)]),
         ("Ivan Petrov was appointed director in 1935 and invited three colleagues: Boris Orlov, Gleb Morozov.",
          [("appointment", "petrov", "1935"), ("!appointment", "orlov", None)]),
         ("Anna Volkova was arrested in 1937 and named her accomplices: Olga Brandt, Nadia Soret.",
          [("arrest", "volkova", "1937"), ("!arrest", "brandt", None)])])


def naming_targets(acl: Any) -> list[Any]:
    """The name a naming participle gives: "a man called X", "a unit known as Y"."""
    out = []
    for g in acl.children:
        if g.dep_ in ("oprd", "attr", "dobj", "xcomp") or (g.dep_ == "prep" and g.lower_ == "as"):
            out.append(next((x for x in g.children if x.dep_ == "pobj"), g) if g.dep_ == "prep" else g)
    return out


def expand(cx: ParseContext, tok: Any, depth: int = 0, exclude: set[int] | None = None,
           conjuncts: bool = True) -> list[tuple[Mention, float]]:
    """The mentions a noun phrase headed by ``tok`` stands for (conjuncts included unless
    ``conjuncts`` is false), each with a confidence factor: its own name, or what an unnamed
    phrase stands for, then the people it leads or includes, its conjuncts and appositions."""
    if depth > 6:
        return []
    m = own_mention(cx, tok)
    if m is None and not pronoun_like(cx, tok):
        whole = relative_reference(cx, tok, depth)
        if whole is not None:
            return whole  # a relative pronoun stands for what its clause hangs on, and that only
    out = [(m, 1.0)] if m is not None else unnamed_phrase(cx, tok, depth, exclude)
    if m is None or cx.etype(m) != "person":
        out += _led_or_included(cx, tok, depth)
    for c in tok.children:
        if c.dep_ == "conj" and conjuncts:
            out += expand(cx, c, depth + 1, exclude)
    if m is not None:
        out += same_thing(cx, tok, m, depth)
    return out


def own_mention(cx: ParseContext, tok: Any) -> Mention | None:
    """The mention at ``tok``, or the one name of a hyphenated compound made for it."""
    m = cx.mention_at(tok)
    if cx.made.get(tok.i) is not None and (m is None or "-" in m.text):
        m = cx.made[tok.i]
    return m


def pronoun_like(cx: ParseContext, tok: Any) -> bool:
    return tok.lower_ in PERSON_PRONOUNS or tok.i in cx.coref_map


def relative_reference(cx: ParseContext, tok: Any, depth: int) -> list[tuple[Mention, float]] | None:
    """What a relative pronoun stands for, or None where ``tok`` is none (or "whose" hangs on
    no relative clause)."""
    low = tok.lower_
    if low in RELATIVE and tok.head.dep_ == "relcl":
        # "X, who became premier, and Y": the clause is X's, not his conjuncts' (unless it is
        # plural: "X and his son Y, who were tried")
        verb = tok.head
        plural = verb.tag_ == "VBP" or any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("were", "are", "have")
                                           for c in verb.children) or verb.lower_ in ("were", "are")
        prev = tok.i - 1
        while prev > tok.sent.start and cx.doc[prev].is_punct:
            prev -= 1
        pm = cx.mention_at(cx.doc[prev]) if low in ("who", "whom") and prev < tok.i else None
        if pm is not None and cx.etype(pm) == "person" and not plural and cx.mention_at(verb.head) is not pm:
            return [(pm, 0.9)]  # "Uritsky, who had been appointed", whatever the clause hangs on
        return expand(cx, verb.head, depth + 1, conjuncts=plural)
    if low == "whose":  # "X, whose execution was announced": up to the relative clause
        for a in tok.ancestors:
            if a.dep_ == "relcl":
                return expand(cx, a.head, depth + 1)
    return None


def unnamed_phrase(cx: ParseContext, tok: Any, depth: int, exclude: set[int] | None) -> list[tuple[Mention, float]]:
    """What a phrase with no name of its own stands for: a pronoun's person, a name the
    tagger missed, a counted group, or the names its dependents give."""
    if pronoun_like(cx, tok):
        ante = coref.antecedent(cx, tok, exclude)
        return [(ante, 0.8)] if ante is not None else []
    if tok.lower_ == "whose":
        return []  # "whose" hanging on no relative clause stands for no one
    um = unmentioned_person(cx, tok)
    if um is not None:
        return [(um, 0.8)]
    group = counted_group(cx, tok)
    if group:
        # each member's factoid is inferred from the group's
        return [(replace(gm, features={**gm.features, "inferred_from_group": True}), 0.75) for gm in group]
    return [x for c in tok.children for x in dependent_names(cx, tok, c, depth)]


def dependent_names(cx: ParseContext, tok: Any, c: Any, depth: int) -> list[tuple[Mention, float]]:
    """The people (or body) one dependent ``c`` of an unnamed noun names for the phrase."""
    if name_before_title(cx, tok, c):
        return titled_name(cx, tok, c, depth)
    if c.dep_ == "appos":
        return expand(cx, c, depth + 1)
    if c.dep_ == "nmod" and c.i < tok.i:
        # "X, Y, and other officials" parsed as modifiers of the group noun
        return [(mm, f * 0.9) for mm, f in expand(cx, c, depth + 1)]
    if c.dep_ == "acl" and c.lemma_ in NAMING:  # "a man called X"
        return [(mm, f * 0.9) for tgt in naming_targets(c) for mm, f in expand(cx, tgt, depth + 1)]
    if c.dep_ == "prep" and c.lower_ == "of" and tok.pos_ == "PROPN" and tok.lemma_.lower() in cx.lex.org_heads:
        # "the Administration of Special Tasks": the name is the whole phrase
        found = [cx.mention_at(pobj) for pobj in c.children if pobj.dep_ == "pobj"]
        return [(pm, 0.9) for pm in found if pm is not None and cx.etype(pm) == "organization"]
    if c.dep_ == "prep" and c.lower_ == "by" and any(x.lemma_ == "name" for x in c.children):
        # "a poet by the name of X"
        return [(mm, f * 0.9) for name in c.children for pobj in prep_objects(cx, name, ["of"])
                for mm, f in expand(cx, pobj, depth + 1)]
    if c.dep_ == "prep" and c.lower_ == "of" and tok.lemma_ in GROUP_NOUNS:
        # "a batch of eight leaders, headed by X"
        return [(mm, f * 0.9) for pobj in c.children if pobj.dep_ == "pobj" for mm, f in expand(cx, pobj, depth + 1)]
    return []


def name_before_title(cx: ParseContext, tok: Any, c: Any) -> bool:
    """"Yezhov commissar of ...": a name compounded before a title; "the North Caucasus
    Territory" (but not "the Stakhanov movement")."""
    return c.dep_ == "compound" and cx.mention_at(c) is not None and nounish(tok) and tok.tag_ not in ("NNS", "NNPS") \
        and (tok.lemma_.lower() in cx.lex.person_nouns
             or (tok.pos_ == "PROPN" and tok.text.istitle() and cx.etype(cx.mention_at(c)) != "person"))


def titled_name(cx: ParseContext, tok: Any, c: Any, depth: int) -> list[tuple[Mention, float]]:
    out = [(mm, f * 0.85) for mm, f in expand(cx, c, depth + 1)]
    # "X commissar of A and Y commissar of B", the second title hung on A
    for pobj in prep_objects(cx, tok, ["of"]):
        for t2 in pobj.children:
            if t2.dep_ == "conj" and t2.lemma_.lower() == tok.lemma_.lower():
                out += expand(cx, t2, depth + 1)
    return out


def same_thing(cx: ParseContext, tok: Any, m: Mention, depth: int) -> list[tuple[Mention, float]]:
    """An apposition names the same thing, so it is of the same type (not a list after a colon)."""
    out: list[tuple[Mention, float]] = []
    for c in tok.children:
        cm = cx.mention_at(c)
        if c.dep_ == "appos" and cm is not None and cx.etype(cm) == cx.etype(m) and not detached_list(cx, tok, c):
            out += expand(cx, c, depth + 1)
    return out


def detached_list(cx: ParseContext, tok: Any, appos: Any) -> bool:
    """A name the parser hung on a subject as its apposition from beyond the subject's verb,
    after a colon ("X was appointed and named his aides: A, B"): a list of others, not X."""
    return on("colon_list") and tok.dep_ in SUBJ_DEPS and tok.i < tok.head.i < appos.i \
        and any(t.text == ":" for t in cx.doc[tok.head.i:appos.left_edge.i])


def such_as(cx: ParseContext, prep: Any) -> bool:
    """"Generals such as X and Y": the examples named are of the group."""
    return prep.lower_ == "as" and on("such_as_examples") and any(
        c.lower_ == "such" for c in [*prep.children, *(prep.doc[prep.i - 1:prep.i])])


def is_topic(cx: ParseContext, tok: Any) -> bool:
    """Whether the noun phrase at ``tok`` stands for the person the document is about."""
    topic = cx.state.topic
    return topic is not None and any(m.entity_id == topic.entity_id for m, _ in expand(cx, tok))


def hyphen_partners(cx: ParseContext, tok: Any) -> list[Any]:
    """The other names of a hyphenated compound: "the Bukharin-Rykov-Yagoda case"."""
    out = []
    t = tok
    while True:
        nxt = next((c for c in t.children if c.dep_ == "compound" and c.i < t.i
                    and c.i + 1 < t.i and cx.doc[c.i + 1].text == "-"), None)
        if nxt is None:
            return out
        out.append(nxt)
        t = nxt


def unmentioned_person(cx: ParseContext, tok: Any, part: bool = False) -> Mention | None:
    """A name the recogniser missed ("the talented Tukhachevsky", a second "General Bredow")
    that the KB already knows as a person: a mention made for it. Titles are dropped; with a
    given name or initials the whole name must be known ("K. A. Pavlov" is not any Pavlov);
    a document-born entity must carry that name (not merely a spelling of it)."""
    if tok.i in cx.made and not part:
        return cx.made[tok.i]
    found = None
    if (tok.pos_ == "PROPN" or (tok.pos_ == "NOUN" and tok.i > tok.sent.start)) and tok.tag_ not in ("NNPS", "NNS") \
            and tok.text.istitle() \
            and len(tok.text) > 3 and tok.ent_type_ not in NUMERIC_ENTS and (part or tok.dep_ not in ("compound", "poss")):
        parts = [] if part else [c for c in tok.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < tok.i]
        lo = parts[0] if parts else tok
        titles, rest = strip_titles([t.text for t in cx.doc[lo.i:tok.i + 1]])
        name = " ".join(rest)
        eid = cx.info.lookup(name)
        if eid and cx.info.type_of(eid) == "person" and (cx.info.linked(eid) or _own_name(cx, eid, name)):
            first = cx.doc[tok.i - len(rest) + 1]
            bs, be = first.idx, tok.idx + len(tok.text)
            st, en = cx.p.to_stored(bs, be)
            found = Mention(st, en, cx.doc[first.i:tok.i + 1].text, "PERSON", eid, 0.8,
                            {"recovered": True}, cx.p.seq, bs, be)
    if not part:
        cx.made[tok.i] = found
    return found


def counted_group(cx: ParseContext, tok: Any) -> list[Mention]:
    """"The eight chiefs", "these three men": the people of a group of that size named in this
    sentence or the two before, as "X and seven other generals" or "X, Y and Z"."""
    n = group_size(cx, tok)
    if n is None or n < 2:
        return []
    sents = []
    s0 = tok.sent
    sents.append((s0.start, tok.i))
    lo = s0.start
    for _ in range(2):
        if lo == 0:
            break
        prev = cx.doc[lo - 1].sent
        sents.append((prev.start, prev.end))
        lo = prev.start
    for a, b in sents:
        for t in cx.doc[a:b]:
            if t.dep_ == "conj" or t.i == tok.i:
                continue
            chain = [t, *[c for c in t.subtree if c.dep_ == "conj" and c.head.i in {t.i} | {x.i for x in t.subtree}]]
            if len(chain) < 2:
                continue
            members: dict[str, Mention] = {}
            others = 0
            for c in chain:
                cm = cx.mention_at(c)
                if cm is not None and cm.entity_id and cx.etype(cm) == "person":
                    members.setdefault(cm.entity_id, cm)
                elif any(g.dep_ == "amod" and g.lower_ == "other" for g in c.children):
                    k = next((parse_number(g.text) for g in c.children if g.dep_ == "nummod"), None)
                    others += k or 0
            if members and len(members) + others == n:
                return list(members.values())
    return []


def group_size(cx: ParseContext, tok: Any) -> int | None:
    """The size a group phrase states: "the eight chiefs", "these three men", and as a subject
    a bare number or "both" ("the seven were shot", "both were exonerated")."""
    det = any(c.dep_ == "det" and c.lower_ in ("the", "these", "those", "all") for c in tok.children)
    if tok.tag_ == "NNS" and tok.lemma_.lower() in cx.lex.person_nouns and det:
        num = next((c for c in tok.children if c.dep_ == "nummod"), None)
        return parse_number(num.text) if num is not None else None
    if not on("bare_group") or tok.dep_ not in SUBJ_DEPS:
        return None
    if tok.lower_ == "both" and tok.pos_ in ("PRON", "DET", "NOUN"):
        return 2
    if tok.pos_ == "NUM" and det and not any(c.dep_ == "prep" for c in tok.children):
        return parse_number(tok.text)
    return None


def _own_name(cx: ParseContext, eid: str, name: str) -> bool:
    """Whether a document-born entity is called ``name`` (in full or by its last word) and its
    name is a person's, not a description ("Old Bolshevik")."""
    words = alias_key(cx.info.name_of(eid) or "").split()
    key = alias_key(name)
    return bool(words) and key in (" ".join(words), words[-1]) and not set(words) & cx.lex.person_nouns


def _led_or_included(cx: ParseContext, tok: Any, depth: int) -> list[tuple[Mention, float]]:
    """The named people of a group: "eight generals, led by X", "the Bolsheviks, headed by X",
    "the accused, including X"."""
    out: list[tuple[Mention, float]] = []
    for c in tok.children:
        if c.dep_ == "acl" and c.lemma_ in LEADING:
            for g in c.children:
                if g.dep_ == "agent":
                    for pobj in g.children:
                        if pobj.dep_ == "pobj":
                            out += [(mm, f * 0.85) for mm, f in expand(cx, pobj, depth + 1)]
                elif g.dep_ == "dobj":
                    out += [(mm, f * 0.85) for mm, f in expand(cx, g, depth + 1)]
        elif c.dep_ == "prep" and (c.lower_ in ("including", "among") or such_as(cx, c)):
            for pobj in c.children:
                if pobj.dep_ == "pobj":
                    out += [(mm, f * 0.85) for mm, f in expand(cx, pobj, depth + 1)]
    return out


def gsubject(cx: ParseContext, v: Any, depth: int = 0) -> Any | None:
    """The grammatical subject of verb ``v``, through coordination and participles."""
    noun = parenthetical_participle(v)
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
    if v.dep_ in ("conj", "acomp") and verbish(v.head):
        return gsubject(cx, v.head, depth + 1)
    if v.dep_ in ("acl", "amod", "appos") and (v.tag_ in ("VBN", "VBD", "VBG") or extractor.attributive(cx, v)):
        return v.head if nounish(v.head) else None
    if v.dep_ == "advcl" and (v.tag_ in ("VBN", "VBG") or extractor.chained_passive(cx, v) is not None) and verbish(v.head):
        return gsubject(cx, v.head, depth + 1)
    if v.dep_ == "xcomp" and verbish(v.head):
        # "forced X to work": the object before the verb controls it; "began working for A,
        # the forerunner of B" (a stray object after it) does not
        obj = next((c for c in v.head.children if c.dep_ == "dobj" and c.i < v.i), None)
        return obj if obj is not None else gsubject(cx, v.head, depth + 1)
    if v.dep_ == "relcl":
        return v.head
    return None


def gobject(cx: ParseContext, v: Any, depth: int = 0) -> Any | None:
    for c in v.children:
        if c.dep_ in ("dobj", "dative"):
            return c
    if v.dep_ == "conj" and verbish(v.head) and depth < 4 and not is_passive(v.head):
        return gobject(cx, v.head, depth + 1)
    return None


def agent_tokens(cx: ParseContext, v: Any) -> list[Any]:
    out = []
    for c in v.children:
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
            out += [x for x in c.children if x.dep_ == "pobj"]
    if not out:  # "replaced in the premiership by X": the by-phrase hangs one level down
        for c in v.children:
            if c.dep_ == "prep":
                for pobj in c.children:
                    if pobj.dep_ == "pobj":
                        out += prep_objects(cx, pobj, ["by"])
    return out


def prep_objects(cx: ParseContext, tok: Any, preps: Iterable[str]) -> list[Any]:
    preps = set(preps)
    out = []
    for c in tok.children:
        if c.dep_ in ("prep", "agent") and c.lower_ in preps:
            out += [x for x in c.children if x.dep_ == "pobj"]
    return out


def phrase(cx: ParseContext, tok: Any) -> str:
    cut = {t.i for c in tok.children
           if c.dep_ in ("conj", "cc", "relcl", "advcl", "appos", "punct") or (c.dep_ == "prep" and c.lower_ == "by")
           or (c.dep_ == "advmod" and c.i < tok.i) for t in c.subtree}
    for d in tok.subtree:  # "commissar of A and Y commissar of B": the second office hung on A
        if d.dep_ == "conj" and d.lemma_.lower() == tok.lemma_.lower() and d.i != tok.i:
            cut |= {t.i for t in d.subtree} | {t.i for t in d.head.children if t.dep_ == "cc"}
    toks = [t for t in tok.subtree if t.i not in cut]
    lead = [t for t in toks if t.i < tok.i and t.dep_ == "compound" and cx.mention_at(t) is not None]
    if lead:  # "Yezhov commissar of X": the office without the name
        toks = [t for t in toks if t.i > max(x.i for x in lead)]
    lo, hi = min(t.i for t in toks), max(t.i for t in toks)
    span = cx.doc[lo:hi + 1]
    text = span.text.split(" (")[0].strip(" ,;:.")
    return text[:120]
