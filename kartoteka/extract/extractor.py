"""Factoid extraction over one passage's dependency parse.

Triggers (lexicon.yaml) fire on lemmas; their arguments come from the parse: the (passive)
subject or object, an agent, an office, an organization, a place, a date attached to the
trigger's clause. Coordination ("X and Y were shot"), apposition, relative clauses ("X, who had
been arrested"), participles ("X, arrested in 1881") and shared subjects of coordinated verbs
("X was arrested and shot") all lead to the right entity. Each factoid also records who asserts
it (voice), and whether the assertion is hedged or negated.

Every step is a function over the passage's shared, read-only ``ParseContext`` (``cx``,
context.py); what carries from passage to passage is the separate, mutable ``DocState``
(``cx.state``, state.py). The parts: this module (``run``, the triggers, their subjects and
candidates), ``eventroles`` (office, organization, place, other participants), ``phrases`` (what
a noun phrase stands for; a verb's subject, object and agent), ``coref`` (pronouns and group
references), ``dating`` (dates of events), ``stance`` (voice, hedges, negation, irrealis),
``counting`` (count factoids), ``arguments`` (registered argument rules), ``syntax`` (shared
word sets and token tests).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from kartoteka.analysis import Mention
from kartoteka.extract import coref, counting, dating, eventroles, phrases, stance
from kartoteka.extract.arguments import FRAMING_PREPS, Args
from kartoteka.extract.lexicon import Trigger
from kartoteka.extract.rules import declare, of_kind, on
from kartoteka.extract.state import Candidate
from kartoteka.extract.syntax import (
    LISTENER_PRONOUNS,
    REFLEXIVE,
    SPACY_TYPES,
    SUBJ_DEPS,
    VERB_PREFIXES,
    WEEKDAYS,
    is_passive,
    needs_ok,
    nounish,
    plural_body,
    verbish,
)

if TYPE_CHECKING:
    from kartoteka.extract.context import ParseContext

declare("compound_adjective", "gate",
        "a trigger hyphened to a word before it is part of a compound adjective, not an event "
        "('peasant-born', 'foreign-trained'), unless the word is a verb prefix ('re-elected')",
        [("The peasant-born Ivan Petrov was re-elected to the regional party committee in 1930.",
          [("election", "petrov", "1930"), ("!birth", "petrov", None)]),
         ("The Geneva-born Marcel Duroc moved to Paris in 1860.", [("!birth", "duroc", None)]),
         ("Anna Volkova, a Kazan-born poet, was re-elected to the Writers' Union in 1934.",
          [("election", "volkova", "1934"), ("!birth", "volkova", None)])])
declare("irrealis", "gate",
        "an event only intended, attempted, feared or ordered is not told as having happened "
        "('tried to arrest X', 'the plan to shoot X')",
        [("In 1936 the police tried to arrest Ivan Petrov.", [("!arrest", "petrov", None)]),
         ("In 1870 Marcel Duroc feared that the guards would shoot him.", [("!execution", "duroc", None)]),
         ("The plan to expel Anna Volkova was dropped in 1935.", [("!expulsion", "volkova", None)])])
declare("honour_received", "gate",
        "receiving a distinction ('received the Order of X', 'received a medal') is an award, not a "
        "visitor received: a meeting verb whose object is an honour gives no meeting",
        [("On 3 May 1916 Ivan Petrov received the Order of Lenin.", [("!meeting", "petrov", None)]),
         ("In 1809 Jean Lannes received the Legion of Honour from the emperor.", [("!meeting", "lannes", None)]),
         ("In 1921 Boris Orlov received the Order of Lenin and later received Ivan Petrov in Kazan.",
          [("!meeting", "orlov", "1921"), ("meeting", "petrov", None)])])
declare("birth_name", "gate",
        "'born' followed straight by a name ('X, born Y') gives the name a person was born with, "
        "not a birth: no birth factoid (a birth is told with a place or a date: 'born in Kazan')",
        [("In 1936 Gleb Morozov married Anna Volkova, born Anna Lanina, who came from Kazan.",
          [("!birth", "lanina", None), ("!birth", "volkova", None)]),
         ("Olga Brandt, born Olga Soret, joined the Socialist League in 1905.",
          [("!birth", "brandt", None), ("membership", "brandt", "1905")]),
         ("Ivan Petrov was born in Kazan in 1890.", [("birth", "petrov", "1890")])])
declare("succession_partner", "candidates",
        "a succession names two people: 'X was replaced by Y' is Y's appointment, 'Y succeeded X' "
        "X's removal",
        [("In 1936 Ivan Petrov was replaced by Boris Orlov.", [("appointment", "orlov", "1936")]),
         ("Anna Volkova succeeded Gleb Morozov as editor in 1931.", [("removal", "morozov", "1931")]),
         ("Marcel Duroc was replaced as mayor by Louis Varlin in 1871.", [("appointment", "varlin", "1871")])])

declare("chained_predicates", "verb-subject",
        "a chain of predicates after one passive subject tells each event of it, though the parser "
        "hangs the later ones as clauses or tags them as past tenses: 'X was arrested, tried in "
        "secret and shot'",
        [("Marcel Duroc was arrested in May, tried in June and shot in July 1871.",
          [("arrest", "duroc", None), ("trial", "duroc", None), ("execution", "duroc", "1871-07")]),
         ("Pyotr Lanin was arrested, tried in secret and shot in 1938.", [("execution", "lanin", "1938")]),
         ("Nadia Soret was detained, questioned for a week and deported in 1942.",
          [("exile", "soret", "1942")])])


declare("attributive_participle", "verb-subject",
        "a past participle before a noun, which the tagger takes for an adjective ('the exiled "
        "poet X', 'the arrested officers, such as X'), tells its event of that noun's people; it "
        "is a status, so it takes no date from the rest of the sentence",
        [("In 1950 the exiled poet Nadia Soret returned to Paris.", [("exile", "soret", None), ("!exile", "soret", "1950")]),
         ("The arrested officers, such as Ivan Petrov, were moved to Kazan.", [("arrest", "petrov", None)]),
         ("In 1932 Anna Volkova wrote to exiled writers such as Boris Orlov.", [("exile", "orlov", None)]),
         ("Olga Brandt helped the deported peasants and workers, such as Gleb Morozov, in 1931.",
          [("exile", "morozov", None)])])


declare("symmetric_meeting", "candidates",
        "a meeting, talk or negotiation is an event of each participant, not only of the subject",
        [("In March 1871 Marcel Duroc met Louis Varlin in Lyon.", [("meeting", "varlin", "1871-03")]),
         ("In 1925 Emil Hartmann held talks with Pyotr Lanin.", [("meeting", "lanin", "1925")]),
         ("Anna Volkova negotiated with Boris Orlov in 1931.", [("meeting", "orlov", "1931")])])


declare("coordinated_offices", "candidates",
        "one appointment verb with two offices, each with its own date: 'appointed A in 1934 and B "
        "in 1935' is two appointments (the second date on the office or, as the parser often hangs "
        "it, on the verb after the office)",
        [("Ivan Petrov was appointed commissar for transport in 1934 and a marshal of cavalry in 1935.",
          [("appointment", "petrov", "1934"), ("appointment", "petrov", "1935")]),
         ("Louis Varlin was elected a secretary in 1868 and a delegate of the Commune Council in 1871.",
          [("election", "varlin", "1868"), ("election", "varlin", "1871")]),
         ("Anna Volkova was appointed deputy editor in 1930 and a director of the Writers' Union in 1934.",
          [("appointment", "volkova", "1930"), ("appointment", "volkova", "1934")]),
         ("Jean Lannes was appointed Governor (Commandant) of Paris in 1800 and a Marshal of France in 1804.",
          [("appointment", "lannes", "1800"), ("appointment", "lannes", "1804")])])


declare("body_dissolved", "verb-subject",
        "a body that is dissolved, abolished or disbanded ends: the body's removal ('the commission "
        "was dissolved by the congress', 'the abolition of the ministry')",
        [("In 1794 the Jacobin Club was dissolved by the Convention.", [("removal", "jacobin_club", "1794")]),
         ("In 1936 the government disbanded the Socialist League.", [("removal", "socialist_league", "1936")]),
         ("The dissolution of the Commune Council in June 1871 ended the rising.",
          [("removal", "commune_council", "1871-06")])])

declare("told_listeners", "candidates",
        "reported speech addressed to listeners ('X told them', 'X told Y that ...') is an encounter "
        "of the speaker with them, named or not; telling a story or the news is not",
        [("On 3 May 1871, Marcel Duroc told them that the barricades would hold.", [("meeting", "duroc", "1871-05-03")]),
         ("In June 1937 Ivan Petrov told Boris Orlov that the case was closed.",
          [("meeting", "petrov", "1937-06"), ("meeting", "orlov", "1937-06")]),
         ("In 1930 Anna Volkova told the whole story in her memoirs.", [("!meeting", "volkova", None)])])

declare("plural_body_members", "verb-subject",
        "a body named in the plural as the subject of a plural verb stands for its members, so "
        "what happens to people happens to it ('the Chartists were arrested', 'the Girondins were "
        "tried'); a body in the singular is not arrested",
        [("The Girondins were arrested in June 1793.", [("arrest", "girondins", "1793-06")]),
         ("The Mensheviks were exiled or arrested in 1922.",
          [("exile", "mensheviks", None), ("arrest", "mensheviks", "1922")]),
         ("In 1794 the Hebertists were tried and executed.", [("execution", "hebertists", "1794")]),
         ("In 1936 the Socialist League was expelled from the International.",
          [("!expulsion", "socialist_league", None)])])


declare("event_placed_by_event", "date",
        "an event named to place another one in a year ('In 1925, after the death of X, Y was "
        "appointed') falls in that year too; not where the distance is told ('two years after')",
        [("In 1871, after the death of Marcel Duroc, Louis Varlin was elected mayor.", [("death", "duroc", "1871")]),
         ("In 1937, following the arrest of Ivan Petrov, Boris Orlov was appointed commissar.",
          [("arrest", "petrov", "1937")]),
         ("Emil Hartmann was freed in 1953, two years after the execution of Pyotr Lanin.",
          [("!execution", "lanin", "1953"), ("execution", "lanin", "1951")])])


def factoid_id(doc: str, start: int, end: int, type_: str, subject: str | None, extra: str = "") -> str:
    h = hashlib.sha1(f"{doc}\x1f{start}\x1f{end}\x1f{type_}\x1f{subject}\x1f{extra}".encode()).hexdigest()
    return "f" + h[:15]


def run(cx: ParseContext) -> list[Candidate]:
    """The candidates of one passage: each trigger word applied in text order, the discourse
    state noted after each sentence (``_remember``), then the count factoids."""
    out: list[Candidate] = []
    by_lemma = cx.lex.by_lemma
    for sent in cx.doc.sents:
        for tok in sent:
            trigs = by_lemma.get(tok.lemma_.lower()) or by_lemma.get(tok.lower_) or participle_triggers(cx, tok)
            if not trigs:
                continue
            for trig in trigs:
                if trig.is_noun:
                    if not nounish(tok):
                        continue
                elif not (verbish(tok) or ("ADJ" in trig.pos and tok.pos_ == "ADJ") or attributive(cx, tok)):
                    continue
                out += apply(cx, trig, tok, sent)
        _remember(cx, sent)
    out += counting.counts(cx)
    return out


def attributive(cx: ParseContext, tok: Any) -> bool:
    """A past participle tagged as an adjective before its noun: "the exiled poet", "the
    executed marshals" (only the words ending in -ed, the regular participles)."""
    return tok.pos_ == "ADJ" and tok.dep_ == "amod" and tok.lower_.endswith("ed") and tok.head.i > tok.i \
        and nounish(tok.head) and on("attributive_participle")


