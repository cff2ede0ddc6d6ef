"""The structure patterns (``patterns.yaml``) compiled once into the regexes structure detection uses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from kartoteka import yamldata

_I = re.IGNORECASE


def _alt(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


@dataclass(frozen=True)
class Patterns:
    separator: re.Pattern[str]
    page_marker: re.Pattern[str]
    part_heading: re.Pattern[str]
    chapter_heading: re.Pattern[str]
    chapter_word: re.Pattern[str]
    lone_number: re.Pattern[str]
    toc_heading: re.Pattern[str]
    toc_entry: re.Pattern[str]
    toc_item_line: re.Pattern[str]
    boilerplate: re.Pattern[str]
    boilerplate_trigger: re.Pattern[str]
    boilerplate_run_max: int
    comment_header: re.Pattern[str]
    comment_author: list[re.Pattern[str]]
    comment_meta: re.Pattern[str]
    attribution: re.Pattern[str]
    note: re.Pattern[str]
    note_author: re.Pattern[str]
    note_author_roles: dict[str, str]
    bracket_ignore: re.Pattern[str]
    byline: re.Pattern[str]
    title_skip: re.Pattern[str]
    back_matter: re.Pattern[str]
    back_matter_item_max: int
    image_file: re.Pattern[str]
    citation_line: re.Pattern[str]
    list_item: re.Pattern[str]
    link_line: re.Pattern[str]


def _heading(keywords: list[str], numbers: str) -> re.Pattern[str]:
    kw = _alt([re.escape(k) for k in keywords])
    # KEYWORD NUMBER, then nothing, or a title after ":" / "." / a spaced dash.
    return re.compile(
        rf"(?:{kw})\s*(?P<num>\d{{1,3}}|[ivxlc]{{1,7}}|{numbers})"
        r"(?P<rest>\s*[:.]\s*\S.{0,150}|\s*[:.]?|\s+[-\u2013\u2014]+\s*\S.{0,150}|\s*[-\u2013\u2014]+\s+\S.{0,150})",
        _I,
    )


@cache
def patterns() -> Patterns:
    data: dict[str, Any] = yamldata.safe_load(
        resources.files("kartoteka.ingest").joinpath("patterns.yaml").read_text(encoding="utf-8")
    )
    words = _alt([re.escape(w) for w in data["number_words"]])
    numbers = rf"(?:{words})(?:[-\s](?:{words}))?"
    kws = data["heading_keywords"]
    chapter_words = _alt([re.escape(w) for w in data["chapter_words"]])
    return Patterns(
        separator=re.compile(_alt(data["separators"])),
        page_marker=re.compile(_alt(data["page_markers"]).replace("(?P<page>", "(?:"), _I),
        part_heading=_heading(kws["part"], numbers),
        chapter_heading=_heading(kws["chapter"], numbers),
        chapter_word=re.compile(
            rf"(?:\(?\d{{1,3}}[.)]\s*)?(?:{chapter_words})"
            r"(?P<rest>|\s*[:.\-\u2013\u2014]+\s*\S.{0,100}|\s+(?:to|of|on|for|by)\s.{0,100})",
            _I,
        ),
        lone_number=re.compile(r"(?:[IVXLC]{1,7}|\d{1,3})\.?"),
        toc_heading=re.compile(_alt(data["toc_headings"]) + r"\s*:?", _I),
        toc_entry=re.compile(data["toc_entry"], _I),
        toc_item_line=re.compile(data["toc_item_line"], _I),
        boilerplate=re.compile(_alt(data["boilerplate_lines"]), _I),
        boilerplate_trigger=re.compile(_alt(data["boilerplate_triggers"]), _I),
        boilerplate_run_max=int(data["boilerplate_run_max"]),
        comment_header=re.compile(_alt(data["comment_headers"]), _I),
        comment_author=[re.compile(p, _I) for p in data["comment_authors"]],
        comment_meta=re.compile(_alt(data["comment_meta"]), _I),
        attribution=re.compile(data["attribution"]),
        note=re.compile(data["note_pattern"], _I),
        note_author=re.compile(data["note_author"]),
        note_author_roles={str(k).lower(): str(v) for k, v in data["note_author_roles"].items()},
        bracket_ignore=re.compile(data["bracket_ignore"], _I),
        byline=re.compile(data["byline"], re.MULTILINE),
        title_skip=re.compile(_alt(data["title_skip"]), _I),
        # "## See also", "References:", "NOTES": markdown hashes and a colon allowed.
        back_matter=re.compile(r"#{0,6}\s*(?:" + _alt(data["back_matter_headings"]) + r")\s*:?", _I),
        back_matter_item_max=int(data["back_matter_item_max"]),
        image_file=re.compile(data["image_file"], _I),
        citation_line=re.compile(data["citation_line"], _I),
        list_item=re.compile(data["list_item"]),
        link_line=re.compile(data["link_line"]),
    )


@cache
def page_marker_label_patterns() -> list[re.Pattern[str]]:
    """Each page-marker pattern on its own, with its ``page`` group."""
    data = yamldata.safe_load(resources.files("kartoteka.ingest").joinpath("patterns.yaml").read_text(encoding="utf-8"))
    return [re.compile(p, _I) for p in data["page_markers"]]
