"""The app's URLs, built in one place: every citation links to its exact span in the reader."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from starlette.requests import Request


def cite_url(span: dict[str, Any]) -> str:
    """The reader URL of a cited span: the document window holding it, the span marked."""
    query = urlencode({"start": span["start"], "end": span["end"]})
    return f"/source/{quote(span['doc'], safe='')}?{query}#span"


def source_url(doc: str, **query: Any) -> str:
    q = urlencode({k: v for k, v in query.items() if v is not None})
    return f"/source/{quote(doc, safe='')}" + (f"?{q}" if q else "")


def entity_url(eid: str) -> str:
    return "/entity/" + quote(eid, safe="")


def url_with(request: Request, **changes: Any) -> str:
    """This page's URL with some query parameters changed (None removes one)."""
    params = dict(request.query_params)
    for k, v in changes.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = str(v)
    return request.url.path + (f"?{urlencode(params)}" if params else "")
