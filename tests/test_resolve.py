"""Entity resolution end to end on texts written for these tests (the real spaCy model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kartoteka.api import KB
from kartoteka.errors import NotFound
from tests.mention_lookup import ingested
from tests.mention_lookup import mention_at as covering

FIXTURES = Path(__file__).parent / "fixtures" / "entities"


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KB:
    return ingested(FIXTURES, tmp_path_factory.mktemp("kb") / "e.db")


def mention_at(kb: KB, doc: str, needle: str, nth: int = 0) -> dict:
    m = covering(kb, doc, needle, nth)
    assert m is not None, f"no mention of {needle!r}"
    return m


def eid(kb: KB, name: str) -> str:
    return kb.entity(name)["id"]


def test_mentions_point_into_stored_text(kb: KB) -> None:
    for doc in ("memoir_a.txt", "blog_b.txt"):
        text = kb.text(doc)
        ms = kb.mentions(doc)
        assert ms
        for m in ms:
            assert text[m["start"]:m["end"]] == m["text"]


def test_transliteration_variants_and_initials(kb: KB) -> None:
    assert eid(kb, "Ezhov") == eid(kb, "Yezhov") == eid(kb, "Nikolai Ivanovich Yezhov") == "soviet:yezhov"
    assert mention_at(kb, "memoir_a.txt", "Nikolai Ezhov")["entity"]["id"] == "soviet:yezhov"
    assert mention_at(kb, "blog_b.txt", "Yezhov")["entity"]["id"] == "soviet:yezhov"
    assert mention_at(kb, "memoir_a.txt", "I. V. Stalin")["entity"]["id"] == "soviet:stalin"
    assert eid(kb, "Iagoda") == eid(kb, "Henry Yagoda") == "soviet:yagoda"


def test_ocr_damage(kb: KB) -> None:
    assert mention_at(kb, "memoir_a.txt", "0GPU")["entity"]["id"] == "soviet:ogpu"
    tik = mention_at(kb, "memoir_a.txt", "Tikhachevsky")["entity"]["id"]
    assert tik == mention_at(kb, "memoir_a.txt", "Marshal Tukhachevsky")["entity"]["id"] == "soviet:tukhachevsky"


def test_same_surname_pairs_kept_apart(kb: KB) -> None:
    assert eid(kb, "Stanislav Kosior") != eid(kb, "Iosif V. Kosior")
    assert eid(kb, "I. V. Kosior") == eid(kb, "Iosif Kosior")
    assert mention_at(kb, "memoir_a.txt", "Kosior spoke")["entity"]["id"] == eid(kb, "Stanislav Kosior")
    assert mention_at(kb, "memoir_a.txt", "I. V. Kosior")["entity"]["id"] == eid(kb, "Iosif Kosior")
    assert eid(kb, "Lazar Kaganovich") != eid(kb, "M. M. Kaganovich")
    assert mention_at(kb, "memoir_a.txt", "Kaganovich interrupted")["entity"]["id"] == eid(kb, "Lazar Kaganovich")
    assert mention_at(kb, "memoir_a.txt", "Admiral Orlov")["entity"]["id"] == eid(kb, "Admiral Orlov")
    assert eid(kb, "Admiral Orlov") != eid(kb, "Alexander Orlov")
    # Initials that contradict every bearer's name never return the famous one.
    with pytest.raises(NotFound):
        kb.entity("Q. Z. Kaganovich")


def test_stated_alias_and_unlinked_entity_across_documents(kb: KB) -> None:
    z = kb.entity("Pavel Zubrin")
    assert z["id"].startswith("u:") and not z["linked"]
    assert kb.entity("Arkady Lemke")["id"] == z["id"]
    assert any(s["alias"] == "Arkady Lemke" for s in z["stated_aliases"])
    assert set(z["sources"]) == {"memoir_a.txt", "blog_b.txt"}


def test_no_junk_from_chrome(kb: KB) -> None:
    names = {e["name"].lower() for e in kb.entities(limit=1000)}
    for junk in ("comment count", "log out", "leave a reply", "home"):
        assert junk not in names
    with pytest.raises(NotFound):
        kb.entity("Comment Count")


def test_lineage_relations_from_pack(kb: KB) -> None:
    cheka = kb.entity_by_id("soviet:cheka")
    succ = [r["entity"]["id"] for r in cheka["relations"] if r["type"] == "succeeded_by"]
    assert succ, cheka["relations"]
    chain = ["soviet:cheka"]
    seen = set(chain)
    while True:
        rels = [r for r in kb.entity_by_id(chain[-1])["relations"] if r["type"] == "succeeded_by"]
        nxt = [r["entity"]["id"] for r in rels if r["entity"]["id"] not in seen]
        if not nxt:
            break
        chain.append(nxt[0])
        seen.add(nxt[0])
    assert "soviet:ogpu" in chain and "soviet:nkvd" in chain
    assert chain.index("soviet:ogpu") < chain.index("soviet:nkvd")


def test_packs_listed_and_loaded_once(kb: KB) -> None:
    packs = kb.packs()
    assert [p["name"] for p in packs] == ["soviet"]
    loaded_at = packs[0]["loaded_at"]
    kb.ingest([FIXTURES / "memoir_a.txt"], n_process=1)  # unchanged: nothing reloaded
    assert kb.packs()[0]["loaded_at"] == loaded_at


def test_another_bearer_of_a_surname_keeps_it_only_near_where_she_is_named(kb: KB) -> None:
    doc = "history_c.txt"
    daughter = mention_at(kb, doc, "Svetlana Stalin")["entity"]["id"]
    assert daughter != "soviet:stalin"
    # Far from her one full mention, the bare surname is the man the document is about.
    for nth in (7, 8, 9, 10):
        assert mention_at(kb, doc, "Stalin", nth)["entity"]["id"] == "soviet:stalin", nth


def test_a_title_before_a_common_word_is_not_a_person(kb: KB) -> None:
    names = {e["name"] for e in kb.entities(type="person", limit=1000)}
    assert not names & {"Staff", "Line", "General Staff", "General Line"}, names


def test_a_lone_surname_of_someone_named_in_full_is_that_person_whatever_its_label(kb: KB) -> None:
    full = mention_at(kb, "history_c.txt", "Hjalmar Schacht")["entity"]
    assert full["type"] == "person"
    for nth in (1, 2, 3):
        assert mention_at(kb, "history_c.txt", "Schacht", nth)["entity"]["id"] == full["id"]
    assert not [e for e in kb.entities(limit=1000) if e["name"] == "Army" and e["id"].startswith("u:")]
    places = {e["name"] for e in kb.entities(type="place", limit=1000)}
    assert "Europe" in places, places


def test_a_known_body_the_ner_calls_a_person_is_that_body(kb: KB) -> None:
    ids = {m["entity"]["id"] for m in kb.mentions("history_c.txt") if m["text"] == "Gestapo"}
    assert ids == {"soviet:gestapo"}, ids


def test_a_one_letter_query_is_no_surname(kb: KB) -> None:
    with pytest.raises(NotFound):
        kb.entity("<b>")


def test_a_name_cut_at_its_patronymic_keeps_its_surname_and_a_bare_first_name_patronymic_stays_local(kb: KB) -> None:
    doc = "factory_d.txt"
    engineer = mention_at(kb, doc, "Ivan Petrovich Sorokin")
    assert engineer["text"] == "Ivan Petrovich Sorokin"
    assert mention_at(kb, doc, "Sorokin", 1)["entity"]["id"] == engineer["entity"]["id"]
    # Nobody of the packs' Ivan Petroviches is named in this document.
    for nth in (1, 2):
        m = mention_at(kb, doc, "Ivan Petrovich", nth)
        assert not m["entity"]["id"].startswith("soviet:"), m


def test_a_bare_given_name_far_from_its_full_name_is_nobody_we_know(kb: KB) -> None:
    doc = "family_e.txt"
    assert mention_at(kb, doc, "Nikolai Bukharin")["entity"]["id"] == "soviet:bukharin"
    ids = {m["entity"]["id"] for m in kb.mentions(doc) if m["text"] == "Nikolai"}
    assert "soviet:bukharin" not in ids, ids


def test_a_birth_name_alone_is_never_his_relatives(kb: KB) -> None:
    """A birth name alone is no relative of the man who bore it; where the document never names
    him otherwise it is another name of his that others bear too (a surname of his family), so it
    links to nobody of the packs (see o_other_names_supported.txt for the supported case)."""
    ids = {(m["entity"] or {}).get("id") for m in kb.mentions("family_e.txt") if m["text"] == "Djugashvili"}
    assert not {i for i in ids if i and i.startswith("soviet:")}, ids


WINTER = """The Commissariat in Winter

The order reached the provinces in January. Beria signed it that night. Bukharin wrote to the
editor twice. May brought no relief to the villages.
"""


def test_a_pack_surname_opening_a_sentence_is_that_person(tmp_path: Path) -> None:
    # the small model reads neither surname as a name at the start of a sentence
    (tmp_path / "winter.txt").write_text(WINTER, encoding="utf-8")
    with KB(tmp_path / "w.db") as k:
        k.ingest([tmp_path / "winter.txt"], n_process=1)
        assert mention_at(k, "winter.txt", "Beria")["entity"]["id"] == "soviet:beria"
        assert mention_at(k, "winter.txt", "Bukharin")["entity"]["id"] == "soviet:bukharin"
        with pytest.raises(AssertionError):
            mention_at(k, "winter.txt", "May")  # a month, not a man
