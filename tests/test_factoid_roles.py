"""The factoid_roles table (issue 17): the entities a factoid names in its roles, as rows that the
queries join, on both backends: the migration fills it from an existing KB's roles, the writer
keeps it with every factoid, and corrections that change roles change it too."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from kartoteka import KB
from kartoteka.analysis import AliasRecord, Analysis, EntityRecord, Factoid, Mention
from kartoteka.store.db import connect, migrate, migrate_postgres
from kartoteka.store.dialect import translate
from kartoteka.store.migrations import MIGRATIONS
from kartoteka.store.postgres import PgConnection, is_url, primary_keys
from kartoteka.store.writer import write_analysis

# Written for this test: invented people and a harbour board of a port town in the 1880s.
TEXT = ("Harbour minutes\n\nHalvard Ostby was appointed pilot of the Vestby Harbour Board in 1882 on the word of "
        "Ingrid Solheim.\n\nLater Ostby quarrelled with Solheim over the new quay.\n")
PEOPLE = {"u:ostby": ("Halvard Ostby", "person"), "u:solheim": ("Ingrid Solheim", "person"),
          "u:board": ("Vestby Harbour Board", "organization")}
APPOINTED = {"subject": "u:ostby", "office": "pilot", "organization": "u:board", "other": ["u:solheim"]}
QUARREL = {"subject": "u:ostby", "other": ["u:solheim"]}


def _rows(conn: Any) -> set[tuple[str, str, str]]:
    return {tuple(r) for r in conn.execute("SELECT factoid_id, role, entity_id FROM factoid_roles")}


def _roles_migration() -> int:
    """The index of the migration that adds factoid_roles (not a fixed number: migrations are
    renumbered when branches merge)."""
    return next(i for i, m in enumerate(MIGRATIONS) if "CREATE TABLE factoid_roles" in m)


def _analysis(roles: dict[str, Any] | None = None) -> Analysis:
    first = TEXT.index("Halvard")
    second = TEXT.index("Later")
    return Analysis(
        doc="harbour.txt", path="harbour.txt", format="txt", sha256="0" * 64, text=TEXT, title="Harbour minutes",
        entities=[EntityRecord(eid, name, etype) for eid, (name, etype) in PEOPLE.items()],
        aliases=[AliasRecord(eid, name, "surface") for eid, (name, _t) in PEOPLE.items()],
        # document-born entities stay while a mention names them
        mentions=[Mention(TEXT.index(name), TEXT.index(name) + len(name), name,
                          "PERSON" if etype == "person" else "ORG", eid) for eid, (name, etype) in PEOPLE.items()],
        factoids=[Factoid("fa1", "appointment", "u:ostby", first, TEXT.index("\n\nLater"),
                          roles=roles or APPOINTED, date_text="1882", date_start="1882-01-01", date_end="1882-12-31",
                          date_precision="year"),
                  Factoid("fq1", "dispute", "u:ostby", second, len(TEXT) - 1, roles=QUARREL)])


def _old_kb(target: str | Path) -> None:
    """A KB as Kartoteka left it before factoid_roles: the schema up to that migration, and a
    document, its entities and two factoids written straight into the tables of that day."""
    n = _roles_migration()
    if is_url(target):
        conn: Any = PgConnection(str(target))
        conn.primary_keys = primary_keys(MIGRATIONS)
        migrate_postgres(conn, target=n)
    else:
        conn = sqlite3.connect(target, isolation_level=None)
        migrate(conn, 0, target=n)
    conn.execute("INSERT INTO documents (doc, path, format, sha256, title, text, chars, ingested_at)"
                 " VALUES ('harbour.txt', 'harbour.txt', 'txt', ?, 'Harbour minutes', ?, ?, '2026-01-01')",
                 ("0" * 64, TEXT, len(TEXT)))
    doc_id = conn.execute("SELECT id FROM documents").fetchone()[0]
    for eid, (name, etype) in PEOPLE.items():
        conn.execute("INSERT INTO entities (id, name, type) VALUES (?,?,?)", (eid, name, etype))
    for f in _analysis().factoids:
        conn.execute("INSERT INTO factoids (id, doc_id, type, subject_id, roles, start, end) VALUES (?,?,?,?,?,?,?)",
                     (f.id, doc_id, f.type, f.subject_id, json.dumps(f.roles), f.start, f.end))
    conn.close()


EXPECTED = {("fa1", "subject", "u:ostby"), ("fa1", "organization", "u:board"), ("fa1", "other", "u:solheim"),
            ("fq1", "subject", "u:ostby"), ("fq1", "other", "u:solheim")}


def test_the_migration_fills_the_table_from_the_roles_of_an_existing_kb(new_kb) -> None:
    target = new_kb()
    _old_kb(target)
    conn = connect(target)  # migrates the rest of the way
    assert _rows(conn) == EXPECTED  # the office is a text, not a row
    conn.close()
    with KB(target, create=False) as kb:
        # Solheim is no subject: the factoids name her in a role only
        assert [f["id"] for f in kb.factoids(entity="u:solheim")] == ["fa1", "fq1"]
        assert [f["id"] for f in kb.factoids(entity="u:board")] == ["fa1"]


def test_the_writer_keeps_the_rows_with_the_factoids_and_queries_join_them(new_kb) -> None:
    target = new_kb()
    with KB(target) as kb:
        write_analysis(kb.conn, _analysis())
        assert _rows(kb.conn) == EXPECTED
        assert [f["id"] for f in kb.factoids(entity="Ingrid Solheim")] == ["fa1", "fq1"]
        assert kb.factoids(entity="Ingrid Solheim", role="subject") == []
        assert [f["id"] for f in kb.entity_factoids("u:board")] == ["fa1"]
        # the document again with other roles: the rows follow (an upsert on PostgreSQL)
        write_analysis(kb.conn, _analysis({"subject": "u:ostby", "agent": "u:solheim"}))
        assert {r for r in _rows(kb.conn) if r[0] == "fa1"} == {("fa1", "subject", "u:ostby"),
                                                                 ("fa1", "agent", "u:solheim")}
        assert [f["id"] for f in kb.factoids(entity="Vestby Harbour Board")] == []
        fa1 = kb.factoids(entity="Ingrid Solheim")[0]
        assert fa1["roles"]["agent"]["name"] == "Ingrid Solheim"


def test_a_rejected_factoid_leaves_the_table_and_is_still_found_with_the_rejected(new_kb) -> None:
    target = new_kb()
    with KB(target) as kb:
        write_analysis(kb.conn, _analysis())
        kb.reject("fq1")
        assert {r[0] for r in _rows(kb.conn)} == {"fa1"}
        assert [f["id"] for f in kb.factoids(entity="Ingrid Solheim")] == ["fa1"]
        found = kb.factoids(entity="Ingrid Solheim", rejected=True)
        assert [(f["id"], f["rejected"]) for f in found] == [("fa1", False), ("fq1", True)]
        kb.confirm("fq1")
        assert _rows(kb.conn) == EXPECTED


def test_a_merge_moves_the_role_rows_to_the_entity_kept(new_kb) -> None:
    target = new_kb()
    with KB(target) as kb:
        write_analysis(kb.conn, _analysis())
        kb.merge("Halvard Ostby", "Ingrid Solheim")
        assert ("fa1", "other", "u:ostby") in _rows(kb.conn)
        assert not [r for r in _rows(kb.conn) if r[2] == "u:solheim"]
        assert [f["id"] for f in kb.factoids(entity="Vestby Harbour Board")] == ["fa1"]


def test_json_arrays_translate_for_postgresql() -> None:
    assert translate("SELECT json_group_array(json_array(r.entity_id, e.name)) FROM r") == (
        "SELECT (json_agg(json_build_array(r.entity_id, e.name)))::text FROM r")
    assert translate("SELECT json_group_array(DISTINCT alias) FROM a") == "SELECT (json_agg(DISTINCT alias))::text FROM a"


def test_two_entities_of_one_name_are_each_a_candidate_once(new_kb) -> None:
    """The alias keys and the name as written find the same entities: each counts once."""
    target = new_kb()
    a = _analysis()
    name = PEOPLE["u:ostby"][0]
    a.entities.append(EntityRecord("u:ostby-2", name, "person"))
    a.aliases.append(AliasRecord("u:ostby-2", name, "surface"))
    later = TEXT.index("Ostby", TEXT.index("Later"))
    a.mentions.append(Mention(later, later + len("Ostby"), "Ostby", "PERSON", "u:ostby-2"))
    with KB(target) as kb:
        write_analysis(kb.conn, a)
        assert sorted(kb.name_candidates(name)) == ["u:ostby", "u:ostby-2"]
