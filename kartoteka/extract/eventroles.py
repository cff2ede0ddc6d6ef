"""The roles of an event beside its subject, read from the parse around its trigger: the office
and organization of an appointment (or of a bare post in an article on a body), the place, the
new name of a renaming, and the other participants. Functions over the shared, read-only
``ParseContext`` (context.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kartoteka.analysis import Mention
from kartoteka.extract import counting, dating, extractor, phrases
from kartoteka.extract.lexicon import Trigger
from kartoteka.extract.rules import declare, on
from kartoteka.extract.syntax import (
    NAMING,
    REFLEXIVE,
    nounish,
    verbish,
)
from kartoteka.resolve.keys import alias_key

if TYPE_CHECKING:
    from kartoteka.extract.context import ParseContext

declare("participation_frame", "candidates",
        "an event noun that is all a verb of taking part is about ('took part in the murder of X "
        "near Y', 'was implicated in the kidnapping of X in Z') takes the verb's place as its own",
        [("Pyotr Lanin took part in the murder of Emil Hartmann in Lyon in 1932.",
          [("killing", "hartmann+place=lyon", "1932")]),
         ("The police implicated Louis Varlin in the assassination of Marcel Duroc in May 1871, on a road near Lausanne.",
          [("killing", "duroc+place=lausanne", "1871-05")]),
         ("Boris Orlov was involved in the kidnapping of Olga Brandt in 1937 on a street in Berlin.",
          [("kidnapping", "brandt+place=berlin", "1937")])])
declare("while_place", "candidates",
        "a clause of circumstance opened by 'while' gives the place of the main event when the "
        "event's own clause names none: 'while living in X, Y died'",
        [("On 3 May 1890, while living in Geneva, Marcel Duroc died.", [("death", "duroc+place=geneva", "1890-05-03")]),
         ("While staying in Vienna, Emil Hartmann was arrested in 1938.", [("arrest", "hartmann+place=vienna", "1938")]),
         ("Olga Brandt, while in exile in Kazan, hanged herself in 1941.", [("suicide", "brandt+place=kazan", "1941")])])
declare("part_of_body", "candidates",
        "joining a part of a body ('the left wing of X', 'the ranks of X', 'the Moscow section of "
        "X') is joining the body named around it",
        [("Louis Varlin joined the left wing of the Socialist League in 1869.",
          [("membership", "varlin+organization=socialist_league", "1869")]),
         ("In 1918 Ivan Petrov joined the ranks of the Red Army.",
          [("membership", "petrov+organization=red_army", "1918")]),
         ("Anna Volkova joined the Moscow section of the Communist Party in 1920.",
          [("membership", "volkova+organization=communist_party", "1920")])])


def event_roles(cx: ParseContext, trig: Trigger, tok: Any, seen: set[str], agents: list[Mention], successors: list[Mention],
                office_text: str | None, org_ids: list[str]) -> dict[str, Any]:
    roles: dict[str, Any] = {}
    others = []
    for spec in trig.other:
        if spec == "dobj":
            o = phrases.gobject(cx, tok)
            toks = [o] if o is not None else []
        else:
            toks = phrases.prep_objects(cx, tok, [spec.split(":", 1)[1]])
            if extractor.light_verb_object(cx, trig, tok):
                toks += phrases.prep_objects(cx, tok.head, [spec.split(":", 1)[1]])  # "held talks with X"
        # a participant is someone (a person or a body): "visited Kazan" is no meeting
        others += [m.entity_id for t in toks for m, _ in phrases.expand(cx, t) if m.entity_id and m.entity_id not in seen
                   and cx.etype(m) in ("person", "organization")]
    if agents:
        roles["agent"] = agents[0].entity_id
    if office_text:
        roles["office"] = office_text
    if org_ids:
        roles["organization"] = org_ids[0]
    place = event_place(cx, tok, seen)
    if place:
        roles["place"] = place
    others = [m.entity_id for m in successors] + others
    if others:
        roles["other"] = list(dict.fromkeys(others))
    return roles


def naming_not_office(cx: ParseContext, trig: Trigger, office_tok: Any) -> bool:
    """"A man named X", "a sister named Margaret": naming, not an office."""
    om = cx.mention_at(office_tok) or phrases.unmentioned_person(cx, office_tok)
    if om is not None and cx.etype(om) == "person":
        return True
    return trig.lemma in NAMING and office_tok.pos_ == "PROPN" and office_tok.lemma_.lower() not in cx.lex.person_nouns \
        and not any(t.lemma_.lower() in cx.lex.person_nouns for t in office_tok.subtree)


def own_office(cx: ParseContext, m: Mention, office_tok: Any, trig: Trigger) -> dict[str, Any]:
    """Office and organization of one of several people given offices in one phrase:
    "appointing X commissar of A and Y commissar of B" gives Y the second office."""
    if m.body_start is None or m.body_end is None:
        return {}
    span = cx.doc.char_span(m.body_start, m.body_end, alignment_mode="expand")
    if span is None:
        return {}
    t = span.root
    h = t.head
    chain = {c.i for c in office_tok.subtree if c.dep_ == "conj" and nounish(c)}
    if t.dep_ != "compound" or h.i == office_tok.i or h.i not in chain:
        return {}
    office = phrases.phrase(cx, h)
    orgs = organizations(cx, h, trig, h, office)
    return {"office": office, "organization": orgs[0] if orgs else None}


def given_object(cx: ParseContext, tok: Any, trig: Trigger) -> Any | None:
    """What was given, if it is one of the trigger's object nouns: "was given the post of X",
    "a job he was given"."""
    for c in tok.children:
        if c.dep_ in ("dobj", "attr", "oprd") and c.lemma_.lower() in trig.object_nouns:
            return c
    if tok.dep_ == "relcl" and tok.head.lemma_.lower() in trig.object_nouns:
        job = tok.head  # "X, now commissar of transport (a job he was given ...)": the office named
        if job.dep_ == "appos":
            named = [c for c in job.head.children if c.dep_ == "appos" and c.i != job.i and nounish(c)
                     and cx.mention_at(c) is None]
            named += [t for t in job.head.subtree if t.i < job.i and nounish(t) and cx.mention_at(t) is None
                      and t.lemma_.lower() in cx.lex.person_nouns][-1:]  # "X, by then commissar of Y (a post ...)"
            if cx.mention_at(job.head) is None and nounish(job.head):
                return job.head
            if named:
                return named[0]
        return job
    return None


def office_token(cx: ParseContext, tok: Any, trig: Trigger) -> Any | None:
    for c in tok.children:
        if (c.dep_ in ("oprd", "attr", "xcomp") or (c.dep_ == "acomp" and c.tag_.startswith("NN"))) \
                and c.lower_ not in REFLEXIVE:
            return c  # ("became premier" with the noun parsed as an adjectival complement)
    for c in tok.children:
        if c.dep_ != "prep":
            continue
        if c.lower_ == "to" and trig.type == "removal":
            continue  # "demoted to the rank of X", "moved to X": the post he was given, not the one lost
        if c.lower_ in ("as", "to") or (c.lower_ == "in" and trig.type in ("removal", "appointment")):
            pobj = next((x for x in c.children if x.dep_ in ("pobj", "pcomp")), None)
            if pobj is None or (c.lower_ == "in" and (pobj.pos_ != "NOUN" or pobj.ent_type_)):
                continue
            return pobj
    if trig.subject == "actor" and not trig.is_noun:
        return next((c for c in tok.children if c.dep_ == "dobj"), None)
    # "appointing Yezhov commissar of X": a second noun after the object
    o = phrases.gobject(cx, tok)
    if o is not None and cx.mention_at(o) is None and any(
            c.dep_ == "compound" and cx.mention_at(c) is not None for c in o.children):
        return o
    if o is not None:
        for c in o.children:
            if c.dep_ in ("appos", "npadvmod", "oprd", "attr") and cx.mention_at(c) is None and c.i > o.i:
                return c
        nxt = o.doc[o.i + 1] if o.i + 1 < len(o.doc) else None
        if nxt is not None and nxt.dep_ in ("dobj", "npadvmod", "oprd", "conj", "ccomp", "xcomp") and nxt.head.i == tok.i and nounish(nxt):
            return nxt
    return None


def organizations(cx: ParseContext, tok: Any, trig: Trigger, office_tok: Any | None, office_text: str | None) -> list[str]:
    toks: list[Any] = []
    src = trig.org
    if src == "object":
        o = phrases.gobject(cx, tok)
        toks = [o] if o is not None else []
        if o is not None and cx.mention_at(o) is None and on("part_of_body"):
            # "joined the left faction of the party", "joined the ranks of the Red Army": the
            # body named around a part of it (the whole first, then the part's own name)
            toks += phrases.prep_objects(cx, o, ["of"]) + [c for c in o.children if c.dep_ == "compound"]
    elif src in ("from", "with", "before", "of", "for", "in"):
        toks = phrases.prep_objects(cx, tok, [src])
    elif src == "compound":  # "the Politburo member X": the body named before the title
        toks = [c for c in tok.children if c.dep_ == "compound" and c.i < tok.i]
    elif src == "patient":  # "the commissariat, headed by X": what the passive is about
        s = phrases.gsubject(cx, tok)
        toks = [s] if s is not None else []
    if office_tok is not None and src in ("office", "from", None):
        toks += [t for t in office_tok.subtree]
    if src == "from" and office_tok is None:
        toks += phrases.prep_objects(cx, tok, ["of", "in", "at"])
    ids: list[str] = []
    for t in toks:
        if t.lower_ == "it" and t.dep_ == "pobj" and cx.state.last_org is not None:
            m0 = counting.recent_group(cx, t)  # "appointed head of it": the body just named
            if m0 is not None and m0.entity_id and m0.entity_id not in ids:
                ids.append(m0.entity_id)
            continue
        m = cx.mention_at(t)
        if m is not None and m.entity_id and cx.etype(m) == "organization" and m.entity_id not in ids \
                and alias_key(cx.entity_name(m)) not in cx.lex.person_nouns:  # not a title taken for a body
            ids.append(m.entity_id)
    if not ids and office_text:
        for rx, org in cx.lex.office_orgs:
            if rx.search(office_text):
                eid = cx.info.lookup(org)
                if eid:
                    ids.append(eid)
                    break
    if not ids and body_post(cx, trig, office_tok):
        ids.append(cx.state.body)  # "appointed as director" in an article on a body: its director
    return ids


def body_post(cx: ParseContext, trig: Trigger, office_tok: Any | None) -> bool:
    """A bare post ("director", "chairman": no body of its own) in an article about a body."""
    return cx.state.body is not None and office_tok is not None and trig.type in ("appointment", "election") \
        and office_tok.lemma_.lower() in cx.lex.body_posts and on("topic_body_office") \
        and not any(c.dep_ in ("prep", "compound", "poss") for c in office_tok.children)


def event_place(cx: ParseContext, tok: Any, skip: set[str]) -> str | None:
    own = dating.own_clause(cx, tok)
    frame = participation_verb(cx, tok)
    if frame is not None:
        own = own | dating.own_clause(cx, frame)
    found = place_in(cx, tok, own, skip)
    if found is None and on("while_place"):
        for c in tok.children:  # "while living in X, Y died": where the subject was then
            if c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ == "while" for g in c.children):
                found = place_in(cx, c, dating.own_clause(cx, c), skip)
                if found is not None:
                    break
    return found


def place_in(cx: ParseContext, tok: Any, own: set[int], skip: set[str]) -> str | None:
    """The nearest place in the token set ``own`` attached by a locative preposition."""
    for i in sorted(own, key=lambda j: abs(j - tok.i)):
        m = cx.by_token.get(i)
        if m is None or not m.entity_id or m.entity_id in skip:
            continue
        if cx.etype(m) != "place":
            continue
        t = cx.doc[i]
        if t.dep_ == "poss" or any(c.dep_ == "case" for c in t.children):
            continue
        # only locative attachments: "in/at/near Tiflis", "a Paris hospital"
        anc = [a for a in t.ancestors if a.i in own][:3]
        if any(a.dep_ == "prep" and a.lower_ in ("in", "at", "near", "outside", "into", "on", "to") for a in anc):
            return m.entity_id
    return None


def participation_verb(cx: ParseContext, tok: Any) -> Any | None:
    """The verb an event noun is the whole content of: "took part in the murder of X near Y",
    "implicated in the storming of Z in 1792": the verb's circumstances are the event's."""
    if not on("participation_frame") or not nounish(tok) or tok.dep_ != "pobj" or tok.head.lower_ != "in":
        return None
    verb = tok.head.head
    return verb if tok.head.dep_ == "prep" and verbish(verb) and verb.lemma_.lower() not in cx.lex.by_lemma else None


def renamed_to(cx: ParseContext, tok: Any) -> str | None:
    for c in tok.children:
        if c.dep_ in ("oprd", "attr", "xcomp", "dobj") and cx.mention_at(c) is not None:
            return phrases.phrase(cx, c)
    for pobj in phrases.prep_objects(cx, tok, ["to", "as", "into"]):
        return phrases.phrase(cx, pobj)
    return None