def participle_triggers(cx: ParseContext, tok: Any) -> list[Trigger]:
    """The verbal triggers of an attributive participle the tagger took for an adjective."""
    if not attributive(cx, tok):
        return []
    by_lemma, low = cx.lex.by_lemma, tok.lower_
    for stem in (low[:-1], low[:-2], low[:-3]):  # exiled, arrested, (re)deported, banned -> ban
        trigs = [t for t in by_lemma.get(stem, ()) if not t.is_noun and t.subject == "patient"]
        if trigs:
            return trigs
    return []


def _remember(cx: ParseContext, sent: Any) -> None:
    """Note in the document's state (``cx.state``, not the read-only context) who the sentence
    left as subject, last person, last body and speaker, for the sentences after it."""
    for t in sent:
        m = cx.mention_at(t)
        if m is None and coref.unnamed_subject(cx, t):
            cx.state.last_subject = None
        if m is None or not m.entity_id:
            continue
        et = cx.etype(m)
        if et == "person":
            cx.state.last_person = m
            if t.dep_ in SUBJ_DEPS:
                cx.state.last_subject = m
        elif et == "organization":
            cx.state.last_org = m
    if sent.text.rstrip().endswith(":"):
        for t in sent:
            if t.lemma_ in cx.lex.speech_verbs:
                cx.state.last_speaker = stance.speaker_of(cx, t)
                break


