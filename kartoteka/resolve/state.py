"""Per-run resolution state: the packs (loaded into the KB once) and their lookup index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kartoteka.pipeline import Context
from kartoteka.resolve.index import Index, pack_index
from kartoteka.resolve.packs import Pack, ensure_packs


@dataclass
class RunState:
    packs: list[Pack]
    index: Index
    key: Any


def run_state(ctx: Context) -> RunState:
    st = ctx.cache.get("resolve.state")
    if st is None:
        packs = ensure_packs(ctx.conn, ctx.packs)
        st = RunState(packs=packs, index=pack_index(packs), key=tuple((p.name, p.hash) for p in packs))
        ctx.cache["resolve.state"] = st
    return st
