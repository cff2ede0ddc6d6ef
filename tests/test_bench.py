"""The benchmark script's deterministic parts: its queries and its RESULTS.md sections."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_ingest_search", ROOT / "bench" / "bench_ingest_search.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_queries_are_deterministic_and_drawn_from_the_corpus(tmp_path: Path) -> None:
    bench = load_bench()
    (tmp_path / "a.txt").write_text("Yagoda Yagoda Yagoda arrested arrested arrested Lubyanka " * 3)
    first = bench.build_queries(tmp_path, 60)
    assert first == bench.build_queries(tmp_path, 60)
    assert len(first) == 60
    assert set(first[40:]) <= {"yagoda", "arrested", "lubyanka"} | {f"{a} {b}" for a in ("yagoda", "arrested", "lubyanka")
                                                                  for b in ("yagoda", "arrested", "lubyanka")}


def test_a_section_is_replaced_not_duplicated(tmp_path: Path) -> None:
    bench = load_bench()
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\nnotes\n")
    for figure in ("1.00 s", "2.00 s"):
        bench.write_section("bench_ingest_search: x", f"## x\n\n{figure}\n", results)
    out = results.read_text()
    assert out.count("<!-- bench_ingest_search: x -->") == 1 and "2.00 s" in out and "notes" in out
    assert bench.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.5) == 3.0