def apply(cx: ParseContext, trig: Trigger, tok: Any, sent: Any) -> list[Candidate]:
    """The candidates one trigger token gives: its gates, its arguments (the registered
    subject rules), its roles and dates, one candidate per subject (and partner)."""
    if not admissible(cx, trig, tok):
        return []
    given = eventroles.given_object(cx, tok, trig) if trig.object_nouns else None
    if trig.object_nouns and given is None:
        return []
    args = arguments(cx, trig, tok)
    if not args.subjects:
        return []
    subjects_ok = subjects_of(cx, trig, tok, args)
    if not subjects_ok:
        return []
    seen = {m.entity_id for m, _ in subjects_ok if m.entity_id}
    agents = [m for at in args.agents for m, _ in phrases.expand(cx, at)
              if m.entity_id and cx.etype(m) in ("person", "organization") and m.entity_id not in seen]
    office_tok = given if given is not None else eventroles.office_token(cx, tok, trig) if trig.office else None
    if office_tok is not None and trig.type in ("appointment", "election") \
            and eventroles.naming_not_office(cx, trig, office_tok):
        return []
    office_text = phrases.phrase(cx, office_tok) if office_tok is not None else None
    org_ids = eventroles.organizations(cx, tok, trig, office_tok, office_text)
    if trig.requires_org and not org_ids:
        return []  # a member of what? appeared before whom?
    successors: list[Mention] = []
    if trig.by == "successor":
        successors, agents = agents, []
    roles = eventroles.event_roles(cx, trig, tok, seen, agents, successors, office_text, org_ids)
    if trig.requires_other and not roles.get("other") and len(subjects_ok) < 2 and not pronoun_listener(cx, trig, tok):
        return []  # talks with whom? received whom? ("X and Y held talks": each other)
    ev = event_frame(cx, trig, tok, sent, args.subjects)
    out = candidates(cx, trig, tok, subjects_ok, roles, office_tok, ev)
    if trig.partner and not ev["negated"]:
        out += succession_partners(cx, trig, tok, subjects_ok, successors, roles, seen, ev)
    if trig.type == "meeting" and on("symmetric_meeting"):
        out += other_participants(cx, trig, tok, subjects_ok, roles, ev)
    if trig.office and trig.type in ("appointment", "election") and on("coordinated_offices"):
        out += further_offices(cx, trig, tok, sent, subjects_ok, ev)
    return out


