"""Name keys and name parts (no model)."""

from __future__ import annotations

import pytest

from kartoteka.resolve.index import acronym_singular
from kartoteka.resolve.keys import ocr_key, translit_key, variant_keys, variant_names
from kartoteka.resolve.names import as_first_patronymic, compatible, parse_person


@pytest.mark.parametrize("a,b", [
    ("Yezhov", "Ezhov"), ("Zinoviev", "Zinov'ev"), ("Slutsky", "Sloutski"), ("Spiegelglass", "Spiegelglas"),
    ("Riutin", "Ryutin"), ("Iagoda", "Yagoda"), ("Trotzky", "Trotsky"), ("Sedoff", "Sedov"),
    ("Ivanovitch", "Ivanovich"), ("Tukhachevskii", "Tukhachevsky"),
])
def test_translit_variants_share_a_key(a: str, b: str) -> None:
    assert translit_key(a) == translit_key(b)


@pytest.mark.parametrize("a,b", [("Sedova", "Sedov"), ("Stalin", "Stalingrad"), ("Kamenev", "Zinoviev")])
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert translit_key(a) != translit_key(b)


@pytest.mark.parametrize("a,b", [("0GPU", "OGPU"), ("Hoe1z", "Hoelz"), ("Berhn", "Berlin"), ("Unschhcht", "Unschlicht")])
def test_ocr_key(a: str, b: str) -> None:
    assert ocr_key(a) == ocr_key(b)


def test_parse_and_compatibility() -> None:
    p = parse_person("Gen. Eugene Miller")
    assert p.surname and p.first and "general" in p.roles
    assert compatible(parse_person("Iosif V. Kosior"), parse_person("I. V. Kosior"))
    assert not compatible(parse_person("Iosif V. Kosior"), parse_person("S. V. Kosior"))
    assert not compatible(parse_person("Eduard Miller"), parse_person("Yevgeny Miller"))
    assert compatible(parse_person("Henry Yagoda"), parse_person("Genrikh Yagoda"))
    assert not compatible(parse_person("Mrs. Sedov"), parse_person("Lev Sedov"))
    v = parse_person("Vladimir Ilyich")
    assert v.first and v.patronymic and not v.surname
    alt = as_first_patronymic(parse_person("Nadezhda Konstantinova"))
    assert alt is not None
    assert compatible(alt, parse_person("Nadezhda Konstantinovna Krupskaya"), need_surname=False)


@pytest.mark.parametrize(("a", "b"), [
    ("World War II", "World War I"),      # a Roman numeral's letters each count
    ("Nicholas II", "Nicholas I"),
    ("Louis XVIII", "Louis XVII"),
    ("SSSR", "SR"),                       # so do an acronym's
    ("SS", "S"),
])
def test_counted_letters_keep_their_doubles(a: str, b: str) -> None:
    assert translit_key(a) != translit_key(b)


def test_names_still_fold_their_doubles() -> None:
    assert translit_key("Spiegelglass") == translit_key("Spiegelglas")
    assert translit_key("KLIMENT VOROSHILOV") == translit_key("Kliment Voroshilov")


@pytest.mark.parametrize(("written", "english"), [
    ("Vorošylov", "Voroshilov"),                  # Ukrainian scholarly: š, y for и
    ("Ševčenko", "Shevchenko"),                   # a poet of the nineteenth century
    ("Žukovs'kyj", "Zhukovsky"),                  # a Ukrainian family name, ž and -yj
    ("Ščerbakov", "Shcherbakov"),                 # šč
])
def test_scholarly_romanisation_reads_as_english(written: str, english: str) -> None:
    assert translit_key(english) in variant_keys(written).values()


def test_a_whole_name_is_read_in_one_system() -> None:
    """Given name, patronymic and surname written with carons are all rewritten."""
    text = variant_names("Taras Hryhorovyč Ševčenko")["scholarly"]
    assert text == "Taras Hryhorovych Shevchenko"
    assert compatible(parse_person(text), parse_person("Taras Grigorievich Shevchenko"))
    assert variant_names("Alexander Nicolas") == {}   # English letters are left alone


@pytest.mark.parametrize(("a", "b", "same"), [
    ("Ivan Okhrimovych Hrytsenko", "Ivan Yefremovich Hrytsenko", True),   # Okhrim = Yefrem
    ("Osip Iosifovich Brik", "Osip Osipovich Brik", True),                 # Iosif = Osip
    ("Mykola Petrovych Bondar", "Nikolai Petrovich Bondar", True),         # Mykola = Nikolai
    ("Pavel Petrovich Ivanov", "Pavel Pavlovich Ivanov", False),           # two fathers
    ("Ivan Okhrimovych Hrytsenko", "Ivan Petrovich Hrytsenko", False),
])
def test_patronymics_agree_through_given_name_classes(a: str, b: str, same: bool) -> None:
    assert compatible(parse_person(a), parse_person(b)) is same


@pytest.mark.parametrize(("alias", "single"), [
    ("SRs", "SR"), ("Left SRs", "Left SR"), ("MPs", "MP"), ("Bolsheviks", ""), ("SS", ""), ("Esery", ""),
])
def test_a_plural_acronym_has_its_singular(alias: str, single: str) -> None:
    assert acronym_singular(alias) == single
