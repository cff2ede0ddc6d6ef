"""What an export covers: the options `--entity`, `--type` and `--source` turned into streams of
KB records that every format writes. Only KB API calls here, never SQL.

* no option: everything the sources mention, every factoid, relation and conflict;
* `--source DOC`: what DOC mentions and asserts (relations: the pack's and DOC's own);
* `--entity NAME`: that entity, the factoids naming it in any role, the relations touching it,
  its mentions and conflicts;
* `--type T`: an entity type (person, organization, ...) keeps entities of that type and the
  factoids whose subject is one; a factoid type (arrest, appointment, ...) keeps those factoids
  and the entities they name. The two vocabularies do not overlap.

Options combine (all must hold). Entities that a kept factoid or relation names but the scope
leaves out are still written (as referenced entities), so every id in an export resolves.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kartoteka.api import KB
from kartoteka.errors import NotFound, UsageError

ENTITY_TYPES = ("person", "organization", "place", "event", "work", "other")
EVERY = 1 << 62  # a list query's limit that never binds


@dataclass(frozen=True)
class Scope:
    entity: str | None = None          # the name as given
    entity_id: str | None = None       # what it resolves to
    entity_type: str | None = None
    factoid_type: str | None = None
    source: str | None = None

    @property
    def filtered(self) -> bool:
        return any((self.entity_id, self.entity_type, self.factoid_type, self.source))


def make_scope(kb: KB, *, entity: str | None = None, type: str | None = None,
               source: str | None = None, factoid_types: tuple[str, ...] = ()) -> Scope:
    """Check the options against the KB: an unknown type is bad input (exit 2), an unknown
    entity or document is nothing found (exit 3)."""
    entity_type = factoid_type = None
    if type is not None:
        if type in ENTITY_TYPES:
            entity_type = type
        elif type in factoid_types:
            factoid_type = type
        else:
            raise UsageError(f"unknown type {type!r}: an entity type ({', '.join(ENTITY_TYPES)}) or a factoid type")
    if source is not None and source not in {s["doc"] for s in kb.sources()}:
        raise NotFound(f"no document named {source!r} in this KB (see `kartoteka sources`)")
    entity_id = None
    if entity is not None:
        entity_id = kb.resolve_name(entity)
        if entity_id is None:
            raise NotFound(f"no entity matches {entity!r}")
    return Scope(entity, entity_id, entity_type, factoid_type, source)


@dataclass
class Selection:
    """The records of one scope, as streams. ``core_ids`` are the entities the scope selects
    itself; ``referenced`` collects the ids that written factoids and relations name, so a
    writer can add the entities it has not written yet (``pending``)."""

    kb: KB
    scope: Scope
    written: set[str] = field(default_factory=set)
    referenced: set[str] = field(default_factory=set)
    _core: list[str] | None = None

    # -- entities ------------------------------------------------------------------------------

    def core_ids(self) -> list[str]:
        if self._core is None:
            self._core = self._select_core()
        return self._core

    def _select_core(self) -> list[str]:
        s = self.scope
        if s.entity_id is not None:
            return [s.entity_id] if s.entity_type in (None, self._type_of(s.entity_id)) else []
        if s.factoid_type is not None:
            return list(dict.fromkeys(ref["id"] for f in self.factoids() for ref in role_refs(f)))
        return self.mentioned(s.entity_type, s.source)

    def mentioned(self, type: str | None, source: str | None) -> list[str]:
        return [e["id"] for e in self.kb.entities(type=type, source=source, limit=EVERY)]

    def _type_of(self, eid: str) -> str | None:
        for rec in self.kb.entity_records([eid]):
            return str(rec["type"])
        return None

    def entities(self) -> Iterator[dict[str, Any]]:
        """The core entities' records; each is marked written."""
        for rec in self.kb.entity_records(self.core_ids()):
            self.written.add(rec["id"])
            yield rec

    def pending(self) -> Iterator[dict[str, Any]]:
        """Records of the entities referenced but not yet written (call after the other streams)."""
        ids = sorted(self.referenced - self.written)
        self.written.update(ids)  # ids that name no entity are settled too
        yield from self.kb.entity_records(ids)

    # -- statements ----------------------------------------------------------------------------

    def documents(self) -> list[dict[str, Any]]:
        docs = self.kb.sources()
        return [d for d in docs if d["doc"] == self.scope.source] if self.scope.source else docs

    def factoids(self, *, track: bool = False) -> Iterator[dict[str, Any]]:
        """The factoids in scope, one document at a time (each document's list is one query);
        with ``track`` the entities they name join ``referenced``."""
        s = self.scope
        for doc in self.documents():
            for f in self.kb.factoids(s.entity, s.factoid_type, doc["doc"]):
                if s.entity_type and f["roles"].get("subject", {}).get("type") != s.entity_type:
                    continue
                if track:
                    self.referenced.update(r["id"] for r in role_refs(f))
                yield f

    def mentions(self) -> Iterator[dict[str, Any]]:
        """Each document's mentions (with their doc) of the core entities; with no option, every
        mention, unresolved ones included."""
        keep = set(self.core_ids()) if self.scope.filtered else None
        for doc in self.documents():
            for m in self.kb.mentions(doc["doc"]):
                ent = m.get("entity")
                if keep is not None and (ent is None or ent["id"] not in keep):
                    continue
                yield {"doc": doc["doc"], **m}

    def relations(self, *, track: bool = False) -> Iterator[dict[str, Any]]:
        s = self.scope
        if not s.filtered:
            rows = self.kb.relation_records()
        elif s.entity_id is not None:
            rows = self.kb.relation_records(self.core_ids(), touching=True, source=s.source)
        else:
            rows = self.kb.relation_records(set(self.core_ids()), source=s.source)
        for r in rows:
            if track:
                self.referenced.update((r["from"]["id"], r["to"]["id"]))
            yield r

    def conflicts(self) -> Iterator[dict[str, Any]]:
        """Conflicts in CONTRACT's shape, where the KB finds them (its compare layer may be absent)."""
        finder = getattr(self.kb, "conflicts", None)
        if not callable(finder):
            return
        s = self.scope
        for c in finder(entity=s.entity, source=s.source):
            if s.factoid_type and c.get("type") != s.factoid_type:
                continue
            if s.entity_type and (c.get("entity") or {}).get("type") != s.entity_type:
                continue
            yield c

    @property
    def has_conflicts(self) -> bool:
        return callable(getattr(self.kb, "conflicts", None))


def role_refs(f: dict[str, Any]) -> list[dict[str, Any]]:
    """The entity references among a factoid's roles, subject first."""
    out = []
    for key, v in f["roles"].items():
        if key == "office":
            continue
        for ref in v if isinstance(v, list) else [v]:
            if isinstance(ref, dict) and ref.get("id"):
                out.append(ref)
    return out


def require_some(counts: dict[str, int]) -> None:
    """An export with no entity and no factoid found nothing (exit 3, and no file is left)."""
    if not counts.get("entities") and not counts.get("factoids"):
        raise NotFound("nothing to export in this scope")