def further_offices(cx: ParseContext, trig: Trigger, tok: Any, sent: Any, subjects_ok: list[tuple[Mention, float]],
                    ev: dict[str, Any]) -> list[Candidate]:
    """"X was appointed commissar in 1934 and a marshal in 1935": the second office, hung
    on the verb as a conjunct, is a second appointment with its own date."""
    out = []
    for c in tok.children:
        if c.dep_ != "conj" or not nounish(c) or cx.mention_at(c) is not None \
                or c.lemma_.lower() not in cx.lex.person_nouns or any(g.dep_ in SUBJ_DEPS for g in c.children):
            continue
        own = {t.i for t in c.subtree} | trailing_dates(cx, tok, c)
        dated = [(span, value) for _, value, span in cx.dates
                 if span is not None and value is not None and value.start and span.root.i in own]
        if not dated:
            continue  # no date of its own: the first office's factoid covers the sentence
        date, dconf = dated[0][1], 1.0
        cut = {t.i for span, _ in dated for t in span} | {span.root.head.i for span, _ in dated if span.root.dep_ == "pobj"}
        toks = [t for t in c.subtree if t.i not in cut]
        office = cx.doc[toks[0].i:toks[-1].i + 1].text.strip(" ,;:.") if toks else phrases.phrase(cx, c)
        orgs = eventroles.organizations(cx, c, trig, c, office)
        for m, f in subjects_ok:
            roles = {"subject": m.entity_id, "office": office}
            if orgs:
                roles["organization"] = orgs[0]
            out.append(Candidate(trig.type, m, ev["span"], roles, date, None, ev["voice"], ev["hedged"], ev["negated"],
                                 round(trig.confidence * f * dconf * 0.95, 3), dict(ev["attrs"], own_event=True)))
    return out


