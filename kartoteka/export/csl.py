"""The documents as CSL-JSON (Citation Style Language data, for Zotero, pandoc and citeproc): one
item per document, from the historian's source record (`kartoteka source`) where there is one,
else from what ingestion found (the title)."""

from __future__ import annotations

import json
import re
from typing import Any, TextIO

from kartoteka.api import KB

# CSL item types for the genres a source record names; anything else is a "document".
CSL_TYPES = {"memoir": "book", "book": "book", "chronicle": "manuscript", "diary": "manuscript",
             "letter": "personal_communication", "letters": "personal_communication", "interview": "interview",
             "transcript": "interview", "press": "article-newspaper", "newspaper": "article-newspaper",
             "article": "article-journal", "report": "report", "blog": "post-weblog", "encyclopedia": "entry-encyclopedia",
             "speech": "speech", "fiction": "book", "manuscript": "manuscript"}


def csl_item(source: dict[str, Any]) -> dict[str, Any]:
    record = source.get("record") or {}
    genre = record.get("genre") or source.get("genre")
    item: dict[str, Any] = {"id": source["doc"], "type": CSL_TYPES.get((genre or "").lower(), "document"),
                            "title": record.get("title") or source.get("title") or source["doc"]}
    if record.get("author"):
        item["author"] = [{"literal": record["author"]}]
    if record.get("date"):
        parts = [int(p) for p in re.findall(r"\d+", record["date"])[:3]]
        item["issued"] = {"date-parts": [parts]} if re.fullmatch(r"\d{4}(-\d{1,2}){0,2}", record["date"]) \
            else {"raw": record["date"]}
    if genre:
        item["genre"] = genre
    if record.get("note"):
        item["note"] = record["note"]
    return item


def write_csl(kb: KB, fh: TextIO) -> dict[str, int]:
    items = [csl_item(s) for s in kb.sources()]
    json.dump(items, fh, ensure_ascii=False, indent=1)
    fh.write("\n")
    return {"sources": len(items), "with_record": sum(1 for s in items if "author" in s or "issued" in s)}
