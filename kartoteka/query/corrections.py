"""The historian's corrections as KB methods: each records one journal entry (with anchors to
what it names), replays the journal and recomputes the comparisons, and returns the record with
what the replay made of it. The CLI and the web forms call these, never the tables."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from kartoteka.errors import NotFound, UsageError

ROLES = ("subject", "agent", "organization", "office", "place", "other")


class CorrectionQueries:
    conn: sqlite3.Connection
    _batching = False  # inside batch_corrections(): record only, replay once at the end
    # Provided by the other mixins of kartoteka.api.KB.
    resolve_name: Callable[[str], str | None]

    # -- reading ----------------------------------------------------------------------------------

    def corrections(self, *, orphaned: bool = False) -> list[dict[str, Any]]:
        """The journal newest first, each with what the last replay made of it (``state``:
        applied or orphaned, and a ``detail``); with ``orphaned`` only those whose anchor is gone."""
        from kartoteka.curate import journal

        out = [journal.public(e) for e in journal.entries(self.conn, newest_first=True)]
        return [e for e in out if e["state"] == "orphaned"] if orphaned else out

    def source_record(self, doc: str) -> dict[str, Any] | None:
        """The bibliographic record the historian gave a document (author, date, title, genre)."""
        import json

        r = self.conn.execute("SELECT record FROM source_records WHERE doc = ?", (doc,)).fetchone()
        return json.loads(r[0]) if r else None

    def source_records(self) -> dict[str, dict[str, Any]]:
        import json

        return {r[0]: json.loads(r[1]) for r in self.conn.execute("SELECT doc, record FROM source_records")}

    def citations(self) -> dict[str, str]:
        """For each document with a source record, how a citation names it: "Author, Title (Date)"."""
        return {doc: citation_of(r) for doc, r in self.source_records().items()}

    def rejected_factoid_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT id FROM rejected_factoids")}

    def export_corrections(self) -> list[str]:
        """The journal oldest first as JSON Lines (without the trailing newlines)."""
        from kartoteka.curate import journal

        return journal.export_lines(self.conn)

    # -- replaying --------------------------------------------------------------------------------

    def replay_corrections(self) -> dict[str, Any]:
        from kartoteka.curate.replay import replay

        return replay(self.conn)

    def recompute_comparisons(self) -> dict[str, Any]:
        """Replay the journal first, so the comparisons see merges and rejections."""
        self.replay_corrections()
        return super().recompute_comparisons()  # type: ignore[misc]

    def import_corrections(self, lines: Iterable[str]) -> dict[str, Any]:
        from kartoteka.curate import journal
        from kartoteka.store.db import transaction

        with transaction(self.conn):
            counts = journal.import_lines(self.conn, lines)
        if counts["added"]:
            self.recompute_comparisons()
        counts["orphaned"] = len(self.corrections(orphaned=True))
        return counts

    @contextmanager
    def batch_corrections(self) -> Iterator[None]:
        """Record many corrections, then replay and recompute once (an import, a bench)."""
        self._batching = True
        try:
            yield
        finally:
            self._batching = False
        self.recompute_comparisons()

    def _record(self, action: str, target: str, args: dict[str, Any], note: str | None,
                user: str | None) -> dict[str, Any]:
        from kartoteka.curate import journal
        from kartoteka.store.db import transaction

        with transaction(self.conn):
            rec = journal.append(self.conn, action, target, args, note=note, user=user)
        if self._batching:
            return journal.public(rec)
        self.recompute_comparisons()
        return next(e for e in self.corrections() if e["id"] == rec["id"])

    # -- anchors ----------------------------------------------------------------------------------

    def _entity_ref(self, name: str) -> dict[str, Any]:
        eid = self.resolve_name(name) or self._entity_id(name)
        if eid is None:
            raise NotFound(f"no entity matches {name!r}")
        return {"id": eid, "name": name}

    def _entity_id(self, name: str) -> str | None:
        r = self.conn.execute("SELECT id FROM entities WHERE id = ?", (name,)).fetchone()
        return r[0] if r else None

    def _doc_row(self, doc: str) -> sqlite3.Row:
        r = self.conn.execute("SELECT id, doc, sha256, text FROM documents WHERE doc = ?", (doc,)).fetchone()
        if r is None:
            raise NotFound(f"no document named {doc!r} in this KB (see `kartoteka sources`)")
        return r

    def _span(self, doc: str, start: int, end: int) -> dict[str, Any]:
        from kartoteka.curate.anchors import span_anchor

        d = self._doc_row(doc)
        if not 0 <= start < end <= len(d["text"]):
            raise UsageError(f"{start}..{end} is not a span of {doc} (0..{len(d['text'])})")
        return span_anchor(d["doc"], d["sha256"], d["text"], start, end)

    def _factoid_ref(self, fid: str) -> dict[str, Any]:
        import json

        r = self.conn.execute("SELECT f.type, f.start, f.end, d.doc FROM factoids f JOIN documents d ON d.id = f.doc_id"
                              " WHERE f.id = ?", (fid,)).fetchone()
        if r is None:
            row = self.conn.execute("SELECT row, doc_id FROM rejected_factoids WHERE id = ?", (fid,)).fetchone()
            if row is None:
                raise NotFound(f"no factoid {fid!r} in this KB (see `kartoteka factoids --all`)")
            f = json.loads(row[0])
            doc = self.conn.execute("SELECT doc FROM documents WHERE id = ?", (row[1],)).fetchone()[0]
            r = {"type": f["type"], "start": f["start"], "end": f["end"], "doc": doc}
        return {"id": fid, "type": r["type"], "span": self._span(r["doc"], r["start"], r["end"])}

    def _date(self, text: str) -> dict[str, Any]:
        from kartoteka.extract.dates import parse_bound, parse_date

        t = text.strip()
        if re.fullmatch(r"\d{4}(-\d{1,2}){0,2}", t):
            precision = ("year", "month", "day")[t.count("-")]
            return {"text": t, "start": parse_bound(t), "end": parse_bound(t, end=True), "precision": precision}
        v = parse_date(t)
        if v is None or v.start is None:
            raise UsageError(f"not a date: {text!r} (write e.g. 1937, 1937-06 or 12 June 1937)")
        return {"text": t, "start": v.start, "end": v.end or v.start, "precision": v.precision}

    # -- the corrections --------------------------------------------------------------------------

    def merge(self, keep: str, other: str, *, note: str | None = None, user: str | None = None) -> dict[str, Any]:
        """OTHER's aliases, mentions and factoids join KEEP; OTHER's name becomes an alias of KEEP."""
        k, o = self._entity_ref(keep), self._entity_ref(other)
        if k["id"] == o["id"]:
            raise UsageError(f"{keep!r} and {other!r} are already one entity ({k['id']})")
        return self._record("merge", f"{o['id']} -> {k['id']}", {"keep": k, "other": o}, note, user)

    def split(self, name: str, alias: str, new: str | None = None, *, note: str | None = None,
              user: str | None = None) -> dict[str, Any]:
        """The mentions of NAME written as ALIAS leave it for NEW (an existing entity, or a new one)."""
        from kartoteka.resolve.keys import alias_key

        n = self._entity_ref(name)
        key = alias_key(alias)
        texts = [r[0] for r in self.conn.execute("SELECT text FROM mentions WHERE entity_id = ?", (n["id"],))]
        if not any(alias_key(t) == key for t in texts) and not self.conn.execute(
                "SELECT 1 FROM aliases WHERE entity_id = ? AND key = ?", (n["id"], key)).fetchone():
            raise UsageError(f"{n['id']} has no mention or alias {alias!r} to split off")
        target: dict[str, Any] = {"name": new or alias}
        if new:
            eid = self.resolve_name(new)
            if eid and eid != n["id"]:
                target["id"] = eid
        return self._record("split", f"{n['id']} / {alias}", {"name": n, "alias": alias, "as": target}, note, user)

    def link(self, doc: str, start: int, end: int, name: str | None, *, note: str | None = None,
             user: str | None = None) -> dict[str, Any]:
        """The mention at DOC[START:END] stands for NAME (None: for no entity)."""
        span = self._span(doc, start, end)
        args: dict[str, Any] = {"span": span}
        if name is not None:
            args["entity"] = self._entity_ref(name)
        action = "link" if name is not None else "unlink"
        return self._record(action, f"{doc}[{start}:{end}] {span['exact']!r}", args, note, user)

    def alias(self, op: str, name: str, alias: str, *, note: str | None = None, user: str | None = None) -> dict[str, Any]:
        if op not in ("add", "remove"):
            raise UsageError(f"alias {op!r}: say add or remove")
        if not alias.strip():
            raise UsageError("empty alias")
        e = self._entity_ref(name)
        return self._record(f"alias_{op}", f"{e['id']} {alias!r}", {"entity": e, "alias": alias.strip()}, note, user)

    def reject(self, fid: str, *, note: str | None = None, user: str | None = None) -> dict[str, Any]:
        """The factoid is wrong: kept for `factoids --all`, counted nowhere else."""
        return self._record("reject", fid, {"factoid": self._factoid_ref(fid)}, note, user)

    def confirm(self, fid: str, *, note: str | None = None, user: str | None = None) -> dict[str, Any]:
        """The factoid is right (and no longer rejected)."""
        return self._record("confirm", fid, {"factoid": self._factoid_ref(fid)}, note, user)

    def edit(self, fid: str, *, type: str | None = None, date: str | None = None, subject: str | None = None,
             roles: dict[str, str] | None = None, note: str | None = None, user: str | None = None) -> dict[str, Any]:
        args: dict[str, Any] = {"factoid": self._factoid_ref(fid)}
        if type:
            args["type"] = _factoid_type(type)
        if date:
            args["date"] = self._date(date)
        out_roles: dict[str, Any] = {}
        for role, value in (({"subject": subject} if subject else {}) | (roles or {})).items():
            if role not in ROLES:
                raise UsageError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
            out_roles[role] = value if role == "office" else self._entity_ref(value)
        if out_roles:
            args["roles"] = out_roles
        if len(args) == 1:
            raise UsageError("nothing to edit: give --type, --date, --subject or --role ROLE=NAME")
        return self._record("edit", fid, args, note, user)

    def assert_factoid(self, doc: str, quote: str, type: str, subject: str, date: str | None = None, *,
                       note: str | None = None, user: str | None = None, near: int | None = None) -> dict[str, Any]:
        """A hand-made factoid citing the span of DOC that reads QUOTE (the occurrence nearest
        ``near`` where there are several)."""
        from kartoteka.curate.anchors import find_quote

        d = self._doc_row(doc)
        where = find_quote(d["text"], quote, near)
        if where is None:
            raise UsageError(f"{doc} has no text {quote.strip()[:60]!r}")
        args: dict[str, Any] = {"span": self._span(doc, *where), "type": _factoid_type(type),
                                "subject": self._entity_ref(subject)}
        if date:
            args["date"] = self._date(date)
        return self._record("assert", f"{type} of {args['subject']['id']} at {doc}[{where[0]}:{where[1]}]", args,
                            note, user)

    def record_source(self, doc: str, *, author: str | None = None, date: str | None = None,
                      title: str | None = None, genre: str | None = None, note: str | None = None,
                      user: str | None = None) -> dict[str, Any]:
        """The bibliographic record of a document, printed with its citations."""
        self._doc_row(doc)
        record = {k: v.strip() for k, v in (("author", author), ("date", date), ("title", title), ("genre", genre))
                  if v and v.strip()}
        if not record:
            raise UsageError("nothing to record: give --author, --date, --title or --genre")
        return self._record("source", doc, {"doc": doc, "record": record}, note, user)

    def asserted_factoid_id(self, correction_id: str) -> str:
        from kartoteka.curate.actions import asserted_id

        return asserted_id(correction_id)


_FACTOID_COLS = ("id", "doc_id", "type", "subject_id", "roles", "date_text", "date_start", "date_end", "date_precision",
                 "date_flag", "value", "start", "end", "voice", "hedged", "negated", "fiction", "confidence", "attrs")


def citation_of(record: dict[str, Any]) -> str:
    """How a citation names a document with this source record: "Author, Title (Date)"."""
    head = ", ".join(x for x in (record.get("author"), record.get("title")) if x)
    return (head + (f" ({record['date']})" if record.get("date") else "")).strip()


def with_rejected_sql() -> str:
    """A FROM clause of the factoids and the rejected factoids together (`factoids --all`)."""
    cols = ", ".join(_FACTOID_COLS)
    rejected = ", ".join(c if c in ("id", "doc_id") else f"{_typed(c)} AS {c}" for c in _FACTOID_COLS)
    return f"(SELECT {cols} FROM factoids UNION ALL SELECT {rejected} FROM rejected_factoids)"


_INT_COLS = {"start", "end", "hedged", "negated", "fiction"}


def _typed(col: str) -> str:
    """A rejected factoid's column read from its JSON row with the column's own type (a UNION
    with the factoids table needs the same types on every backend)."""
    value = f"json_extract(row, '$.{col}')"
    if col in _INT_COLS:
        return f"CAST({value} AS INTEGER)"
    return f"CAST({value} AS REAL)" if col == "confidence" else value


def _factoid_type(t: str) -> str:
    t = t.strip().lower()
    if not re.fullmatch(r"[a-z_]+", t):
        raise UsageError(f"not a factoid type: {t!r}")
    return t