def trailing_dates(cx: ParseContext, verb: Any, conj: Any) -> set[int]:
    """The date phrases the parser hung on the verb after a conjoined office and before the
    next one: "appointed A in 1934 and B in 1935" with "in 1935" on "appointed"."""
    nxt = min((c.i for c in verb.children if c.dep_ == "conj" and c.i > conj.i), default=len(cx.doc))
    out: set[int] = set()
    for c in verb.children:
        if c.dep_ == "prep" and conj.i < c.i < nxt and c.lower_ in ("in", "on", "from", "since"):
            out |= {t.i for t in c.subtree}
    return out


def other_participants(cx: ParseContext, trig: Trigger, tok: Any, subjects_ok: list[tuple[Mention, float]],
                       roles: dict[str, Any], ev: dict[str, Any]) -> list[Candidate]:
    """A meeting is each participant's: "X held talks with Y" is Y's meeting with X too."""
    out = []
    for eid in roles.get("other", []):
        if cx.info.type_of(eid) != "person":
            continue
        m = next((mm for _, mm in cx.ordered if mm.entity_id == eid), None)
        if m is None:
            continue
        own = {k: v for k, v in roles.items() if k in ("place",)}
        own.update(subject=eid, other=[x.entity_id for x, _ in subjects_ok])
        out.append(Candidate(trig.type, m, ev["span"], own, ev["date"], None, ev["voice"], ev["hedged"],
                             ev["negated"], round(trig.confidence * 0.9 * ev["dconf"], 3), dict(ev["attrs"])))
    return out


def admissible(cx: ParseContext, trig: Trigger, tok: Any) -> bool:
    """The trigger's own conditions (lexicon data) and the registered gates."""
    if tok.lower_ in trig.not_forms or (trig.rule is not None and not on(trig.rule)):
        return False
    if on("compound_adjective") and tok.i > 1 and cx.doc[tok.i - 1].text in ("-", "\u2010") \
            and not cx.doc[tok.i - 1].whitespace_ and cx.doc[tok.i - 2].lower_ not in VERB_PREFIXES:
        return False  # part of a compound adjective: "peasant-born", "foreign-trained" (not "re-elected")
    passive = is_passive_trigger(cx, tok, trig) if not trig.is_noun else False
    if (trig.voice == "passive" and not passive) or (trig.voice == "active" and passive):
        return False
    if trig.needs and not any(needs_ok(tok, steps) for steps in trig.needs):
        return False
    if trig.object:
        obj = phrases.gobject(cx, tok)
        refl = obj is not None and obj.lower_ in REFLEXIVE
        if (trig.object == "reflexive") != refl:
            return False
    if trig.type == "birth" and tok.lower_ == "born" and on("birth_name") and 0 < tok.i < len(cx.doc) - 1 \
            and cx.doc[tok.i - 1].text in (",", "(") \
            and cx.doc[tok.i + 1].pos_ == "PROPN" and cx.mention_at(cx.doc[tok.i + 1]) is not None:
        return False  # "X, born Y": the name she was born with
    if trig.type == "meeting" and not trig.is_noun and on("honour_received") and honour_object(cx, tok):
        return False  # "received the Order of X": a distinction, not a visitor
    return not (on("irrealis") and stance.irrealis(cx, tok))


