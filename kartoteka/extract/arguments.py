"""Registered rules that find who a trigger's event happens to: the subject tokens (and agents)
of a nominal trigger ("X's arrest", "the arrest of X", "the trial at which X was convicted")
and of a verbal one (passive subject, active object, actor). Each reads the shared parse
context ``cx`` (a ParseContext, context.py) and adds to ``args``; the engine calls the rules of a kind in
registration order, so a later rule can look at what the earlier ones found."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kartoteka.extract import coref, extractor, phrases
from kartoteka.extract.lexicon import Trigger
from kartoteka.extract.rules import rule
from kartoteka.extract.syntax import NAMING, PREP_NOUNS, SUBJ_DEPS, verbish

if TYPE_CHECKING:
    from kartoteka.extract.context import ParseContext


@dataclass
class Args:
    """The argument tokens found for one trigger so far."""

    subjects: list[Any] = field(default_factory=list)
    agents: list[Any] = field(default_factory=list)
    exclude: set[int] = field(default_factory=set)  # tokens a pronoun subject may not stand for
    of_objects: list[Any] = field(default_factory=list)


# -- nominal triggers ------------------------------------------------------------------------


@rule("noun_of_object", "noun-subject",
      "an event noun's of-object is who it happens to ('the arrest of X'), even where a time "
      "stands between the noun and its of-phrase",
      [("The arrest of Sergei Vavilov in May 1940 stunned his students.", [("arrest", "vavilov", "1940-05")]),
       ("The execution of Marcel Duroc took place in 1871.", [("execution", "duroc", "1871")]),
       ("The newspapers reported the expulsion of Ivan Petrov from the Communist Party in 1927.",
        [("expulsion", "petrov", "1927")])])
def noun_of_object(cx: ParseContext, trig: Trigger, tok: Any, args: Args) -> None:
    if trig.org == "of":
        return
    args.of_objects = phrases.prep_objects(cx, tok, ["of"]) or extractor.detached_of(cx, tok)
    args.subjects += args.of_objects


@rule("noun_possessor", "noun-subject",
      "a possessor or a name compounded with an event noun is who it happens to ('X's arrest', "
      "'the Petrov trial', 'the A-B case'); with an of-object the possessor is the agent "
      "('Stalin's execution of the generals')",
      [("Vavilov's arrest in 1940 ended the expedition.", [("arrest", "vavilov", "1940")]),
       ("After Duroc's arrest in 1871 the club closed.", [("arrest", "duroc", "1871")]),
       ("After Ivan Petrov's expulsion in 1927 he left Moscow.", [("expulsion", "petrov", "1927")])])
def noun_possessor(cx: ParseContext, trig: Trigger, tok: Any, args: Args) -> None:
    for c in tok.children:
        if c.dep_ == "poss" and args.of_objects:
            args.agents.append(c)
        elif c.dep_ == "poss" or (c.dep_ == "compound" and cx.mention_at(c) is not None and trig.subject != "actor"):
            # (a name compounded with an actor noun is its body: "the Politburo member X")
            args.subjects.append(c)
            cm = cx.mention_at(c)
            for h in [c, *phrases.hyphen_partners(cx, c)]:  # "the Zinoviev-Kamenev trial"
                hm = cx.mention_at(h)
                if hm is None or (hm is cm and "-" in hm.text
                                  and (cx.etype(hm) != "person" or "-" not in cx.entity_name(hm))):
                    hm = phrases.unmentioned_person(cx, h, part=True)  # one name of a joined mention
                if hm is not None and hm is not cm:
                    cx.made[h.i] = hm
                    args.subjects.append(h)


@rule("relative_participants", "noun-subject",
      "an event told by a relative clause on its noun: 'the trial at which X was convicted', "
      "'the meeting at which X spoke'",
      [("The trial at which Marcel Duroc was convicted opened in 1872.", [("trial", "duroc", "1872")]),
       ("In 1931 came the trial in which Ivan Petrov figured as the chief accused.",
        [("trial", "petrov", "1931")]),
       ("The meeting at which Anna Volkova spoke was held in 1924.", [("meeting", "volkova", "1924")])])
def relative_participants(cx: ParseContext, trig: Trigger, tok: Any, args: Args) -> None:
    if not args.subjects and trig.type in ("trial", "meeting"):
        args.subjects += extractor.relative_participants(cx, tok, trig.type)


@rule("bare_event", "noun-subject",
      "a bare event noun as the subject of a verb of occurring is the event of the person just "
      "talked about ('Execution followed in 1938'; 'death came to him')",
      [("Marcel Duroc was sentenced in May 1871. Execution followed in June 1871.",
        [("execution", "duroc", "1871-06")]),
       ("Ivan Petrov was sentenced in May 1937. Execution followed in June.", [("execution", "petrov", "1937-06")]),
       ("Boris Orlov was sentenced in March 1938. Execution followed in April 1938.",
        [("execution", "orlov", "1938-04")])])
def bare_event(cx: ParseContext, trig: Trigger, tok: Any, args: Args) -> None:
    if not args.subjects and coref.bare_event_noun(cx, tok):
        to = phrases.prep_objects(cx, tok.head, ["to"])
        args.subjects += to if to else [tok] if tok.i in cx.coref_map else []


@rule("actor_noun", "noun-subject",
      "an actor noun predicated of a subject: 'X became a member of Y', 'X, a member of Y'",
      [("Anna Volkova became a member of the Communist Party in 1920.", [("membership", "volkova", "1920")]),
       ("Marcel Duroc was a member of the Socialist League in 1905.", [("membership", "duroc", "1905")]),
       ("Ivan Petrov, a member of the Politburo, spoke first.", [("membership", "petrov", None)])])
def actor_noun(cx: ParseContext, trig: Trigger, tok: Any, args: Args) -> None:
    if trig.subject != "actor" or args.subjects:
        return
    if tok.dep_ == "attr":
        s = phrases.gsubject(cx, tok.head)
        if s is not None:
            args.subjects.append(s)
    elif tok.dep_ == "appos":
        args.subjects.append(tok.head)


@rule("title_noun", "noun-subject",
      "an actor noun worn as a title before a name ('the defector X', 'the former agent X') is a "
      "status of the person named; like an apposition ('X, a member of Y') it tells no time, so "
      "it takes only a date inside its own phrase, not the sentence's",
      [("In 1959 the former Soviet defector Pyotr Lanin was found dead in Vienna.",
        [("defection", "lanin", None), ("!defection", "lanin", "1959")]),
       ("The defector Emil Hartmann published his memoirs in Paris in 1950.", [("defection", "hartmann", None)]),
       ("Boris Orlov, a member of the Politburo, was arrested in 1938.",
        [("membership", "orlov", None), ("!membership", "orlov", "1938")]),
       ("In 1925 the Politburo member Ivan Petrov visited Kazan.",
        [("membership", "petrov+organization=politburo", None), ("!meeting", "petrov", None)])])
def title_noun(cx: ParseContext, trig: Trigger, tok: Any, args: Args) -> None:
    if trig.subject != "actor" or args.subjects or tok.i + 1 >= len(tok.doc):
        return
    nxt = tok.doc[tok.i + 1]  # the name right after the noun, however the parser joined them
    m = cx.mention_at(nxt)
    if m is not None and cx.etype(m) == "person" and nxt.i in {t.i for t in [tok.head, *tok.children, *nxt.children]} | {
            t.i for t in tok.sent if t.dep_ in ("compound", "appos", "nsubj", "nsubjpass")}:
        args.subjects.append(nxt)


@rule("state_noun", "noun-subject",
      "an event noun as the object of a preposition of state belongs to the clause's subject: "
      "'X was under arrest', 'X lived in exile'",
      [("By 1938 Ivan Petrov was under arrest.", [("arrest", "petrov", "1938")]),
       ("Marcel Duroc lived in exile after 1872.", [("exile", "duroc", None)]),
       ("In 1930 Anna Volkova was taken into exile.", [("exile", "volkova", "1930")])])
def state_noun(cx: ParseContext, trig: Trigger, tok: Any, args: Args) -> None:
    if args.subjects or tok.dep_ != "pobj" or trig.subject != "patient":
        return
    head = tok.head.head
    if trig.type in PREP_NOUNS.get(tok.head.lower_, ()) and verbish(head):
        s = phrases.gsubject(cx, head)
        if s is not None:
            args.subjects.append(s)


@rule("light_verb_object", "noun-subject",
      "an event noun as the object of a light verb is the verb's subject's event: 'X signed a "
      "confession', 'X held talks with Y', 'X attended the session'",
      [("On 3 May 1937 Ivan Petrov signed a confession.", [("testimony", "petrov", "1937-05-03")]),
       ("In March 1871 Marcel Duroc held talks with Louis Varlin.",
        [("meeting", "duroc", "1871-03"), ("meeting", "varlin", "1871-03")]),
       ("In 1952 Anna Volkova had a long conversation with Boris Orlov.", [("meeting", "volkova", "1952")])])
def light_verb_object(cx: ParseContext, trig: Trigger, tok: Any, args: Args) -> None:
    if args.subjects or tok.dep_ != "dobj" or tok.head.lemma_.lower() not in cx.lex.light_verbs:
        return
    s = phrases.gsubject(cx, tok.head)
    if s is not None and not extractor.is_passive_trigger(cx, tok.head):
        args.subjects.append(s)


# -- verbal triggers -------------------------------------------------------------------------


@rule("verb_actor", "verb-subject",
      "an actor trigger's event is its grammatical subject's ('X died', 'X joined Y'), through "
      "coordination and participles",
      [("Marcel Duroc died in Geneva in 1890.", [("death", "duroc", "1890")]),
       ("Anna Volkova joined the Communist Party in 1919.", [("membership", "volkova", "1919")]),
       ("Ivan Petrov left Moscow in 1925 and defected in 1930.", [("defection", "petrov", "1930")])])
def verb_actor(cx: ParseContext, trig: Trigger, tok: Any, args: Args) -> None:
    if trig.subject != "actor":
        return
    s = phrases.gsubject(cx, tok)
    if s is not None and not extractor.is_passive_trigger(cx, tok, trig):
        args.subjects.append(s)


@rule("verb_agent", "verb-subject",
      "a trigger whose event is its agent's: 'the commissariat, headed by X' is X's post",
      [("The Commune Council, headed by Louis Varlin, met in 1871.", [("appointment", "varlin", None)]),
       ("In 1930 the Writers' Union was headed by Anna Volkova.", [("appointment", "volkova", "1930")]),
       ("The Socialist League, headed by Marcel Duroc since 1880, split in 1884.", [("appointment", "duroc", None)])])
def verb_agent(cx: ParseContext, trig: Trigger, tok: Any, args: Args) -> None:
    if trig.subject == "agent" and extractor.is_passive_trigger(cx, tok, trig):
        args.subjects += phrases.agent_tokens(cx, tok)


@rule("verb_from", "verb-subject",
      "the thing a change starts from: 'the name was changed from X to Y'",
      [("In 1925 the name was changed from Tsaritsyn to Stalingrad.", [("renaming", "tsaritsyn", "1925")]),
       ("In 1961 the name of the city was changed from Stalingrad to Volgograd.", [("renaming", "stalingrad", "1961")]),
       ("In 1946 the name of the port was changed from Koenigsberg to Kaliningrad.",
        [("renaming", "koenigsberg", "1946")])])
def verb_from(cx: ParseContext, trig: Trigger, tok: Any, args: Args) -> None:
    if trig.subject == "from":
        args.subjects += phrases.prep_objects(cx, tok, ["from"])


@rule("passive_subject", "verb-subject",
      "a passive (or a past participle) tells its event of its subject, the by-phrase its agent: "
      "'X was arrested by Y', 'X, arrested in 1881'",
      [("Marcel Duroc was arrested by the police in 1871.", [("arrest", "duroc", "1871")]),
       ("Ivan Petrov, arrested in 1937, was never seen again.", [("arrest", "petrov", "1937")]),
       ("In 1936 Anna Volkova was expelled from the Writers' Union.", [("expulsion", "volkova", "1936")])])
def passive_subject(cx: ParseContext, trig: Trigger, tok: Any, args: Args) -> None:
    if trig.subject != "patient" or not extractor.is_passive_trigger(cx, tok, trig):
        return
    s = phrases.gsubject(cx, tok)
    if s is not None:
        args.subjects.append(s)
    args.agents += phrases.agent_tokens(cx, tok)


@rule("active_object", "verb-subject",
      "an active patient trigger tells its event of its object, its subject the agent: 'Y "
      "arrested X'; 'set up a section called X' names the object",
      [("The police arrested Marcel Duroc in 1871.", [("arrest", "duroc", "1871")]),
       ("In 1936 the Writers' Union expelled Anna Volkova.", [("expulsion", "volkova", "1936")]),
       ("Stalin appointed Ivan Petrov commissar of transport in 1935.", [("appointment", "petrov", "1935")])])
def active_object(cx: ParseContext, trig: Trigger, tok: Any, args: Args) -> None:
    if trig.subject != "patient" or extractor.is_passive_trigger(cx, tok, trig):
        return
    o = phrases.gobject(cx, tok)
    if o is None:
        return
    args.subjects.append(o)
    s = phrases.gsubject(cx, tok)
    if s is not None:
        args.exclude = {s.i}
        args.agents.append(s)
    for c in tok.children:  # "set up a section called X", parsed as a second verb
        if c.dep_ == "conj" and c.lemma_ in NAMING and not any(g.dep_ in SUBJ_DEPS for g in c.children):
            args.subjects += [g for g in c.children if g.dep_ in ("dobj", "oprd", "attr")]


# -- events that frame a clause ----------------------------------------------------------------

FRAMING_PREPS = {"at", "during"}


@rule("framing_event", "noun-subject",
      "an event noun that sets the scene of a clause ('At the trial on 3 May, X ...', 'During the "
      "talks, X ...') is the clause subject's event: any participant of a meeting; of a trial, the "
      "accused only, so the subject must be the document's subject, or do what an accused does, "
      "or undergo the clause's passive; the clause's negation does not deny the event that frames it",
      [("At the secret trial on 3 May 1872, Marcel Duroc pleaded guilty.", [("trial", "duroc", "1872-05-03")]),
       ("During the session of the council in June 1961, Emil Hartmann voted against the treaty.",
        [("meeting", "hartmann", "1961-06")]),
       ("At the trial on 9 June 1872, Marcel Duroc did not plead guilty.", [("trial", "duroc", "1872-06-09")]),
       ("At the conference of March 1921, Anna Volkova spoke against the platform.",
        [("meeting", "volkova", "1921-03")]),
       ("At the trial in 1938, the prosecutor Boris Orlov demanded death. At the trial Pyotr Lanin was convicted.",
        [("!trial", "orlov", None), ("trial", "lanin", None)])])
def framing_event(cx: ParseContext, trig: Trigger, tok: Any, args: Args) -> None:
    if any(phrases.expand(cx, t) for t in args.subjects) or trig.type not in ("trial", "meeting") or tok.dep_ != "pobj" \
            or tok.head.lower_ not in FRAMING_PREPS or any(c.dep_ == "poss" for c in tok.children):
        return
    verb = tok.head.head
    if tok.head.dep_ != "prep" or not verbish(verb):
        return
    s = phrases.gsubject(cx, verb)
    if s is None:
        return
    if trig.type == "trial" and not (verb.lemma_ in cx.lex.defendant_verbs or extractor.is_passive_trigger(cx, verb)
                                     or phrases.is_topic(cx, s)):
        return  # "At the trial, the prosecutor demanded death": not his trial
    args.subjects.append(s)
