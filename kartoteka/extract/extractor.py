"""Factoid extraction over one passage's dependency parse.

Triggers (lexicon.yaml) fire on lemmas; their arguments come from the parse: the (passive)
subject or object, an agent, an office, an organization, a place, a date attached to the
trigger's clause. Coordination ("X and Y were shot"), apposition, relative clauses ("X, who had
been arrested"), participles ("X, arrested in 1881") and shared subjects of coordinated verbs
("X was arrested and shot") all lead to the right entity. Each factoid also records who asserts
it (voice), and whether the assertion is hedged or negated.

The parts: this module (triggers, arguments and roles), ``coref`` (pronouns and group
references), ``dating`` (dates of events), ``stance`` (voice, hedges, negation, irrealis),
``counting`` (count factoids), ``syntax`` (shared word sets and token tests), ``state``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from kartoteka.analysis import Mention, Passage, Segment
from kartoteka.extract.arguments import FRAMING_PREPS, Args
from kartoteka.extract.bodyref import organization_pronouns
from kartoteka.extract.coref import CorefMixin
from kartoteka.extract.counting import CountingMixin
from kartoteka.extract.dating import DatingMixin
from kartoteka.extract.lexicon import Lexicon, Trigger
from kartoteka.extract.numbers import parse_number
from kartoteka.extract.rules import declare, of_kind, on
from kartoteka.extract.stance import StanceMixin, refused_offer
from kartoteka.extract.state import Candidate, DocState, EntityInfo
from kartoteka.extract.syntax import (
    GROUP_NOUNS,
    LEADING,
    LISTENER_PRONOUNS,
    NAMING,
    NUMERIC_ENTS,
    PERSON_PRONOUNS,
    REFLEXIVE,
    RELATIVE,
    SPACY_TYPES,
    SUBJ_DEPS,
    VERB_PREFIXES,
    WEEKDAYS,
    is_passive,
    needs_ok,
    nounish,
    parenthetical_participle,
    plural_body,
    verbish,
)
from kartoteka.resolve.keys import alias_key
from kartoteka.resolve.names import strip_titles

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

declare("participation_frame", "candidates",
        "an event noun that is all a verb of taking part is about ('took part in the murder of X "
        "near Y', 'was implicated in the kidnapping of X in Z') takes the verb's place as its own",
        [("Pyotr Lanin took part in the murder of Emil Hartmann in Lyon in 1932.",
          [("killing", "hartmann+place=lyon", "1932")]),
         ("The police implicated Louis Varlin in the assassination of Marcel Duroc in May 1871, on a road near Lausanne.",
          [("killing", "duroc+place=lausanne", "1871-05")]),
         ("Boris Orlov was involved in the kidnapping of Olga Brandt in 1937 on a street in Berlin.",
          [("kidnapping", "brandt+place=berlin", "1937")])])

declare("such_as_examples", "expand",
        "a group with examples named by 'such as' stands (also) for those people: 'generals such as "
        "X and Y were arrested' is X's and Y's arrest",
        [("Several generals, such as Ivan Petrov and Boris Orlov, were arrested in 1937.",
          [("arrest", "petrov", "1937"), ("arrest", "orlov", "1937")]),
         ("In 1871 the police arrested radicals such as Marcel Duroc.", [("arrest", "duroc", "1871")]),
         ("Writers such as Anna Volkova were expelled from the Writers' Union in 1936.",
          [("expulsion", "volkova", "1936")])])

declare("attributive_participle", "verb-subject",
        "a past participle before a noun, which the tagger takes for an adjective ('the exiled "
        "poet X', 'the arrested officers, such as X'), tells its event of that noun's people; it "
        "is a status, so it takes no date from the rest of the sentence",
        [("In 1950 the exiled poet Nadia Soret returned to Paris.", [("exile", "soret", None), ("!exile", "soret", "1950")]),
         ("The arrested officers, such as Ivan Petrov, were moved to Kazan.", [("arrest", "petrov", None)]),
         ("In 1932 Anna Volkova wrote to exiled writers such as Boris Orlov.", [("exile", "orlov", None)]),
         ("Olga Brandt helped the deported peasants and workers, such as Gleb Morozov, in 1931.",
          [("exile", "morozov", None)])])

declare("while_place", "candidates",
        "a clause of circumstance opened by 'while' gives the place of the main event when the "
        "event's own clause names none: 'while living in X, Y died'",
        [("On 3 May 1890, while living in Geneva, Marcel Duroc died.", [("death", "duroc+place=geneva", "1890-05-03")]),
         ("While staying in Vienna, Emil Hartmann was arrested in 1938.", [("arrest", "hartmann+place=vienna", "1938")]),
         ("Olga Brandt, while in exile in Kazan, hanged herself in 1941.", [("suicide", "brandt+place=kazan", "1941")])])

declare("symmetric_meeting", "candidates",
        "a meeting, talk or negotiation is an event of each participant, not only of the subject",
        [("In March 1871 Marcel Duroc met Louis Varlin in Lyon.", [("meeting", "varlin", "1871-03")]),
         ("In 1925 Emil Hartmann held talks with Pyotr Lanin.", [("meeting", "lanin", "1925")]),
         ("Anna Volkova negotiated with Boris Orlov in 1931.", [("meeting", "orlov", "1931")])])

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


declare("colon_list", "expand",
        "a list of names after a colon beyond the subject's verb, which the parser hangs on the "
        "subject as an apposition, names other people, not the subject again",
        [("Marcel Duroc was elected mayor in 1871 and named his deputies: Louis Varlin, Emil Hartmann.",
          [("election", "duroc", "1871"), ("!election", "varlin", None)]),
         ("Ivan Petrov was appointed director in 1935 and invited three colleagues: Boris Orlov, Gleb Morozov.",
          [("appointment", "petrov", "1935"), ("!appointment", "orlov", None)]),
         ("Anna Volkova was arrested in 1937 and named her accomplices: Olga Brandt, Nadia Soret.",
          [("arrest", "volkova", "1937"), ("!arrest", "brandt", None)])])

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

declare("part_of_body", "candidates",
        "joining a part of a body ('the left wing of X', 'the ranks of X', 'the Moscow section of "
        "X') is joining the body named around it",
        [("Louis Varlin joined the left wing of the Socialist League in 1869.",
          [("membership", "varlin+organization=socialist_league", "1869")]),
         ("In 1918 Ivan Petrov joined the ranks of the Red Army.",
          [("membership", "petrov+organization=red_army", "1918")]),
         ("Anna Volkova joined the Moscow section of the Communist Party in 1920.",
          [("membership", "volkova+organization=communist_party", "1920")])])

declare("event_placed_by_event", "date",
        "an event named to place another one in a year ('In 1925, after the death of X, Y was "
        "appointed') falls in that year too; not where the distance is told ('two years after')",
        [("In 1871, after the death of Marcel Duroc, Louis Varlin was elected mayor.", [("death", "duroc", "1871")]),
         ("In 1937, following the arrest of Ivan Petrov, Boris Orlov was appointed commissar.",
          [("arrest", "petrov", "1937")]),
         ("Emil Hartmann was freed in 1953, two years after the execution of Pyotr Lanin.",
          [("!execution", "lanin", "1953"), ("execution", "lanin", "1951")])])


def naming_targets(acl: Any) -> list[Any]:
    """The name a naming participle gives: "a man called X", "a unit known as Y"."""
    out = []
    for g in acl.children:
        if g.dep_ in ("oprd", "attr", "dobj", "xcomp") or (g.dep_ == "prep" and g.lower_ == "as"):
            out.append(next((x for x in g.children if x.dep_ == "pobj"), g) if g.dep_ == "prep" else g)
    return out


def factoid_id(doc: str, start: int, end: int, type_: str, subject: str | None, extra: str = "") -> str:
    h = hashlib.sha1(f"{doc}\x1f{start}\x1f{end}\x1f{type_}\x1f{subject}\x1f{extra}".encode()).hexdigest()
    return "f" + h[:15]


class PassageExtractor(CorefMixin, DatingMixin, StanceMixin, CountingMixin):
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
        self.coref_map: dict[int, Mention] = {}  # filled by the pass (which reads it as it stands)
        self.coref_map = self._coref_pass()
        self.coref_map.update(organization_pronouns(self))  # "it" for a body: bodyref.py
        self.dates = self._dates()
        self.quotes = self._quotes()
        self.inline = [(m.start(), m.end(), voice) for rx, voice in lex.inline_layers for m in rx.finditer(passage.body)]

    # -- entities ---------------------------------------------------------------------------

    def etype(self, m: Mention) -> str:
        t = self.info.type_of(m.entity_id) if m.entity_id else None
        return t or SPACY_TYPES.get(m.label, "other")

    def mention_at(self, tok: Any) -> Mention | None:
        return self.by_token.get(tok.i)

    def expand(self, tok: Any, depth: int = 0, exclude: set[int] | None = None,
               conjuncts: bool = True) -> list[tuple[Mention, float]]:
        """The mentions a noun phrase headed by ``tok`` stands for (conjuncts included unless
        ``conjuncts`` is false), each with a confidence factor: its own name, or what an unnamed
        phrase stands for, then the people it leads or includes, its conjuncts and appositions."""
        if depth > 6:
            return []
        m = self.own_mention(tok)
        if m is None and not self.pronoun_like(tok):
            whole = self.relative_reference(tok, depth)
            if whole is not None:
                return whole  # a relative pronoun stands for what its clause hangs on, and that only
        out = [(m, 1.0)] if m is not None else self.unnamed_phrase(tok, depth, exclude)
        if m is None or self.etype(m) != "person":
            out += self._led_or_included(tok, depth)
        for c in tok.children:
            if c.dep_ == "conj" and conjuncts:
                out += self.expand(c, depth + 1, exclude)
        if m is not None:
            out += self.same_thing(tok, m, depth)
        return out

    def own_mention(self, tok: Any) -> Mention | None:
        """The mention at ``tok``, or the one name of a hyphenated compound made for it."""
        m = self.mention_at(tok)
        if self.made.get(tok.i) is not None and (m is None or "-" in m.text):
            m = self.made[tok.i]
        return m

    def pronoun_like(self, tok: Any) -> bool:
        return tok.lower_ in PERSON_PRONOUNS or tok.i in self.coref_map

    def relative_reference(self, tok: Any, depth: int) -> list[tuple[Mention, float]] | None:
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
            while prev > tok.sent.start and self.doc[prev].is_punct:
                prev -= 1
            pm = self.mention_at(self.doc[prev]) if low in ("who", "whom") and prev < tok.i else None
            if pm is not None and self.etype(pm) == "person" and not plural and self.mention_at(verb.head) is not pm:
                return [(pm, 0.9)]  # "Uritsky, who had been appointed", whatever the clause hangs on
            return self.expand(verb.head, depth + 1, conjuncts=plural)
        if low == "whose":  # "X, whose execution was announced": up to the relative clause
            for a in tok.ancestors:
                if a.dep_ == "relcl":
                    return self.expand(a.head, depth + 1)
        return None

    def unnamed_phrase(self, tok: Any, depth: int, exclude: set[int] | None) -> list[tuple[Mention, float]]:
        """What a phrase with no name of its own stands for: a pronoun's person, a name the
        tagger missed, a counted group, or the names its dependents give."""
        if self.pronoun_like(tok):
            ante = self._coref(tok, exclude)
            return [(ante, 0.8)] if ante is not None else []
        if tok.lower_ == "whose":
            return []  # "whose" hanging on no relative clause stands for no one
        um = self.unmentioned_person(tok)
        if um is not None:
            return [(um, 0.8)]
        group = self.counted_group(tok)
        if group:
            # each member's factoid is inferred from the group's
            return [(replace(gm, features={**gm.features, "inferred_from_group": True}), 0.75) for gm in group]
        return [x for c in tok.children for x in self.dependent_names(tok, c, depth)]

    def dependent_names(self, tok: Any, c: Any, depth: int) -> list[tuple[Mention, float]]:
        """The people (or body) one dependent ``c`` of an unnamed noun names for the phrase."""
        if self.name_before_title(tok, c):
            return self.titled_name(tok, c, depth)
        if c.dep_ == "appos":
            return self.expand(c, depth + 1)
        if c.dep_ == "nmod" and c.i < tok.i:
            # "X, Y, and other officials" parsed as modifiers of the group noun
            return [(mm, f * 0.9) for mm, f in self.expand(c, depth + 1)]
        if c.dep_ == "acl" and c.lemma_ in NAMING:  # "a man called X"
            return [(mm, f * 0.9) for tgt in naming_targets(c) for mm, f in self.expand(tgt, depth + 1)]
        if c.dep_ == "prep" and c.lower_ == "of" and tok.pos_ == "PROPN" and tok.lemma_.lower() in self.lex.org_heads:
            # "the Administration of Special Tasks": the name is the whole phrase
            found = [self.mention_at(pobj) for pobj in c.children if pobj.dep_ == "pobj"]
            return [(pm, 0.9) for pm in found if pm is not None and self.etype(pm) == "organization"]
        if c.dep_ == "prep" and c.lower_ == "by" and any(x.lemma_ == "name" for x in c.children):
            # "a poet by the name of X"
            return [(mm, f * 0.9) for name in c.children for pobj in self.prep_objects(name, ["of"])
                    for mm, f in self.expand(pobj, depth + 1)]
        if c.dep_ == "prep" and c.lower_ == "of" and tok.lemma_ in GROUP_NOUNS:
            # "a batch of eight leaders, headed by X"
            return [(mm, f * 0.9) for pobj in c.children if pobj.dep_ == "pobj" for mm, f in self.expand(pobj, depth + 1)]
        return []

    def name_before_title(self, tok: Any, c: Any) -> bool:
        """"Yezhov commissar of ...": a name compounded before a title; "the North Caucasus
        Territory" (but not "the Stakhanov movement")."""
        return c.dep_ == "compound" and self.mention_at(c) is not None and nounish(tok) and tok.tag_ not in ("NNS", "NNPS") \
            and (tok.lemma_.lower() in self.lex.person_nouns
                 or (tok.pos_ == "PROPN" and tok.text.istitle() and self.etype(self.mention_at(c)) != "person"))

    def titled_name(self, tok: Any, c: Any, depth: int) -> list[tuple[Mention, float]]:
        out = [(mm, f * 0.85) for mm, f in self.expand(c, depth + 1)]
        # "X commissar of A and Y commissar of B", the second title hung on A
        for pobj in self.prep_objects(tok, ["of"]):
            for t2 in pobj.children:
                if t2.dep_ == "conj" and t2.lemma_.lower() == tok.lemma_.lower():
                    out += self.expand(t2, depth + 1)
        return out

    def same_thing(self, tok: Any, m: Mention, depth: int) -> list[tuple[Mention, float]]:
        """An apposition names the same thing, so it is of the same type (not a list after a colon)."""
        out: list[tuple[Mention, float]] = []
        for c in tok.children:
            cm = self.mention_at(c)
            if c.dep_ == "appos" and cm is not None and self.etype(cm) == self.etype(m) and not self.detached_list(tok, c):
                out += self.expand(c, depth + 1)
        return out

    def detached_list(self, tok: Any, appos: Any) -> bool:
        """A name the parser hung on a subject as its apposition from beyond the subject's verb,
        after a colon ("X was appointed and named his aides: A, B"): a list of others, not X."""
        return on("colon_list") and tok.dep_ in SUBJ_DEPS and tok.i < tok.head.i < appos.i \
            and any(t.text == ":" for t in self.doc[tok.head.i:appos.left_edge.i])

    def such_as(self, prep: Any) -> bool:
        """"Generals such as X and Y": the examples named are of the group."""
        return prep.lower_ == "as" and on("such_as_examples") and any(
            c.lower_ == "such" for c in [*prep.children, *(prep.doc[prep.i - 1:prep.i])])

    def is_topic(self, tok: Any) -> bool:
        """Whether the noun phrase at ``tok`` stands for the person the document is about."""
        topic = self.state.topic
        return topic is not None and any(m.entity_id == topic.entity_id for m, _ in self.expand(tok))

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
        n = self.group_size(tok)
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

    def group_size(self, tok: Any) -> int | None:
        """The size a group phrase states: "the eight chiefs", "these three men", and as a subject
        a bare number or "both" ("the seven were shot", "both were exonerated")."""
        det = any(c.dep_ == "det" and c.lower_ in ("the", "these", "those", "all") for c in tok.children)
        if tok.tag_ == "NNS" and tok.lemma_.lower() in self.lex.person_nouns and det:
            num = next((c for c in tok.children if c.dep_ == "nummod"), None)
            return parse_number(num.text) if num is not None else None
        if not on("bare_group") or tok.dep_ not in SUBJ_DEPS:
            return None
        if tok.lower_ == "both" and tok.pos_ in ("PRON", "DET", "NOUN"):
            return 2
        if tok.pos_ == "NUM" and det and not any(c.dep_ == "prep" for c in tok.children):
            return parse_number(tok.text)
        return None

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
            elif c.dep_ == "prep" and (c.lower_ in ("including", "among") or self.such_as(c)):
                for pobj in c.children:
                    if pobj.dep_ == "pobj":
                        out += [(mm, f * 0.85) for mm, f in self.expand(pobj, depth + 1)]
        return out

    # -- the parse around a trigger -----------------------------------------------------------

    def gsubject(self, v: Any, depth: int = 0) -> Any | None:
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
            return self.gsubject(v.head, depth + 1)
        if v.dep_ in ("acl", "amod", "appos") and (v.tag_ in ("VBN", "VBD", "VBG") or self.attributive(v)):
            return v.head if nounish(v.head) else None
        if v.dep_ == "advcl" and (v.tag_ in ("VBN", "VBG") or self.chained_passive(v) is not None) and verbish(v.head):
            return self.gsubject(v.head, depth + 1)
        if v.dep_ == "xcomp" and verbish(v.head):
            # "forced X to work": the object before the verb controls it; "began working for A,
            # the forerunner of B" (a stray object after it) does not
            obj = next((c for c in v.head.children if c.dep_ == "dobj" and c.i < v.i), None)
            return obj if obj is not None else self.gsubject(v.head, depth + 1)
        if v.dep_ == "relcl":
            return v.head
        return None

    def gobject(self, v: Any, depth: int = 0) -> Any | None:
        for c in v.children:
            if c.dep_ in ("dobj", "dative"):
                return c
        if v.dep_ == "conj" and verbish(v.head) and depth < 4 and not is_passive(v.head):
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

    # -- voice, hedging, negation --------------------------------------------------------------


    def entity_name(self, m: Mention) -> str:
        return (self.info.name_of(m.entity_id) if m.entity_id else None) or m.text

    # -- the triggers --------------------------------------------------------------------------

    def run(self) -> list[Candidate]:
        out: list[Candidate] = []
        by_lemma = self.lex.by_lemma
        for sent in self.doc.sents:
            for tok in sent:
                trigs = by_lemma.get(tok.lemma_.lower()) or by_lemma.get(tok.lower_) or self.participle_triggers(tok)
                if not trigs:
                    continue
                for trig in trigs:
                    if trig.is_noun:
                        if not nounish(tok):
                            continue
                    elif not (verbish(tok) or ("ADJ" in trig.pos and tok.pos_ == "ADJ") or self.attributive(tok)):
                        continue
                    out += self.apply(trig, tok, sent)
            self._remember(sent)
        out += self.counts()
        return out

    def attributive(self, tok: Any) -> bool:
        """A past participle tagged as an adjective before its noun: "the exiled poet", "the
        executed marshals" (only the words ending in -ed, the regular participles)."""
        return tok.pos_ == "ADJ" and tok.dep_ == "amod" and tok.lower_.endswith("ed") and tok.head.i > tok.i \
            and nounish(tok.head) and on("attributive_participle")

    def participle_triggers(self, tok: Any) -> list[Trigger]:
        """The verbal triggers of an attributive participle the tagger took for an adjective."""
        if not self.attributive(tok):
            return []
        by_lemma, low = self.lex.by_lemma, tok.lower_
        for stem in (low[:-1], low[:-2], low[:-3]):  # exiled, arrested, (re)deported, banned -> ban
            trigs = [t for t in by_lemma.get(stem, ()) if not t.is_noun and t.subject == "patient"]
            if trigs:
                return trigs
        return []

    def _remember(self, sent: Any) -> None:
        for t in sent:
            m = self.mention_at(t)
            if m is None and self.unnamed_subject(t):
                self.state.last_subject = None
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
        """The candidates one trigger token gives: its gates, its arguments (the registered
        subject rules), its roles and dates, one candidate per subject (and partner)."""
        if not self.admissible(trig, tok):
            return []
        given = self.given_object(tok, trig) if trig.object_nouns else None
        if trig.object_nouns and given is None:
            return []
        args = self.arguments(trig, tok)
        if not args.subjects:
            return []
        subjects_ok = self.subjects_of(trig, tok, args)
        if not subjects_ok:
            return []
        seen = {m.entity_id for m, _ in subjects_ok if m.entity_id}
        agents = [m for at in args.agents for m, _ in self.expand(at)
                  if m.entity_id and self.etype(m) in ("person", "organization") and m.entity_id not in seen]
        office_tok = given if given is not None else self.office_token(tok, trig) if trig.office else None
        if office_tok is not None and trig.type in ("appointment", "election") and self.naming_not_office(trig, office_tok):
            return []
        office_text = self.phrase(office_tok) if office_tok is not None else None
        org_ids = self.organizations(tok, trig, office_tok, office_text)
        if trig.requires_org and not org_ids:
            return []  # a member of what? appeared before whom?
        successors: list[Mention] = []
        if trig.by == "successor":
            successors, agents = agents, []
        roles = self.roles(trig, tok, seen, agents, successors, office_text, org_ids)
        if trig.requires_other and not roles.get("other") and len(subjects_ok) < 2 and not self.pronoun_listener(trig, tok):
            return []  # talks with whom? received whom? ("X and Y held talks": each other)
        ev = self.event_frame(trig, tok, sent, args.subjects)
        out = self.candidates(trig, tok, subjects_ok, roles, office_tok, ev)
        if trig.partner and not ev["negated"]:
            out += self.partners(trig, tok, subjects_ok, successors, roles, seen, ev)
        if trig.type == "meeting" and on("symmetric_meeting"):
            out += self.other_participants(trig, tok, subjects_ok, roles, ev)
        if trig.office and trig.type in ("appointment", "election") and on("coordinated_offices"):
            out += self.further_offices(trig, tok, sent, subjects_ok, ev)
        return out

    def further_offices(self, trig: Trigger, tok: Any, sent: Any, subjects_ok: list[tuple[Mention, float]],
                        ev: dict[str, Any]) -> list[Candidate]:
        """"X was appointed commissar in 1934 and a marshal in 1935": the second office, hung
        on the verb as a conjunct, is a second appointment with its own date."""
        out = []
        for c in tok.children:
            if c.dep_ != "conj" or not nounish(c) or self.mention_at(c) is not None \
                    or c.lemma_.lower() not in self.lex.person_nouns or any(g.dep_ in SUBJ_DEPS for g in c.children):
                continue
            own = {t.i for t in c.subtree} | self.trailing_dates(tok, c)
            dated = [(span, value) for _, value, span in self.dates
                     if span is not None and value is not None and value.start and span.root.i in own]
            if not dated:
                continue  # no date of its own: the first office's factoid covers the sentence
            date, dconf = dated[0][1], 1.0
            cut = {t.i for span, _ in dated for t in span} | {span.root.head.i for span, _ in dated if span.root.dep_ == "pobj"}
            toks = [t for t in c.subtree if t.i not in cut]
            office = self.doc[toks[0].i:toks[-1].i + 1].text.strip(" ,;:.") if toks else self.phrase(c)
            orgs = self.organizations(c, trig, c, office)
            for m, f in subjects_ok:
                roles = {"subject": m.entity_id, "office": office}
                if orgs:
                    roles["organization"] = orgs[0]
                out.append(Candidate(trig.type, m, ev["span"], roles, date, None, ev["voice"], ev["hedged"], ev["negated"],
                                     round(trig.confidence * f * dconf * 0.95, 3), dict(ev["attrs"], own_event=True)))
        return out

    def trailing_dates(self, verb: Any, conj: Any) -> set[int]:
        """The date phrases the parser hung on the verb after a conjoined office and before the
        next one: "appointed A in 1934 and B in 1935" with "in 1935" on "appointed"."""
        nxt = min((c.i for c in verb.children if c.dep_ == "conj" and c.i > conj.i), default=len(self.doc))
        out: set[int] = set()
        for c in verb.children:
            if c.dep_ == "prep" and conj.i < c.i < nxt and c.lower_ in ("in", "on", "from", "since"):
                out |= {t.i for t in c.subtree}
        return out

    def other_participants(self, trig: Trigger, tok: Any, subjects_ok: list[tuple[Mention, float]],
                           roles: dict[str, Any], ev: dict[str, Any]) -> list[Candidate]:
        """A meeting is each participant's: "X held talks with Y" is Y's meeting with X too."""
        out = []
        for eid in roles.get("other", []):
            if self.info.type_of(eid) != "person":
                continue
            m = next((mm for _, mm in self.ordered if mm.entity_id == eid), None)
            if m is None:
                continue
            own = {k: v for k, v in roles.items() if k in ("place",)}
            own.update(subject=eid, other=[x.entity_id for x, _ in subjects_ok])
            out.append(Candidate(trig.type, m, ev["span"], own, ev["date"], None, ev["voice"], ev["hedged"],
                                 ev["negated"], round(trig.confidence * 0.9 * ev["dconf"], 3), dict(ev["attrs"])))
        return out

    def admissible(self, trig: Trigger, tok: Any) -> bool:
        """The trigger's own conditions (lexicon data) and the registered gates."""
        if tok.lower_ in trig.not_forms or (trig.rule is not None and not on(trig.rule)):
            return False
        if on("compound_adjective") and tok.i > 1 and self.doc[tok.i - 1].text in ("-", "\u2010") \
                and not self.doc[tok.i - 1].whitespace_ and self.doc[tok.i - 2].lower_ not in VERB_PREFIXES:
            return False  # part of a compound adjective: "peasant-born", "foreign-trained" (not "re-elected")
        passive = self.is_passive_trigger(tok, trig) if not trig.is_noun else False
        if (trig.voice == "passive" and not passive) or (trig.voice == "active" and passive):
            return False
        if trig.needs and not any(needs_ok(tok, steps) for steps in trig.needs):
            return False
        if trig.object:
            obj = self.gobject(tok)
            refl = obj is not None and obj.lower_ in REFLEXIVE
            if (trig.object == "reflexive") != refl:
                return False
        if trig.type == "birth" and tok.lower_ == "born" and on("birth_name") and 0 < tok.i < len(self.doc) - 1 \
                and self.doc[tok.i - 1].text in (",", "(") \
                and self.doc[tok.i + 1].pos_ == "PROPN" and self.mention_at(self.doc[tok.i + 1]) is not None:
            return False  # "X, born Y": the name she was born with
        if trig.type == "meeting" and not trig.is_noun and on("honour_received") and self.honour_object(tok):
            return False  # "received the Order of X": a distinction, not a visitor
        return not (on("irrealis") and self.irrealis(tok))

    def honour_object(self, tok: Any) -> bool:
        """Whether the verb's direct object is a distinction ("the Order of X", "a medal"): its
        head noun, or a word of a name like "Order of Lenin" or "Legion of Honour"."""
        obj = self.gobject(tok)
        if obj is None:
            return False
        if obj.pos_ != "PROPN":
            return obj.lemma_.lower() in self.lex.honour_nouns
        return any(t.lemma_.lower() in self.lex.honour_nouns for t in obj.subtree)

    def is_passive_trigger(self, tok: Any, trig: Trigger | None = None) -> bool:
        """Passive voice, a chained predicate included for events that happen to someone ("X was
        arrested and died" keeps "died" active)."""
        if is_passive(tok) or self.attributive(tok):
            return True
        return (trig is None or trig.subject == "patient") and self.chained_passive(tok) is not None

    def chained_passive(self, tok: Any) -> Any | None:
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
            if v.dep_ == "advcl" and not (v.i > 0 and self.doc[v.i - 1].text == ","):
                return None  # a list of predicates, not "X was arrested when he returned"
            v = v.head
            if is_passive(v):
                return v
        return None

    def arguments(self, trig: Trigger, tok: Any) -> Args:
        """Subject and agent tokens, from the registered rules of the trigger's kind."""
        args = Args()
        for r in of_kind("noun-subject" if trig.is_noun else "verb-subject"):
            assert r.fn is not None
            r.fn(self, trig, tok, args)
        if trig.is_noun:
            args.agents += self.prep_objects(tok, ["by"])
        return args

    def subjects_of(self, trig: Trigger, tok: Any, args: Args) -> list[tuple[Mention, float]]:
        """The mentions the subject tokens stand for, of the types the trigger allows, once each."""
        subjects: list[tuple[Mention, float]] = []
        members: set[str] = set()  # bodies named as the group of their members ("the Chartists were arrested")
        for st in args.subjects:
            # "X, arrested on D, and Y": the participle is X's alone
            # ("the exiled officers and diplomats": a participle before the nouns is of them all)
            own_only = tok.dep_ in ("acl", "amod") and st.i == tok.head.i and not (tok.i < st.i and on("attributive_participle"))
            found = self.expand(st, exclude=args.exclude, conjuncts=not own_only)
            if "person" in trig.subjects and plural_body(st):
                members |= {m.entity_id for m, _ in found if m.entity_id and self.etype(m) == "organization"}
            subjects += found
        allowed = set(trig.subjects)
        seen: set[str] = set()
        out = []
        for m, f in subjects:
            if not m.entity_id or m.entity_id in seen:
                continue
            et = self.etype(m)
            if et not in allowed and not (not self.info.linked(m.entity_id) and SPACY_TYPES.get(m.label) in allowed) \
                    and m.entity_id not in members:
                continue
            seen.add(m.entity_id)
            out.append((m, f))
        return out

    def pronoun_listener(self, trig: Trigger, tok: Any) -> bool:
        """"X told them": a personal pronoun object is someone X spoke to, named or not."""
        o = self.gobject(tok)
        return trig.pronoun_other and o is not None and o.lower_ in LISTENER_PRONOUNS

    def naming_not_office(self, trig: Trigger, office_tok: Any) -> bool:
        """"A man named X", "a sister named Margaret": naming, not an office."""
        om = self.mention_at(office_tok) or self.unmentioned_person(office_tok)
        if om is not None and self.etype(om) == "person":
            return True
        return trig.lemma in NAMING and office_tok.pos_ == "PROPN" and office_tok.lemma_.lower() not in self.lex.person_nouns \
            and not any(t.lemma_.lower() in self.lex.person_nouns for t in office_tok.subtree)

    def roles(self, trig: Trigger, tok: Any, seen: set[str], agents: list[Mention], successors: list[Mention],
              office_text: str | None, org_ids: list[str]) -> dict[str, Any]:
        roles: dict[str, Any] = {}
        others = []
        for spec in trig.other:
            if spec == "dobj":
                o = self.gobject(tok)
                toks = [o] if o is not None else []
            else:
                toks = self.prep_objects(tok, [spec.split(":", 1)[1]])
                if self.light_verb_object(trig, tok):
                    toks += self.prep_objects(tok.head, [spec.split(":", 1)[1]])  # "held talks with X"
            # a participant is someone (a person or a body): "visited Kazan" is no meeting
            others += [m.entity_id for t in toks for m, _ in self.expand(t) if m.entity_id and m.entity_id not in seen
                       and self.etype(m) in ("person", "organization")]
        if agents:
            roles["agent"] = agents[0].entity_id
        if office_text:
            roles["office"] = office_text
        if org_ids:
            roles["organization"] = org_ids[0]
        place = self.place(tok, seen)
        if place:
            roles["place"] = place
        others = [m.entity_id for m in successors] + others
        if others:
            roles["other"] = list(dict.fromkeys(others))
        return roles

    def event_frame(self, trig: Trigger, tok: Any, sent: Any, subj_toks: list[Any]) -> dict[str, Any]:
        """What every candidate of one trigger shares: date, stance, sentence span, attributes."""
        excluded = self.clausal_parts(subj_toks, tok)
        # only some kinds of event take the date of the sentences before: an execution or a trial
        # told after an arrest happened later ("X was arrested in April. ... X was executed.")
        infer = trig.type in self.lex.infer_types or (trig.is_noun and self.announced(tok))
        anchor = tok.head if self.light_verb_object(trig, tok) else tok  # "signed a confession on D"
        if self.worn_title(trig, tok):  # "the defector X", "X, a member of Y": no time of its own
            excluded = excluded | ({t.i for t in sent} - {t.i for t in tok.subtree})
            infer = False
        date, dconf = self.date_for(anchor, sent, excluded, infer=infer)
        span = self.sentence_span(sent)
        attrs: dict[str, Any] = {"trigger": tok.text}
        new_name = self.new_name(tok) if trig.new_name else None
        if new_name:
            attrs["new_name"] = new_name
        return {"date": date, "dconf": dconf, "span": span, "hedged": self.hedged(tok, sent),
                "negated": (self.negated(tok) and not self.framing(trig, tok)) or refused_offer(self, tok), "voice": self.voice_for(tok, sent, self.p.to_stored(*span)),
                "attrs": attrs}

    def framing(self, trig: Trigger, tok: Any) -> bool:
        """An event noun that sets the scene ("At the trial, X did not answer"): the clause's
        negation denies what was done in it, not the event."""
        return trig.is_noun and on("framing_event") and tok.dep_ == "pobj" and tok.head.lower_ in FRAMING_PREPS \
            and tok.head.i < tok.head.head.i

    def worn_title(self, trig: Trigger, tok: Any) -> bool:
        nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
        named = nxt is not None and self.mention_at(nxt) is not None  # "the defector X"
        if self.attributive(tok):
            return True  # "the exiled poet X": a status, told at no time of its own
        return trig.is_noun and trig.subject == "actor" and (tok.dep_ in ("compound", "appos") or named) \
            and on("title_noun")

    def light_verb_object(self, trig: Trigger, tok: Any) -> bool:
        return trig.is_noun and tok.dep_ == "dobj" and tok.head.lemma_.lower() in self.lex.light_verbs \
            and not self.prep_objects(tok, ["of"])

    def candidates(self, trig: Trigger, tok: Any, subjects_ok: list[tuple[Mention, float]], roles: dict[str, Any],
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
                own.update(self.own_office(m, office_tok, trig))
                own = {k: v for k, v in own.items() if v is not None}
            # a denied suicide or execution is no denied death: "did not commit suicide, but was slain"
            if m.features.get("inferred_from_group"):
                attrs["inferred"] = "group"
            for typ in (trig.type,) if ev["negated"] else (trig.type, *trig.also):
                c = Candidate(typ, m, ev["span"], dict(own), date, None, ev["voice"], ev["hedged"], ev["negated"],
                              round(conf if typ == trig.type else conf * 0.95, 3), dict(attrs))
                if date is not None and date.inferred:
                    c.attrs["date_inferred"] = True
                out.append(c)
        return out

    def partners(self, trig: Trigger, tok: Any, subjects_ok: list[tuple[Mention, float]], successors: list[Mention],
                 roles: dict[str, Any], seen: set[str], ev: dict[str, Any]) -> list[Candidate]:
        """The other party of a succession: "X was replaced by Y" is Y's appointment too."""
        if not on("succession_partner"):
            return []
        partners: list[Mention] = list(successors)
        if trig.lemma == "succeed":
            o = self.gobject(tok)
            partners = [m for m, _ in self.expand(o)] if o is not None else []
        out = []
        for pm in partners:
            if not pm.entity_id or self.etype(pm) != "person" or pm.entity_id in seen:
                continue
            proles = {k: v for k, v in roles.items() if k in ("office", "organization")}
            proles["subject"] = pm.entity_id
            proles["other"] = [m.entity_id for m, _ in subjects_ok]
            out.append(Candidate(trig.partner or "", pm, ev["span"], proles, ev["date"], None, ev["voice"], ev["hedged"],
                                 False, round(trig.confidence * 0.85 * ev["dconf"], 3), {"trigger": tok.text}))
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
        chain = {c.i for c in office_tok.subtree if c.dep_ == "conj" and nounish(c)}
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
                named = [c for c in job.head.children if c.dep_ == "appos" and c.i != job.i and nounish(c)
                         and self.mention_at(c) is None]
                named += [t for t in job.head.subtree if t.i < job.i and nounish(t) and self.mention_at(t) is None
                          and t.lemma_.lower() in self.lex.person_nouns][-1:]  # "X, by then commissar of Y (a post ...)"
                if self.mention_at(job.head) is None and nounish(job.head):
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
            if r.dep_ != "relcl" or not verbish(r):
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
        came between: "a report of the kidnapping at noon, Friday, 3 May, of General X"."""
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
                if t.dep_ in ("relcl", "acl", "advcl") or (t.dep_ == "appos" and verbish(t)):
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
        o = self.gobject(tok)
        if o is not None and self.mention_at(o) is None and any(
                c.dep_ == "compound" and self.mention_at(c) is not None for c in o.children):
            return o
        if o is not None:
            for c in o.children:
                if c.dep_ in ("appos", "npadvmod", "oprd", "attr") and self.mention_at(c) is None and c.i > o.i:
                    return c
            nxt = o.doc[o.i + 1] if o.i + 1 < len(o.doc) else None
            if nxt is not None and nxt.dep_ in ("dobj", "npadvmod", "oprd", "conj", "ccomp", "xcomp") and nxt.head.i == tok.i and nounish(nxt):
                return nxt
        return None

    def organizations(self, tok: Any, trig: Trigger, office_tok: Any | None, office_text: str | None) -> list[str]:
        toks: list[Any] = []
        src = trig.org
        if src == "object":
            o = self.gobject(tok)
            toks = [o] if o is not None else []
            if o is not None and self.mention_at(o) is None and on("part_of_body"):
                # "joined the left faction of the party", "joined the ranks of the Red Army": the
                # body named around a part of it (the whole first, then the part's own name)
                toks += self.prep_objects(o, ["of"]) + [c for c in o.children if c.dep_ == "compound"]
        elif src in ("from", "with", "before", "of", "for", "in"):
            toks = self.prep_objects(tok, [src])
        elif src == "compound":  # "the Politburo member X": the body named before the title
            toks = [c for c in tok.children if c.dep_ == "compound" and c.i < tok.i]
        elif src == "patient":  # "the commissariat, headed by X": what the passive is about
            s = self.gsubject(tok)
            toks = [s] if s is not None else []
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
            if m is not None and m.entity_id and self.etype(m) == "organization" and m.entity_id not in ids \
                    and alias_key(self.entity_name(m)) not in self.lex.person_nouns:  # not a title taken for a body
                ids.append(m.entity_id)
        if not ids and office_text:
            for rx, org in self.lex.office_orgs:
                if rx.search(office_text):
                    eid = self.info.lookup(org)
                    if eid:
                        ids.append(eid)
                        break
        if not ids and self.body_post(trig, office_tok):
            ids.append(self.state.body)  # "appointed as director" in an article on a body: its director
        return ids

    def body_post(self, trig: Trigger, office_tok: Any | None) -> bool:
        """A bare post ("director", "chairman": no body of its own) in an article about a body."""
        return self.state.body is not None and office_tok is not None and trig.type in ("appointment", "election") \
            and office_tok.lemma_.lower() in self.lex.body_posts and on("topic_body_office") \
            and not any(c.dep_ in ("prep", "compound", "poss") for c in office_tok.children)

    def place(self, tok: Any, skip: set[str]) -> str | None:
        own = self.own_clause(tok)
        frame = self.participation_verb(tok)
        if frame is not None:
            own = own | self.own_clause(frame)
        found = self.place_in(tok, own, skip)
        if found is None and on("while_place"):
            for c in tok.children:  # "while living in X, Y died": where the subject was then
                if c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ == "while" for g in c.children):
                    found = self.place_in(c, self.own_clause(c), skip)
                    if found is not None:
                        break
        return found

    def place_in(self, tok: Any, own: set[int], skip: set[str]) -> str | None:
        """The nearest place in the token set ``own`` attached by a locative preposition."""
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

    def participation_verb(self, tok: Any) -> Any | None:
        """The verb an event noun is the whole content of: "took part in the murder of X near Y",
        "implicated in the storming of Z in 1792": the verb's circumstances are the event's."""
        if not on("participation_frame") or not nounish(tok) or tok.dep_ != "pobj" or tok.head.lower_ != "in":
            return None
        verb = tok.head.head
        return verb if tok.head.dep_ == "prep" and verbish(verb) and verb.lemma_.lower() not in self.lex.by_lemma else None

    def new_name(self, tok: Any) -> str | None:
        for c in tok.children:
            if c.dep_ in ("oprd", "attr", "xcomp", "dobj") and self.mention_at(c) is not None:
                return self.phrase(c)
        for pobj in self.prep_objects(tok, ["to", "as", "into"]):
            return self.phrase(pobj)
        return None

    # -- counts ----------------------------------------------------------------------------------