def honour_object(cx: ParseContext, tok: Any) -> bool:
    """Whether the verb's direct object is a distinction ("the Order of X", "a medal"): its
    head noun, or a word of a name like "Order of Lenin" or "Legion of Honour"."""
    obj = phrases.gobject(cx, tok)
    if obj is None:
        return False
    if obj.pos_ != "PROPN":
        return obj.lemma_.lower() in cx.lex.honour_nouns
    return any(t.lemma_.lower() in cx.lex.honour_nouns for t in obj.subtree)


def is_passive_trigger(cx: ParseContext, tok: Any, trig: Trigger | None = None) -> bool:
    """Passive voice, a chained predicate included for events that happen to someone ("X was
    arrested and died" keeps "died" active)."""
    if is_passive(tok) or attributive(cx, tok):
        return True
    return (trig is None or trig.subject == "patient") and chained_passive(cx, tok) is not None


def chained_passive(cx: ParseContext, tok: Any) -> Any | None:
    """The passive verb a subjectless predicate in a chain continues: "X was arrested, tried
    in secret and shot" (the parser makes "tried" an adverbial clause and tags "shot" as a
    past tense): each is X's, in the passive."""
    if not on("chained_predicates"):
        return None
    v = tok
    for _ in range(4):
        if v.dep_ not in ("conj", "advcl") or v.tag_ not in ("VBD", "VBN") or not verbish(v.head) \
                or any(c.dep_ in SUBJ_DEPS or c.dep_ in ("aux", "dobj") for c in v.children):
            return None
        if v.dep_ == "advcl" and not (v.i > 0 and cx.doc[v.i - 1].text == ","):
            return None  # a list of predicates, not "X was arrested when he returned"
        v = v.head
        if is_passive(v):
            return v
    return None


def arguments(cx: ParseContext, trig: Trigger, tok: Any) -> Args:
    """Subject and agent tokens, from the registered rules of the trigger's kind."""
    args = Args()
    for r in of_kind("noun-subject" if trig.is_noun else "verb-subject"):
        assert r.fn is not None
        r.fn(cx, trig, tok, args)
    if trig.is_noun:
        args.agents += phrases.prep_objects(cx, tok, ["by"])
    return args


def subjects_of(cx: ParseContext, trig: Trigger, tok: Any, args: Args) -> list[tuple[Mention, float]]:
    """The mentions the subject tokens stand for, of the types the trigger allows, once each."""
    subjects: list[tuple[Mention, float]] = []
    members: set[str] = set()  # bodies named as the group of their members ("the Chartists were arrested")
    for st in args.subjects:
        # "X, arrested on D, and Y": the participle is X's alone
        # ("the exiled officers and diplomats": a participle before the nouns is of them all)
        own_only = tok.dep_ in ("acl", "amod") and st.i == tok.head.i and not (tok.i < st.i and on("attributive_participle"))
        found = phrases.expand(cx, st, exclude=args.exclude, conjuncts=not own_only)
        if "person" in trig.subjects and plural_body(st):
            members |= {m.entity_id for m, _ in found if m.entity_id and cx.etype(m) == "organization"}
        subjects += found
    allowed = set(trig.subjects)
    seen: set[str] = set()
    out = []
    for m, f in subjects:
        if not m.entity_id or m.entity_id in seen:
            continue
        et = cx.etype(m)
        if et not in allowed and not (not cx.info.linked(m.entity_id) and SPACY_TYPES.get(m.label) in allowed) \
                and m.entity_id not in members:
            continue
        seen.add(m.entity_id)
        out.append((m, f))
    return out


