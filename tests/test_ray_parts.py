"""How ``ingest --ray`` cuts its work (no Ray needed): a document's passages into parse tasks, the
stages between the workers and the driver."""

from __future__ import annotations

from kartoteka.ingest.ray_ingest import passage_parts, split_stages
from kartoteka.pipeline import load_stages


def test_parts_cover_every_passage_once_in_order() -> None:
    lengths = [30, 5, 70, 10, 10, 10, 200, 1]
    parts = passage_parts(lengths, 50)
    assert parts == [(0, 3), (3, 7), (7, 8)]
    covered = [n for lo, hi in parts for n in range(lo, hi)]
    assert covered == list(range(len(lengths)))


def test_a_passage_longer_than_a_part_is_a_part_alone_and_short_documents_are_one_part() -> None:
    assert passage_parts([500, 20], 100) == [(0, 1), (1, 2)]
    assert passage_parts([10, 20, 30], 100) == [(0, 3)]
    assert passage_parts([], 100) == []


def test_genre_reads_the_whole_document_nlp_goes_by_parts_the_rest_stays_in_the_driver() -> None:
    whole, partwise, rest = split_stages(load_stages())
    assert whole == ["genre"]
    assert partwise == ["nlp"]
    assert [name for name, _ in rest] == ["resolve", "extract"]


def test_a_whole_document_stage_after_the_parse_is_the_drivers() -> None:
    stages = dict(load_stages())
    whole, partwise, rest = split_stages([("nlp", stages["nlp"]), ("genre", stages["genre"])])
    assert (whole, partwise) == ([], ["nlp"])
    assert [name for name, _ in rest] == ["genre"]
