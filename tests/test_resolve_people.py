"""Entity resolution of people, bodies and aliases on texts written for these tests (the real
spaCy model, a real SQLite KB): compatibility before similarity, one person across spellings,
risky aliases only with support, organizations by spelling variant, and the evidence kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from mention_lookup import ingested, linked, mention_at

from kartoteka.api import KB
from kartoteka.errors import Ambiguous, NotFound
from kartoteka.resolve.evidence import namesake_warned
from kartoteka.resolve.keys import translit_key, variant_keys
from kartoteka.resolve.names import compatible, is_patronymic, parse_person

FIXTURES = Path(__file__).parent / "fixtures" / "resolve_people"


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KB:
    return ingested(FIXTURES, tmp_path_factory.mktemp("kb") / "people.db")


# Same surname, different people: by given name, initials, descriptor, citation year.
APART = [
    ("namesakes.txt", "Pyotr Sudoplatov", 0, "soviet:sudoplatov"),      # Pyotr is not Pavel
    ("namesakes.txt", "Pyotr Sudoplatov", 1, "soviet:sudoplatov"),
    ("namesakes.txt", "V. I. Molotov", 0, "soviet:molotov"),            # V. I. is not V. M.
    ("namesakes.txt", "V. I. Molotov", 1, "soviet:molotov"),
    ("namesakes.txt", "Ariadna Kirova", 0, "soviet:kirov"),             # a woman is not Sergei Kirov
    ("namesakes.txt", "Zhukov", 0, "soviet:zhukov"),                    # the poet is not the marshal
    ("namesakes.txt", "Zhukov", 1, "soviet:zhukov"),
    ("namesakes.txt", "Tukhachevsky (2003)", 0, "soviet:tukhachevsky"),  # a historian writing in 2003
    ("namesakes.txt", "Orlov", 0, "soviet:orlov_alexander"),            # the archivist is no NKVD man
    ("namesakes.txt", "Orlov", 0, "soviet:orlov_vladimir_admiral"),
    ("codenames.txt", "Andrei", 0, "soviet:bystrolyotov"),              # a fisherman, not the spy
    ("codenames.txt", "Andrei", 1, "soviet:bystrolyotov"),
    ("codenames.txt", "Raymond", 0, "soviet:mercader_ramon"),           # a baker
    ("codenames.txt", "Raymond", 0, "soviet:gold_harry"),
    ("codenames.txt", "Kim", 0, "soviet:philby"),                       # a lighthouse keeper
    ("codenames.txt", "Kim", 1, "soviet:philby"),
    # A bare surname whose pack bearer has a namesake the packs lack, and nothing ties it to him.
    ("namesake_c_ferry.txt", "Chernov", 1, "soviet:chernov_mikhail"),   # a ferryman
    ("namesake_d_rowers.txt", "Chernov", 0, "soviet:chernov_mikhail"),  # an oarsman of 1911
]

# One person (or body) across spellings, initials, OCR damage, and with support in the text.
SAME = [
    ("namesakes.txt", "Marshal Tukhachevsky", 0, "soviet:tukhachevsky"),
    ("namesakes.txt", "Anna Akhmatova", 0, "soviet:akhmatova"),         # a poet described as one
    ("namesake_a_commissariat.txt", "Chernov", 0, "soviet:chernov_mikhail"),  # his role's word nearby
    ("namesake_b_named.txt", "Chernov", 1, "soviet:chernov_mikhail"),        # named in full before
    ("spellings.txt", "Nikolai Jeschow", 0, "soviet:yezhov"),           # German
    ("spellings.txt", "Nikolai Iejov", 0, "soviet:yezhov"),             # French
    ("spellings.txt", "Nikolai Je\u017cow", 0, "soviet:yezhov"),        # Polish
    ("spellings.txt", "Nikolai Ezhov", 0, "soviet:yezhov"),             # Library of Congress
    ("spellings.txt", "Nikolai Yezhov", 0, "soviet:yezhov"),            # British
    ("spellings.txt", "Nikolai I. Yezhov", 0, "soviet:yezhov"),         # a middle initial
    ("spellings.txt", "Kliment Woroschilow", 0, "soviet:voroshilov"),
    ("spellings.txt", "Kliment Worosz", 0, "soviet:voroshilov"),
    ("spellings.txt", "Feliks Dzier", 0, "soviet:dzerzhinsky"),
    ("spellings.txt", "Felix Dserschinski", 0, "soviet:dzerzhinsky"),
    ("spellings.txt", "Georges Tchitcherine", 0, "soviet:chicherin"),
    ("spellings.txt", "Nikolai Boukharine", 0, "soviet:bukharin"),
    ("spellings.txt", "Vyacheslav Mo1otov", 0, "soviet:molotov"),       # OCR: 1 for l
    ("illegals.txt", "Andrei", 0, "soviet:bystrolyotov"),               # named in full first
    ("illegals.txt", "Andrei", 1, "soviet:bystrolyotov"),
    ("illegals.txt", "Otto", 0, "soviet:deutsch_arnold"),
    ("bodies.txt", "Revolutionary Military Committee", 0, "soviet:milrevcom"),  # words swapped
    ("bodies.txt", "Revolutionary Military Committee", 1, "soviet:milrevcom"),
    ("bodies.txt", "Russian Social Democratic Labor Party", 0, "soviet:rsdlp"),  # Labor/Labour
    ("bodies.txt", "National Labour Alliance", 0, "soviet:ntu"),
]


@pytest.mark.parametrize(("doc", "needle", "nth", "not_id"), APART)
def test_kept_apart(kb: KB, doc: str, needle: str, nth: int, not_id: str) -> None:
    assert linked(kb, doc, needle, nth) != not_id


@pytest.mark.parametrize(("doc", "needle", "nth", "eid"), SAME)
def test_linked(kb: KB, doc: str, needle: str, nth: int, eid: str) -> None:
    assert linked(kb, doc, needle, nth) == eid


def test_unsure_namesake_is_a_new_entity_with_the_reason_kept(kb: KB) -> None:
    """A pack bearer set aside as unsure leaves a person of the document's own, not a gap: the
    same surname in a later document joins that entity, and --why says why."""
    first = mention_at(kb, "namesake_c_ferry.txt", "Chernov", 1)
    later = mention_at(kb, "namesake_d_rowers.txt", "Chernov")
    assert first is not None and later is not None
    assert (first["entity"] or {}).get("id", "").startswith("u:"), first
    assert (later["entity"] or {}).get("id") == first["entity"]["id"]
    ways = {how for it in kb.link_evidence(first["entity"]["id"]) for how in it["how"]}
    assert "namesake outside the packs: a new entity" in ways, ways


@pytest.mark.parametrize(("description", "namesake"), [
    ("Grain commissar; not to be confused with the SR leader Viktor Chernov.", "Viktor Chernov"),
    ("Mill owner in Leeds, not to be confused with the Victorian engineer Isambard Brunel; died 1901.",
     "Isambard Brunel"),
    ("Botanist of the Cape, no relation to the admiral Horatio Nelson.", "Horatio Nelson"),
    ("Court painter to three kings of Spain.", None),
])
def test_namesake_warned_by_a_description(description: str, namesake: str | None) -> None:
    assert namesake_warned({"description": description}) == namesake


def test_evidence_recorded(kb: KB) -> None:
    """Each alias carries how it was linked: a Polish spelling the pack lacks by transliteration,
    one the pack lists as its alias."""
    items = {it["alias"]: it for it in kb.link_evidence("soviet:voroshilov")}
    polish = next(it for alias, it in items.items() if "Worosz" in alias)
    assert "transliteration (polish)" in polish["how"], polish
    sample = polish["sample"][0]
    assert sample["doc"] == "spellings.txt" and "Worosz" in sample["context"]
    listed = next(it for it in kb.link_evidence("soviet:yezhov") if "Jeschow" in it["alias"])
    assert "pack alias" in listed["how"]


def test_bare_given_name_is_ambiguous_and_unknown_is_not_found(kb: KB) -> None:
    with pytest.raises(Ambiguous) as e:
        kb.entity("Nikolai")
    assert len(e.value.candidates) >= 2
    with pytest.raises(NotFound):
        kb.entity("Qwertzuiop Xylograph")


# The name lexicon without a KB.
@pytest.mark.parametrize(("a", "b", "same"), [
    ("Joseph Stalin", "Iosif Vissarionovich Stalin", True),
    ("Josef Stalin", "Iosif Stalin", True),
    ("Soso Dzhugashvili", "Iosif Dzhugashvili", True),
    ("Pavel Sudoplatov", "Pyotr Sudoplatov", False),
    ("V. M. Molotov", "V. I. Molotov", False),
    ("V. M. Molotov", "Vyacheslav Mikhailovich Molotov", True),
    ("Marina Tsvetaeva", "Maria Tsvetaeva", False),
    ("Christopher Whyte", "Mary Jane White", False),
    ("Ariadna Efron", "S. Ya. Efron", False),
    ("Aleksandr Orlov", "Alexander Orlov", True),
    ("Mikhail Kaganovich", "Lazar Moiseyevich Kaganovich", False),
    ("Boris Lacks", "Gleb Lacks", False),
    ("Uon Blum", "L\u00e9on Blum", True),  # OCR damage to a given name is no contradiction
    ("Loy Henderson", "Nevile Henderson", False),  # a short given name is not a fragment of any other
    ("Guy Fawley", "Robert Fawley", False),
    ("Ian Crossthwaite", "Brian Crossthwaite", True),  # a fragment that keeps the name's end
])
def test_name_compatibility(a: str, b: str, same: bool) -> None:
    assert compatible(parse_person(a), parse_person(b)) is same


@pytest.mark.parametrize(("word", "patronymic"), [
    ("Ivanovich", True), ("Ilyich", True), ("Lvovna", True), ("Yefremovich", True),
    ("Rodzevich", False), ("Shostakovich", False), ("Kaganovich", False),
])
def test_patronymic_needs_a_given_name_stem(word: str, patronymic: bool) -> None:
    assert is_patronymic(translit_key(word)) is patronymic


@pytest.mark.parametrize(("spelling", "english"), [
    ("Jeschow", "Yezhov"), ("Iejov", "Yezhov"), ("Je\u017cow", "Yezhov"), ("Sinowjew", "Zinoviev"),
    ("Chruszczow", "Khrushchov"), ("Khrouchtchev", "Khrushchev"), ("Tuchatschewski", "Tukhachevsky"),
])
def test_romanisation_systems(spelling: str, english: str) -> None:
    assert translit_key(english) in variant_keys(spelling).values()