def pronoun_listener(cx: ParseContext, trig: Trigger, tok: Any) -> bool:
    """"X told them": a personal pronoun object is someone X spoke to, named or not."""
    o = phrases.gobject(cx, tok)
    return trig.pronoun_other and o is not None and o.lower_ in LISTENER_PRONOUNS


def event_frame(cx: ParseContext, trig: Trigger, tok: Any, sent: Any, subj_toks: list[Any]) -> dict[str, Any]:
    """What every candidate of one trigger shares: date, stance, sentence span, attributes."""
    excluded = clausal_parts(cx, subj_toks, tok)
    # only some kinds of event take the date of the sentences before: an execution or a trial
    # told after an arrest happened later ("X was arrested in April. ... X was executed.")
    infer = trig.type in cx.lex.infer_types or (trig.is_noun and dating.announced(cx, tok))
    anchor = tok.head if light_verb_object(cx, trig, tok) else tok  # "signed a confession on D"
    if worn_title(cx, trig, tok):  # "the defector X", "X, a member of Y": no time of its own
        excluded = excluded | ({t.i for t in sent} - {t.i for t in tok.subtree})
        infer = False
    date, dconf = dating.date_for(cx, anchor, sent, excluded, infer=infer)
    span = sentence_span(cx, sent)
    attrs: dict[str, Any] = {"trigger": tok.text}
    new_name = eventroles.renamed_to(cx, tok) if trig.new_name else None
    if new_name:
        attrs["new_name"] = new_name
    return {"date": date, "dconf": dconf, "span": span, "hedged": stance.hedged(cx, tok, sent),
            "negated": (stance.negated(cx, tok) and not framing(cx, trig, tok)) or stance.refused_offer(cx, tok),
            "voice": stance.voice_for(cx, tok, sent, cx.p.to_stored(*span)),
            "attrs": attrs}


def framing(cx: ParseContext, trig: Trigger, tok: Any) -> bool:
    """An event noun that sets the scene ("At the trial, X did not answer"): the clause's
    negation denies what was done in it, not the event."""
    return trig.is_noun and on("framing_event") and tok.dep_ == "pobj" and tok.head.lower_ in FRAMING_PREPS \
        and tok.head.i < tok.head.head.i


def worn_title(cx: ParseContext, trig: Trigger, tok: Any) -> bool:
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    named = nxt is not None and cx.mention_at(nxt) is not None  # "the defector X"
    if attributive(cx, tok):
        return True  # "the exiled poet X": a status, told at no time of its own
    return trig.is_noun and trig.subject == "actor" and (tok.dep_ in ("compound", "appos") or named) \
        and on("title_noun")


def light_verb_object(cx: ParseContext, trig: Trigger, tok: Any) -> bool:
    return trig.is_noun and tok.dep_ == "dobj" and tok.head.lemma_.lower() in cx.lex.light_verbs \
        and not phrases.prep_objects(cx, tok, ["of"])


def candidates(cx: ParseContext, trig: Trigger, tok: Any, subjects_ok: list[tuple[Mention, float]], roles: dict[str, Any],
               office_tok: Any | None, ev: dict[str, Any]) -> list[Candidate]:
    out = []
    attrs = dict(ev["attrs"])
    roles = dict(roles)
    if trig.type == "sentence" and roles.get("office"):
        attrs["sentence"] = roles.pop("office")
    date = ev["date"]
    for m, f in subjects_ok:
        conf = trig.confidence * f * ev["dconf"]
        own = dict(roles, subject=m.entity_id)
        if trig.type == "meeting" and len(subjects_ok) > 1 and on("symmetric_meeting"):
            own["other"] = list(dict.fromkeys([*roles.get("other", []),
                                               *(x.entity_id for x, _ in subjects_ok if x.entity_id != m.entity_id)]))
        if office_tok is not None and trig.type != "sentence":
            own.update(eventroles.own_office(cx, m, office_tok, trig))
            own = {k: v for k, v in own.items() if v is not None}
        # a denied suicide or execution is no denied death: "not a suicide; he was killed"
        if m.features.get("inferred_from_group"):
            attrs["inferred"] = "group"
        for typ in (trig.type,) if ev["negated"] else (trig.type, *trig.also):
            c = Candidate(typ, m, ev["span"], dict(own), date, None, ev["voice"], ev["hedged"], ev["negated"],
                          round(conf if typ == trig.type else conf * 0.95, 3), dict(attrs))
            if date is not None and date.inferred:
                c.attrs["date_inferred"] = True
            out.append(c)
    return out


