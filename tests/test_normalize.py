"""The analysis view: folding, joins and the offset map back into the stored text."""

from __future__ import annotations

import time

from kartoteka.ingest.normalize import FOLD, analysis_view


def view(text: str, skip: list[tuple[int, int]] | None = None) -> tuple[str, list[int]]:
    return analysis_view(text, 0, len(text), skip)


def assert_maps(text: str, body: str, offsets: list[int]) -> None:
    """Every body character comes from the stored character its offset names (or its fold)."""
    assert len(offsets) == len(body) + 1
    assert all(a <= b for a, b in zip(offsets, offsets[1:], strict=False))
    for i, ch in enumerate(body):
        src = text[offsets[i]]
        assert ch == src or ch in FOLD.get(src, "") or (ch == " " and src.isspace()) or (ch == "-" and src == "\u00ad"), (
            i, ch, src)


def test_folds_quotes_dashes_and_soft_sign() -> None:
    text = "\u201cNo,\u201d said Kol\u2019tsov \u2014 the 1920\u201321 plan."
    body, offs = view(text)
    assert body == "\"No,\" said Kol'tsov - the 1920-21 plan."
    assert_maps(text, body, offs)


def test_ligatures_expand_and_map_to_one_character() -> None:
    text = "the \ufb01nal \ufb02ight"
    body, offs = view(text)
    assert body == "the final flight"
    assert offs[4] == offs[5] == 4  # both letters of "fi" come from the ligature
    assert_maps(text, body, offs)


def test_whitespace_collapses_and_trims() -> None:
    text = "  one\n two\t\tthree \r\n four  "
    body, offs = view(text)
    assert body == "one two three four"
    assert_maps(text, body, offs)
    assert offs[-1] == text.rindex("r") + 1


def test_hyphen_across_line_break_joins_lowercase() -> None:
    text = "the Bol-\nshevik faction"
    body, offs = view(text)
    assert body == "the Bolshevik faction"
    assert text[offs[body.index("shevik")]] == "s"
    assert_maps(text, body, offs)


def test_hyphen_across_page_marker_joins() -> None:
    text = "they were com- {p. 7} mon thieves"
    s = text.index("{")
    body, offs = view(text, [(s, text.index("}") + 1)])
    assert body == "they were common thieves"
    assert "{" not in body
    assert_maps(text, body, offs)


def test_hyphen_before_blank_line_and_marker_joins() -> None:
    text = "the Po-\n\n{p. 12} litical Bureau"
    s = text.index("{")
    body, _ = view(text, [(s, text.index("}") + 1)])
    assert body == "the Political Bureau"


def test_capital_after_break_keeps_the_hyphen() -> None:
    body, _ = view("other non-\nCommunist posts")
    assert body == "other non-Communist posts"


def test_real_hyphens_stay() -> None:
    body, _ = view("Orlov-Feldbin was a Marxist-Leninist of the anti- and pro- camps")
    assert "Orlov-Feldbin" in body and "Marxist-Leninist" in body
    assert "anti- and pro- camps" in body


def test_dash_at_line_end_is_not_a_word_join() -> None:
    body, _ = view("the others\u2014\nwere gone")
    assert body == "the others- were gone"


def test_soft_hyphen_is_dropped() -> None:
    text = "inter\u00adnational"
    body, offs = view(text)
    assert body == "international"
    assert_maps(text, body, offs)


def test_sub_range_offsets_index_the_whole_text() -> None:
    text = "HEAD\n\nfirst para\u2019s text.\n\ntail"
    s = text.index("first")
    e = text.index(".") + 1
    body, offs = analysis_view(text, s, e)
    assert body == "first para's text."
    assert offs[0] == s and offs[-1] == e


def test_fast_enough_on_a_large_text() -> None:
    para = ("The com-\nmittee met on the \u201cfirst\u201d day \u2014 as Kol\u2019tsov wrote \ufb01rst. " * 12).strip()
    text = "\n\n".join([para] * 2500)  # about 2 MB
    t = time.perf_counter()
    pos = 0
    for _ in range(2500):
        e = text.find("\n\n", pos)
        e = len(text) if e < 0 else e
        analysis_view(text, pos, e)
        pos = e + 2
    assert time.perf_counter() - t < 3.0


def test_drops_reference_markers_glued_to_a_word() -> None:
    text = "Pavel Lomov was freed in 1956.[12][13] He left the Union of Writers.[4]\nA list [1] stays."
    body, offs = view(text)
    assert body == "Pavel Lomov was freed in 1956. He left the Union of Writers. A list [1] stays."
    assert_maps(text, body, offs)
    assert text[offs[body.index("He")]:].startswith("He")
    joined, _ = view("It ended.[7]Then it began.")
    assert joined == "It ended. Then it began."
