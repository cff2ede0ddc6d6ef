"""Loading the trigger lexicon (lexicon.yaml) into lookup structures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from kartoteka import yamldata
from kartoteka.nlp.namecues import name_cues
from kartoteka.resolve.keys import translit_key

Step = tuple[frozenset[str], frozenset[str]]  # (deps, lemmas); "*" in either means any


@dataclass(frozen=True)
class Trigger:
    type: str
    lemma: str
    pos: tuple[str, ...]
    subject: str = "patient"  # patient, actor, from
    voice: str = "any"  # any, passive, active
    needs: tuple[tuple[Step, ...], ...] = ()
    object: str | None = None  # reflexive, noreflexive
    office: bool = False
    org: str | None = None  # office, object, from, of, with, before
    by: str = "agent"  # agent, successor
    partner: str | None = None
    subjects: tuple[str, ...] = ("person",)
    also: tuple[str, ...] = ()
    other: tuple[str, ...] = ()
    new_name: bool = False
    not_forms: frozenset[str] = frozenset()
    object_nouns: frozenset[str] = frozenset()  # the thing given must be one of these ("a post")
    requires_org: bool = False
    requires_other: bool = False
    pronoun_other: bool = False  # a pronoun object is the other party even with no referent ("told them")
    rule: str | None = None  # the registered rule (extract.rules) the trigger belongs to: off with it
    confidence: float = 0.9

    @property
    def is_noun(self) -> bool:
        return "NOUN" in self.pos


def _steps(spec: str) -> tuple[Step, ...]:
    out = []
    for part in spec.split(">"):
        dep, _, lemma = part.partition(":")
        out.append((frozenset(dep.split("|")), frozenset((lemma or "*").split("|"))))
    return tuple(out)


@dataclass
class Lexicon:
    by_lemma: dict[str, list[Trigger]]
    office_orgs: list[tuple[re.Pattern[str], str]]
    count: dict[str, Any]
    speech_verbs: frozenset[str]
    according_to: frozenset[str]
    min_quote_words: int
    inline_layers: list[tuple[re.Pattern[str], str]]
    layer_voices: dict[str, str]
    hedge_words: frozenset[str]
    hedge_phrases: tuple[str, ...]
    neg_deps: frozenset[str]
    neg_words: frozenset[str]
    neg_heads: frozenset[str]
    irrealis_heads: frozenset[str]
    irrealis_modals: frozenset[str]
    infer_dates: bool
    person_nouns: frozenset[str] = frozenset()
    org_heads: frozenset[str] = frozenset()
    occurrence_verbs: frozenset[str] = frozenset()
    announcing: frozenset[str] = frozenset()
    date_blockers: frozenset[str] = frozenset()
    trial_nouns: frozenset[str] = frozenset()
    decree_nouns: frozenset[str] = frozenset()
    hold_verbs: frozenset[str] = frozenset()
    prior_adjectives: frozenset[str] = frozenset()
    relational_preps: frozenset[str] = frozenset()
    duration_nouns: frozenset[str] = frozenset()
    day_part_nouns: frozenset[str] = frozenset()
    honour_nouns: frozenset[str] = frozenset()
    source_nouns: frozenset[str] = frozenset()
    offer_verbs: frozenset[str] = frozenset()
    refusal_verbs: frozenset[str] = frozenset()
    defendant_verbs: frozenset[str] = frozenset()
    male_names_a: frozenset[str] = frozenset()
    implicative_heads: frozenset[str] = frozenset()
    accusation_heads: frozenset[str] = frozenset()
    infer_types: frozenset[str] = frozenset()
    hedge_modals: frozenset[str] = frozenset()
    goal_nouns: frozenset[str] = frozenset()
    light_verbs: frozenset[str] = frozenset()
    kin_nouns: frozenset[str] = frozenset()
    branch_words: frozenset[str] = frozenset()
    body_posts: frozenset[str] = frozenset()


def load_lexicon(data: dict[str, Any]) -> Lexicon:
    by_lemma: dict[str, list[Trigger]] = {}
    for t in data["triggers"]:
        trig = Trigger(
            type=t["type"], lemma=t["lemma"], pos=tuple(t.get("pos", ["VERB"])),
            subject=t.get("subject", "patient"), voice=t.get("voice", "any"),
            needs=tuple(_steps(n) for n in t.get("needs", [])), object=t.get("object"),
            office=bool(t.get("office", False)), org=t.get("org"), by=t.get("by", "agent"),
            partner=t.get("partner"), subjects=tuple(t.get("subjects", ["person"])),
            also=tuple(t.get("also", [])), other=tuple(t.get("other", [])),
            new_name=bool(t.get("new_name", False)), not_forms=frozenset(t.get("not_forms", [])),
            object_nouns=frozenset(t.get("object_nouns", [])), requires_org=bool(t.get("requires_org", False)),
            requires_other=bool(t.get("requires_other", False)), pronoun_other=bool(t.get("pronoun_other", False)),
            rule=t.get("rule"),
            confidence=float(t.get("confidence", 0.9)),
        )
        by_lemma.setdefault(trig.lemma, []).append(trig)
    return Lexicon(
        by_lemma=by_lemma,
        office_orgs=[(re.compile(o["pattern"], re.I), o["organization"]) for o in data.get("office_organizations", [])],
        count=data.get("count", {}),
        speech_verbs=frozenset(data.get("speech_verbs", [])),
        according_to=frozenset(data.get("according_to", [])),
        min_quote_words=int(data.get("min_quote_words", 5)),
        inline_layers=[(re.compile(x["pattern"]), x["voice"]) for x in data.get("inline_layers", [])],
        layer_voices=dict(data.get("layer_voices", {})),
        hedge_words=frozenset(data["hedges"]["words"]),
        hedge_phrases=tuple(data["hedges"]["phrases"]),
        neg_deps=frozenset(data["negation"]["deps"]),
        neg_words=frozenset(data["negation"]["words"]),
        neg_heads=frozenset(data["negation"]["heads"]),
        irrealis_heads=frozenset(data.get("irrealis_heads", [])),
        irrealis_modals=frozenset(data.get("irrealis_modals", [])),
        infer_dates=bool(data.get("infer_dates", False)),
        person_nouns=frozenset(data.get("person_nouns", [])),
        org_heads=frozenset(data.get("org_heads", [])),
        occurrence_verbs=frozenset(data.get("occurrence_verbs", [])),
        announcing=frozenset(data.get("announcing", [])),
        date_blockers=frozenset(data.get("date_blockers", [])),
        trial_nouns=frozenset(data.get("trial_nouns", [])),
        decree_nouns=frozenset(data.get("decree_nouns", [])),
        hold_verbs=frozenset(data.get("hold_verbs", [])),
        prior_adjectives=frozenset(data.get("prior_adjectives", [])),
        relational_preps=frozenset(data.get("relational_preps", [])),
        duration_nouns=frozenset(data.get("duration_nouns", [])),
        day_part_nouns=frozenset(data.get("day_part_nouns", [])),
        honour_nouns=frozenset(data.get("honour_nouns", [])),
        source_nouns=frozenset(data.get("source_nouns", [])),
        offer_verbs=frozenset(data.get("offer_verbs", [])),
        refusal_verbs=frozenset(data.get("refusal_verbs", [])),
        defendant_verbs=frozenset(data.get("defendant_verbs", [])),
        male_names_a=frozenset(translit_key(x) for x in data.get("male_names_a", [])),
        implicative_heads=frozenset(data.get("implicative_heads", [])),
        accusation_heads=frozenset(data.get("accusation_heads", [])),
        infer_types=frozenset(data.get("infer_types", [])),
        hedge_modals=frozenset(data["hedges"].get("modals", [])),
        goal_nouns=frozenset(data.get("goal_nouns", [])),
        light_verbs=frozenset(data.get("light_verbs", [])),
        kin_nouns=name_cues()["kin_nouns"],  # one list with the nlp stage's "her daughter X"
        branch_words=frozenset(data.get("branch_words", [])),
        body_posts=frozenset(data.get("body_posts", [])),
    )


@cache
def default_lexicon() -> Lexicon:
    text = resources.files("kartoteka.extract").joinpath("lexicon.yaml").read_text(encoding="utf-8")
    return load_lexicon(yamldata.safe_load(text))