def succession_partners(cx: ParseContext, trig: Trigger, tok: Any, subjects_ok: list[tuple[Mention, float]],
                        successors: list[Mention], roles: dict[str, Any], seen: set[str],
                        ev: dict[str, Any]) -> list[Candidate]:
    """The other party of a succession: "X was replaced by Y" is Y's appointment too."""
    if not on("succession_partner"):
        return []
    partners: list[Mention] = list(successors)
    if trig.lemma == "succeed":
        o = phrases.gobject(cx, tok)
        partners = [m for m, _ in phrases.expand(cx, o)] if o is not None else []
    out = []
    for pm in partners:
        if not pm.entity_id or cx.etype(pm) != "person" or pm.entity_id in seen:
            continue
        proles = {k: v for k, v in roles.items() if k in ("office", "organization")}
        proles["subject"] = pm.entity_id
        proles["other"] = [m.entity_id for m, _ in subjects_ok]
        out.append(Candidate(trig.partner or "", pm, ev["span"], proles, ev["date"], None, ev["voice"], ev["hedged"],
                             False, round(trig.confidence * 0.85 * ev["dconf"], 3), {"trigger": tok.text}))
    return out


def relative_participants(cx: ParseContext, tok: Any, typ: str) -> list[Any]:
    """Who took part in an event told by a relative clause on its noun: "the trial ... in
    which X figured as a confessor", "the meeting at which X spoke". A trial's are its
    accused: the clause is passive ("at which X was convicted") or says X figured in it."""
    out = []
    for r in tok.children:
        if r.dep_ != "relcl" or not verbish(r):
            continue
        if typ == "trial" and not (is_passive(r) or r.lemma_ in cx.lex.defendant_verbs):
            continue  # "the trial, at which Vyshinsky announced ...": the prosecutor
        rel = [p for p in r.children if p.dep_ == "prep" and p.lower_ in ("in", "at", "during")
               and any(x.dep_ == "pobj" and x.lower_ in ("which", "whom") for x in p.children)]
        if rel:
            out += [c for c in r.children if c.dep_ in SUBJ_DEPS]
    return out


def detached_of(cx: ParseContext, tok: Any) -> list[Any]:
    """The of-object of an event noun that the parser hung on the governing word because a time
    came between: "a report of the kidnapping at noon, Friday, 3 May, of General X"."""
    if tok.dep_ != "pobj":
        return []
    gov = tok.head.head
    for c in gov.children:
        if c.dep_ == "prep" and c.lower_ == "of" and c.i > tok.i:
            between = cx.doc[tok.i + 1:c.i]
            timed = all(t.is_punct or t.ent_type_ in ("DATE", "TIME") or t.lower_ in ("at", "on", "in", "the")
                        or t.lower_ in WEEKDAYS for t in between)
            if timed:
                return [x for x in c.children if x.dep_ == "pobj"]
    return []


def clausal_parts(cx: ParseContext, heads: list[Any], trig: Any) -> set[int]:
    """Tokens of clauses inside the argument phrases (a subject's relative clause has its own dates)."""
    out: set[int] = set()
    for h in heads:
        if trig.i in {x.i for x in h.subtree}:
            continue
        for t in h.subtree:
            if t.dep_ in ("relcl", "acl", "advcl") or (t.dep_ == "appos" and verbish(t)):
                out |= {x.i for x in t.subtree}
    return out


def sentence_span(cx: ParseContext, sent: Any) -> tuple[int, int]:
    s, e = sent.start_char, sent.end_char
    body = cx.p.body
    while e > s and body[e - 1].isspace():
        e -= 1
    while s < e and body[s].isspace():
        s += 1
    return s, e


