"""The conflicts and compare commands, and what sources, factoids and entity show of the compare
stage: on a KB of hand-written factoids, and through the real pipeline on texts written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from compare_kb import F, analysis, build

from kartoteka.api import KB

A = "Annals\n\nGeneral Miller was kidnapped in Paris on 22 September 1937. Yagoda was arrested in April, 1927.\n"
B = "Recollections\n\nOn 23 September 1937 General Miller was kidnapped.\n"


@pytest.fixture(scope="module")
def kb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "kb.db"
    build(path, [
        analysis("a.txt", A, [
            F("kidnapping", "test:general", "General Miller was kidnapped in Paris on 22 September 1937.",
              "22 September 1937", trigger="kidnapped", subject_text="General Miller", roles={"place": "test:paris"}),
            F("arrest", "test:chief", "Yagoda was arrested in April, 1927.", "April, 1927", trigger="arrested",
              subject_text="Yagoda"),
        ]),
        analysis("b.txt", B, [
            F("kidnapping", "test:general", "On 23 September 1937 General Miller was kidnapped.", "23 September 1937",
              trigger="kidnapped", subject_text="General Miller", attrs={"page": "210"}),
        ]),
    ]).close()
    return path


def test_conflicts_json_is_the_contract_shape_with_exact_spans(kb_path: Path, run_cli) -> None:
    code, out, err = run_cli("--db", kb_path, "conflicts", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert {(c["entity"]["name"], c["type"], c["field"], c["kind"]) for c in rows} == {
        ("Yevgeny Miller", "kidnapping", "date", "sources"), ("Genrikh Yagoda", "arrest", "date", "reference")}
    kb = KB(kb_path)
    for c in rows:
        assert {"id", "entity", "type", "field", "values"} <= c.keys()
        assert {"id", "name", "type"} <= c["entity"].keys()
        for v in c["values"]:
            assert isinstance(v["value"], str) and isinstance(v["factoids"], list)
            for s in v["sources"]:
                assert kb.text(s["doc"])[s["start"]:s["end"]] == s["quote"]
    code, out, _ = run_cli("--db", kb_path, "conflicts", "--entity", "Miller", "--json")
    (miller,) = json.loads(out)
    assert sorted(v["value"] for v in miller["values"]) == ["1937-09-22", "1937-09-23"]


def test_human_view_shows_both_sides_with_quotes_and_pages(kb_path: Path, run_cli) -> None:
    code, out, err = run_cli("--db", kb_path, "conflicts", "--entity", "Miller", env={"COLUMNS": "200"})
    assert code == 0, err
    assert "1937-09-22" in out and "1937-09-23" in out
    assert "kidnapped in Paris on 22 September 1937" in out and "On 23 September 1937 General Miller" in out
    assert "p. 210" in out
    code, out, _ = run_cli("--db", kb_path, "conflicts", "--kind", "reference", env={"COLUMNS": "200"})
    assert "contradicts reference" in out and "misprint" in out


def test_nothing_found_and_bad_input(kb_path: Path, run_cli) -> None:
    code, _, err = run_cli("--db", kb_path, "conflicts", "--entity", "Nobody Atall")
    assert code == 3 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    code, _, err = run_cli("--db", kb_path, "conflicts", "--source", "missing.txt")
    assert code == 3 and "missing.txt" in err
    code, _, err = run_cli("--db", kb_path, "conflicts", "--kind", "odd")
    assert code == 2
    code, out, _ = run_cli("--db", kb_path, "conflicts", "--source", "b.txt", "--kind", "reference", "--json")
    assert code == 3 and json.loads(out) == []  # CONTRACT: an empty listing exits 3, [] under --json


def test_compare_recomputes_and_others_show_it(kb_path: Path, run_cli) -> None:
    code, out, err = run_cli("--db", kb_path, "compare", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["conflicts"] == 2 and summary["documents"] == 2
    code, out, _ = run_cli("--db", kb_path, "sources", "--json")
    profiles = {s["doc"]: s["profile"] for s in json.loads(out)}
    assert profiles["b.txt"]["conflicts"]["total"] == 1 and "layers" in profiles["b.txt"]
    code, out, _ = run_cli("--db", kb_path, "factoids", "--entity", "Miller", "--json")
    assert all(f["corroboration"] == 0 and f["conflicts"] for f in json.loads(out))
    code, out, _ = run_cli("--db", kb_path, "entity", "Miller", "--json")
    d = json.loads(out)
    assert d["conflict_count"] == 1 and d["factoid_count"] == 2


PIPELINE_DOCS = {
    "chronicle.txt": (
        "A Chronicle of 1937\n\n"
        "General Yevgeny Miller was kidnapped in Paris on 22 September 1937. "
        "Marshal Mikhail Tukhachevsky was executed in Moscow on 12 June 1937.\n"
    ),
    "recollections.txt": (
        "Recollections of an Exile\n\n"
        "I was in Paris that autumn. On 23 September 1937 General Miller was kidnapped by agents of the NKVD. "
        "Marshal Mikhail Tukhachevsky was executed in June 1937.\n"
    ),
    "story.txt": "\n".join(["The Corridor", *[
        '"Sit down," the marshal said.',
        '"I would rather stand," the visitor answered.',
        "The clock ticked twice before anyone moved.",
        '"Then stand," he replied, and smiled.',
    ] * 4, "Marshal Mikhail Tukhachevsky was executed on 12 June 1937, the papers said.", *[
        '"You know why you are here?" she asked.',
        "The visitor nodded and looked at the window.",
    ] * 4]),
}


@pytest.fixture(scope="module")
def pipeline_kb(tmp_path_factory: pytest.TempPathFactory) -> KB:
    d = tmp_path_factory.mktemp("pipeline")
    for name, text in PIPELINE_DOCS.items():
        (d / name).write_text(text, encoding="utf-8")
    kb = KB(d / "kb.db")
    kb.ingest([d / name for name in PIPELINE_DOCS])
    return kb


def test_the_ingest_run_finishes_with_conflicts_and_corroboration(pipeline_kb: KB) -> None:
    conflicts = pipeline_kb.conflicts(entity="Yevgeny Miller")
    assert any(c["field"] == "date" and {"1937-09-22", "1937-09-23"} <= {v["value"] for v in c["values"]}
               for c in conflicts), conflicts
    tukh = [f for f in pipeline_kb.factoids(entity="Tukhachevsky", type="execution") if not f["fiction"]]
    assert tukh and all(f["corroboration"] == 1 for f in tukh)
    assert all(s.get("profile") for s in pipeline_kb.sources())
    story = pipeline_kb.factoids(source="story.txt")
    assert story and all(f["fiction"] and not f.get("corroborated_by") for f in story)
