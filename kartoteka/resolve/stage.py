"""The resolve stage: the document's mentions become canonical entities (packs, earlier documents,
or new unlinked ones), with surface and stated aliases. Reads the KB before the write."""

from __future__ import annotations

from kartoteka.analysis import Analysis
from kartoteka.pipeline import Context, register
from kartoteka.resolve.index import kb_overlay
from kartoteka.resolve.resolver import resolve_document
from kartoteka.resolve.state import run_state


@register("resolve")
def resolve_stage(a: Analysis, ctx: Context) -> None:
    st = run_state(ctx)
    common = ctx.cache.get("resolve.common")
    if common is None:
        from kartoteka.nlp.model import common_words, load_model

        common = common_words(load_model()) if a.docs else set()
        ctx.cache["resolve.common"] = common
    overlay = kb_overlay(ctx.conn, st.index, a.doc)
    resolve_document(a, st.index, overlay, common)
