"""The demo command and corpus, the README's set-up commands, and .ci/run."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kartoteka import KB
from kartoteka.demo import corpus_files, corpus_path
from kartoteka.ingest.readers import READERS

ROOT = Path(__file__).resolve().parents[1]
SETUP_HEADING = "## Set up"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from kartoteka.cli.main import main; main()", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    proc = run_cli("demo", "--db", str(db), "--json")
    assert proc.returncode == 0, proc.stderr
    return db, json.loads(proc.stdout)


def test_demo_exits_0_and_ingests_every_readable_document(demo_run: tuple[Path, dict]) -> None:
    db, out = demo_run
    readable = {f for f in corpus_files() if Path(f).suffix.lower() in READERS}
    with KB(db, create=False) as kb:
        assert {s["doc"] for s in kb.sources()} == readable
    assert {d["doc"] for d in out["documents"] if d["status"] == "added"} == readable
    assert out["db"] == str(db)
    assert all(s["hits"] for s in out["searches"]), "every example search finds something in the demo corpus"
    assert all(a["answer"] and a["citations"] for a in out["answers"]), out["answers"]
    # The corpus disagrees with itself on purpose: the demo shows where.
    assert any(c["entity"]["name"].endswith("Yezhov") and c["field"] == "date" for c in out["conflicts"])


def test_demo_ingests_the_html_blog_post(demo_run: tuple[Path, dict]) -> None:
    if ".html" not in READERS:
        pytest.skip("no HTML reader yet")
    db, _ = demo_run
    with KB(db, create=False) as kb:
        assert {s["doc"] for s in kb.sources()} == set(corpus_files())


def test_demo_is_idempotent_and_human_output_lists_next_commands(tmp_path: Path) -> None:
    proc = run_cli("demo", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "kartoteka-demo.db").is_file()
    for command in ("sources", "search", "entity Kirov", "factoids --entity Yagoda", "conflicts", "ask", "serve"):
        assert f"kartoteka --db kartoteka-demo.db {command}" in proc.stdout
    again = run_cli("--json", "demo", cwd=tmp_path)  # the default demo KB is rebuilt fresh
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["counts"]["unchanged"] == 0


def test_demo_corpus_has_three_formats_fiction_and_editorial_features() -> None:
    files = corpus_files()
    assert 7 <= len(files) <= 10
    assert {".txt", ".md", ".html"} <= {Path(f).suffix for f in files}
    assert not any(f.lower().startswith("readme") for f in files)
    with corpus_path() as folder:
        texts = {f: (folder / f).read_text(encoding="utf-8") for f in files}
    words = {f: len(re.sub(r"<[^>]+>", " ", t).split()) for f, t in texts.items()}
    assert all(250 <= n <= 700 for n in words.values()), words
    joined = "\n".join(texts.values())
    assert "inter- {p. 12} rogation" in joined
    assert re.search(r"\[Note: [^\]]+ – Ed\.\]", joined)
    assert "25 September 1936" in joined and "26 September 1936" in joined
    assert all(v in joined for v in ("Ezhov", "Iagoda", "Zinov'ev", "was never", "reportedly", "Leave a Reply"))
    fiction = [f for f, t in texts.items() if t.count('"') >= 20 and "story" in f]
    assert len(fiction) == 1


def test_demo_genres_where_the_genre_stage_is_present(demo_run: tuple[Path, dict]) -> None:
    _, out = demo_run
    genres = {s["doc"]: s.get("genre") for s in out["sources"]}
    if not any(genres.values()):
        pytest.skip("no genre stage")
    assert genres["07_the_third_floor_a_story.txt"] == "fiction"
    assert genres["03_memoir_smolny_stenographer.txt"] == "memoir"
    assert genres["04_oral_history_transcript.txt"] == "transcription"


def setup_commands(readme: str) -> list[list[str]]:
    """The fenced blocks in the README's set-up section, as lists of non-empty lines."""
    assert SETUP_HEADING in readme, f"README needs a {SETUP_HEADING!r} section"
    section = readme.split(SETUP_HEADING, 1)[1]
    section = re.split(r"^## ", section, maxsplit=1, flags=re.MULTILINE)[0]
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", section, flags=re.MULTILINE | re.DOTALL)
    return [[line for line in b.splitlines() if line.strip()] for b in blocks]


def test_readme_has_exactly_two_one_line_setup_commands_and_ci_runs_the_second() -> None:
    blocks = setup_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) == 2 and all(len(b) == 1 for b in blocks), blocks
    demo_cmd, test_cmd = blocks[0][0], blocks[1][0]
    assert "pip install -e ." in demo_cmd and demo_cmd.endswith("kartoteka demo")
    assert "pytest" in test_cmd
    ci = ROOT / ".ci" / "run"
    assert test_cmd in ci.read_text(encoding="utf-8")
    assert ci.stat().st_mode & 0o111, ".ci/run must be executable"
