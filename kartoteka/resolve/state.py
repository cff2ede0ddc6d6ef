"""Per-run resolution state: the packs (loaded into the KB once) and their lookup index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kartoteka.pipeline import Context
from kartoteka.resolve.index import Index, pack_index
from kartoteka.resolve.packs import Pack, ensure_packs, installed_packs, read_pack


@dataclass
class RunState:
    packs: list[Pack]
    index: Index
    key: Any


def run_state(ctx: Context) -> RunState:
    st = ctx.cache.get("resolve.state")
    if st is None:
        st = state_of(ensure_packs(ctx.conn, ctx.packs))
        ctx.cache["resolve.state"] = st
    return st


def state_of(packs: list[Pack]) -> RunState:
    return RunState(packs=packs, index=pack_index(packs), key=tuple((p.name, p.hash) for p in packs))


def offline_context(packs: list[str] | None) -> Context:
    """A Context without a KB for the stages that need only the packs (``PURE_STAGES``) on a
    worker away from the KB: the packs are read from their files, as ``ensure_packs`` reads them."""
    ctx = Context(conn=None, packs=packs)  # type: ignore[arg-type]
    ctx.cache["resolve.state"] = state_of([read_pack(n) for n in (packs or installed_packs())])
    return ctx
