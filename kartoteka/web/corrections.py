"""The correction forms' endpoint: POST /correct/{action}, each form carrying the app's CSRF
token (a POST without it, or with another, is refused 403). The handler calls the KB API's
correction methods, never SQL, and sends the browser back to the page the form was on."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from kartoteka.api import KB
from kartoteka.errors import UsageError
from kartoteka.web.urls import entity_url

MAX_FIELD = 2000


def new_token() -> str:
    """One token per app: a page of another site cannot read it, so cannot forge a form."""
    return secrets.token_urlsafe(32)


def _field(form: dict[str, str], name: str, *, required: bool = True) -> str | None:
    value = (form.get(name) or "").strip()
    if len(value) > MAX_FIELD:
        raise UsageError(f"{name} is too long")
    if required and not value:
        raise UsageError(f"the form needs a {name}")
    return value or None


def _int(form: dict[str, str], name: str) -> int:
    try:
        return int(_field(form, name) or "")
    except ValueError:
        raise UsageError(f"{name} must be a whole number") from None


def _merge(kb: KB, f: dict[str, str]) -> str | None:
    rec = kb.merge(_field(f, "keep") or "", _field(f, "other") or "", note=_field(f, "note", required=False))
    return entity_url(rec["target"].split(" -> ")[-1])


def _split(kb: KB, f: dict[str, str]) -> str | None:
    kb.split(_field(f, "name") or "", _field(f, "alias") or "", _field(f, "as", required=False),
             note=_field(f, "note", required=False))
    return None


def _alias(kb: KB, f: dict[str, str]) -> str | None:
    kb.alias(_field(f, "op") or "", _field(f, "name") or "", _field(f, "alias") or "",
             note=_field(f, "note", required=False))
    return None


def _link(kb: KB, f: dict[str, str]) -> str | None:
    kb.link(_field(f, "doc") or "", _int(f, "start"), _int(f, "end"), _field(f, "entity", required=False),
            note=_field(f, "note", required=False))
    return None


def _reject(kb: KB, f: dict[str, str]) -> str | None:
    kb.reject(_field(f, "factoid") or "", note=_field(f, "note", required=False))
    return None


def _confirm(kb: KB, f: dict[str, str]) -> str | None:
    kb.confirm(_field(f, "factoid") or "", note=_field(f, "note", required=False))
    return None


def _assert(kb: KB, f: dict[str, str]) -> str | None:
    near = _field(f, "near", required=False)
    kb.assert_factoid(_field(f, "doc") or "", _field(f, "quote") or "", _field(f, "type") or "",
                      _field(f, "subject") or "", _field(f, "date", required=False),
                      note=_field(f, "note", required=False), near=int(near) if near and near.isdigit() else None)
    return None


ACTIONS: dict[str, Callable[[KB, dict[str, str]], str | None]] = {
    "merge": _merge, "split": _split, "alias": _alias, "link": _link, "reject": _reject, "confirm": _confirm,
    "assert": _assert,
}


def back_to(target: str | None) -> str:
    """Only a path of this site: never another host (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


async def refuse(request: Request) -> RedirectResponse:
    """The correction endpoint of a read-only server."""
    raise HTTPException(403, "this server is read-only (serve without --read-only to correct the KB)")


async def read_form(request: Request) -> dict[str, str]:
    """An HTML form's fields (application/x-www-form-urlencoded, what these forms send), read
    without a multipart parser; any other body reads as no fields (so: no token, 403)."""
    from urllib.parse import parse_qsl

    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return {}
    body = await request.body()
    if len(body) > 64 * 1024:
        raise HTTPException(413, "form too large")
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        raise HTTPException(400, "the form is not UTF-8") from None


def make_handler(open_kb: Callable[[], KB], token: str) -> Callable[[Request], Any]:
    async def correct(request: Request) -> RedirectResponse:
        form = await read_form(request)
        if not secrets.compare_digest(form.get("csrf", ""), token):
            raise HTTPException(403, "this form has no valid token: reload the page and try again")
        action = ACTIONS.get(request.path_params["action"])
        if action is None:
            raise HTTPException(404, "no such correction")
        with open_kb() as kb:
            goto = action(kb, form)
        return RedirectResponse(goto or back_to(form.get("next")), status_code=303)

    return correct
