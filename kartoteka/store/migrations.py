"""The KB schema as an ordered list of migrations; PRAGMA user_version records how far a KB is.

Append new migrations; never edit one that has shipped.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: documents, their structure, and the passage index.
    """
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        doc TEXT NOT NULL UNIQUE,          -- the file's base name: the public identifier
        path TEXT NOT NULL,
        format TEXT NOT NULL,              -- txt, md, html, epub, pdf, docx
        sha256 TEXT NOT NULL,              -- of the file's bytes: idempotent re-ingest
        title TEXT NOT NULL,
        text TEXT NOT NULL,                -- the stored text; every offset indexes it
        chars INTEGER NOT NULL,
        encoding TEXT,
        genre TEXT,
        profile TEXT,                      -- JSON, filled by source criticism
        meta TEXT NOT NULL DEFAULT '{}',   -- JSON
        ingested_at TEXT NOT NULL
    );
    -- Structure as offset ranges into documents.text. kind: part, chapter, section, heading,
    -- paragraph, page, page_marker, boilerplate, comment, editorial, epigraph, blockquote, toc.
    CREATE TABLE segments (
        id INTEGER PRIMARY KEY,
        doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        label TEXT,                        -- title, printed page number, speaker, author
        attrs TEXT NOT NULL DEFAULT '{}'   -- JSON
    );
    CREATE INDEX segments_doc_kind ON segments(doc_id, kind, start);
    -- Paragraph-sized units of analysis and search. body is the analysis view (page markers
    -- dropped, hyphenation joined, quotes folded); start/end index the stored text.
    CREATE TABLE passages (
        id INTEGER PRIMARY KEY,
        doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        layer TEXT NOT NULL DEFAULT 'main', -- main, comment, editorial, quote
        section TEXT,
        page TEXT,
        body TEXT NOT NULL,
        offsets BLOB                        -- packed map from body positions to stored offsets
    );
    CREATE INDEX passages_doc ON passages(doc_id, seq);
    CREATE VIRTUAL TABLE passages_fts USING fts5(
        body, content='passages', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2"
    );
    CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
        INSERT INTO passages_fts(rowid, body) VALUES (new.id, new.body);
    END;
    CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
        INSERT INTO passages_fts(passages_fts, rowid, body) VALUES ('delete', old.id, old.body);
    END;
    """,
    # 2: entities, mentions, relations, factoids, conflicts, embeddings.
    """
    CREATE TABLE entities (
        id TEXT PRIMARY KEY,               -- 'soviet:stalin' for pack entries, 'u:...' unlinked
        name TEXT NOT NULL,
        type TEXT NOT NULL,                -- person, organization, place, event, work, other
        description TEXT,
        pack TEXT,
        qid TEXT,
        linked INTEGER NOT NULL DEFAULT 0, -- 1 when backed by a pack entry
        data TEXT NOT NULL DEFAULT '{}'    -- JSON: dates, offices, lineage from the pack
    );
    CREATE TABLE aliases (
        id INTEGER PRIMARY KEY,
        entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
        alias TEXT NOT NULL,
        key TEXT NOT NULL,                 -- normalised lookup key (resolve.keys)
        kind TEXT NOT NULL,                -- pack, surface, stated
        doc_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER,
        end INTEGER
    );
    CREATE INDEX aliases_key ON aliases(key);
    CREATE INDEX aliases_entity ON aliases(entity_id);
    CREATE TABLE mentions (
        id INTEGER PRIMARY KEY,
        doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL,
        label TEXT NOT NULL,               -- PERSON, ORG, GPE, LOC, EVENT, WORK_OF_ART, ...
        entity_id TEXT REFERENCES entities(id) ON DELETE SET NULL,
        confidence REAL NOT NULL DEFAULT 1.0,
        features TEXT NOT NULL DEFAULT '{}' -- JSON: title, role
    );
    CREATE INDEX mentions_doc ON mentions(doc_id, start);
    CREATE INDEX mentions_entity ON mentions(entity_id);
    CREATE TABLE relations (
        id INTEGER PRIMARY KEY,
        src_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
        dst_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
        type TEXT NOT NULL,                -- succeeded_by, renamed_to, part_of, ...
        date_start TEXT,
        date_end TEXT,
        doc_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER,
        end INTEGER,
        attrs TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX relations_src ON relations(src_id);
    CREATE INDEX relations_dst ON relations(dst_id);
    CREATE TABLE factoids (
        id TEXT PRIMARY KEY,
        doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        subject_id TEXT REFERENCES entities(id) ON DELETE SET NULL,
        roles TEXT NOT NULL DEFAULT '{}',  -- JSON: role -> entity id(s) or text
        date_text TEXT,
        date_start TEXT,
        date_end TEXT,
        date_precision TEXT,
        date_flag TEXT,                    -- e.g. 'impossible' for "31 November"
        value TEXT,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        voice TEXT NOT NULL DEFAULT 'author',
        hedged INTEGER NOT NULL DEFAULT 0,
        negated INTEGER NOT NULL DEFAULT 0,
        fiction INTEGER NOT NULL DEFAULT 0,
        confidence REAL NOT NULL DEFAULT 1.0,
        attrs TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX factoids_subject ON factoids(subject_id, type);
    CREATE INDEX factoids_doc ON factoids(doc_id);
    CREATE INDEX factoids_date ON factoids(date_start);
    -- Derived by the compare stage; recomputed as a whole.
    CREATE TABLE factoid_groups (
        factoid_id TEXT PRIMARY KEY REFERENCES factoids(id) ON DELETE CASCADE,
        group_id TEXT NOT NULL,
        corroboration INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE conflicts (
        id TEXT PRIMARY KEY,
        entity_id TEXT,
        type TEXT NOT NULL,
        field TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'sources', -- sources, self, reference
        data TEXT NOT NULL                     -- JSON: values with factoid ids and spans
    );
    CREATE TABLE embeddings (
        passage_id INTEGER PRIMARY KEY REFERENCES passages(id) ON DELETE CASCADE,
        model TEXT NOT NULL,
        vector BLOB NOT NULL
    );
    """,
]
MIGRATIONS.append(
    # 3: transliteration keys on aliases (cross-spelling lookup) and the packs loaded into the KB.
    """
    ALTER TABLE aliases ADD COLUMN tkey TEXT;   -- resolve.keys.translit_key(alias)
    CREATE INDEX aliases_tkey ON aliases(tkey);
    CREATE TABLE packs (
        name TEXT PRIMARY KEY,
        hash TEXT NOT NULL,                -- sha256 of the pack's YAML files: reload on change
        title TEXT,
        entities INTEGER NOT NULL DEFAULT 0,
        loaded_at TEXT NOT NULL
    );
    """
)
MIGRATIONS.append(
    # 4: what the compare stage derives: per-factoid corroboration details, conflicts by document.
    """
    ALTER TABLE factoid_groups ADD COLUMN info TEXT NOT NULL DEFAULT '{}';  -- JSON: corroborated_by, conflicts, reference
    CREATE INDEX factoid_groups_group ON factoid_groups(group_id);
    ALTER TABLE conflicts ADD COLUMN docs TEXT NOT NULL DEFAULT '[]';       -- JSON: the documents involved
    CREATE INDEX conflicts_entity ON conflicts(entity_id);
    """
)
MIGRATIONS.append(
    # 5: run-level state of the KB: "comparisons_stale" is set in the transaction that stores a
    # document and cleared when corroboration and conflicts are recomputed, so an ingest killed in
    # between is finished by the next run.
    """
    CREATE TABLE kb_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """
)
MIGRATIONS.append(
    # 6: events (issue 14): one row per happening, derived by the compare stage and rewritten as a
    # whole; which factoids tell each event, with voice, stance and the witness each counts as;
    # each conflict's event and its rank (how many independent witnesses hold each side).
    """
    CREATE TABLE events (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,                -- the happening's most told type: execution, arrest, count
        family TEXT NOT NULL,              -- compare.yaml families: death, appointment, ...
        subject_id TEXT,
        label TEXT NOT NULL,               -- canonical one-line description
        date_text TEXT,                    -- ISO at its precision, as the sources support it
        date_start TEXT,
        date_end TEXT,
        date_precision TEXT,
        date_disputed INTEGER NOT NULL DEFAULT 0,
        sources INTEGER NOT NULL DEFAULT 0,     -- documents that tell it
        independent INTEGER NOT NULL DEFAULT 0, -- independent witnesses that assert it
        conflict_id TEXT                    -- its top-ranked conflict, if disputed
    );
    CREATE INDEX events_subject ON events(subject_id, type);
    CREATE INDEX events_date ON events(date_start);
    CREATE TABLE event_factoids (
        event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        factoid_id TEXT NOT NULL REFERENCES factoids(id) ON DELETE CASCADE,
        voice TEXT NOT NULL,
        stance TEXT NOT NULL,              -- asserts, disputes, hedged
        witness TEXT NOT NULL,             -- the independent voice it counts as
        independent INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (event_id, factoid_id)
    );
    CREATE INDEX event_factoids_factoid ON event_factoids(factoid_id);
    ALTER TABLE conflicts ADD COLUMN event_id TEXT;
    ALTER TABLE conflicts ADD COLUMN rank INTEGER NOT NULL DEFAULT 0;
    """
)
MIGRATIONS.append(
    # 7: the historian's corrections (kartoteka/curate). `corrections` is the journal: append-only,
    # the one place a correction lives. Replay rebuilds everything else here from it: what each
    # correction did (correction_status), the rejected factoids, the source records, and the undo
    # log that lets the next replay start again from the machine's rows.
    """
    CREATE TABLE corrections (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        action TEXT NOT NULL,              -- merge, split, link, unlink, alias_add, alias_remove, ...
        target TEXT NOT NULL,              -- what it names, for people
        args TEXT NOT NULL,                -- JSON: the arguments and their anchors
        note TEXT,
        user TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TRIGGER corrections_no_update BEFORE UPDATE ON corrections BEGIN
        SELECT RAISE(ABORT, 'the corrections journal is append-only');
    END;
    CREATE TRIGGER corrections_no_delete BEFORE DELETE ON corrections BEGIN
        SELECT RAISE(ABORT, 'the corrections journal is append-only');
    END;
    CREATE TABLE correction_status (
        id TEXT PRIMARY KEY,               -- corrections.id
        state TEXT NOT NULL,               -- applied, orphaned
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE curation_undo (
        seq INTEGER PRIMARY KEY,
        tbl TEXT NOT NULL,
        key TEXT NOT NULL,                 -- the row's id
        before TEXT,                       -- JSON row before replay touched it; NULL: replay added it
        after TEXT                         -- JSON row as replay left it; NULL: replay removed it
    );
    CREATE TABLE rejected_factoids (
        id TEXT PRIMARY KEY,
        doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        correction TEXT NOT NULL,
        row TEXT NOT NULL                  -- JSON: the factoids row as it was
    );
    CREATE TABLE source_records (
        doc TEXT PRIMARY KEY,
        record TEXT NOT NULL               -- JSON: author, date, title, genre, note
    );
    """
)
MIGRATIONS.append(
    # Mentions by entity with their document and offset in the index itself (issue 18, web
    # speed): the most-mentioned entities of the home page, a dossier's co-mentions and its
    # counts per source read this index alone, not every mention row with its JSON features.
    """
    CREATE INDEX mentions_entity_doc ON mentions(entity_id, doc_id, start);
    """
)
MIGRATIONS.append(
    # The fiction filter of every ask reads documents by genre; without an index it walks each
    # document row, whose text column spans many overflow pages (issue 15, cold ask).
    """
    CREATE INDEX documents_genre ON documents(genre, doc);
    """
)


def _role_backfill(roles: tuple[str, ...]) -> str:
    """One INSERT per role: the factoid_roles rows of the factoids whose role is a single entity id
    (a JSON path must be a literal for the PostgreSQL translation, so no join over role names)."""
    return "".join(
        f"""    INSERT INTO factoid_roles (factoid_id, role, entity_id)
        SELECT id, '{r}', json_extract(roles, '$.{r}') FROM factoids
        WHERE substr(json_extract(roles, '$.{r}'), 1, 1) NOT IN ('', '[', '{{');
""" for r in roles)


# The roles a factoid can name an entity in when the factoid_roles migration runs (the office is a
# text, not an entity).
_ROLE_BACKFILL = _role_backfill(("subject", "agent", "organization", "place", "other"))


MIGRATIONS.append(
    # The entities each factoid names in a role, as rows (issue 17): "the factoids that name X"
    # reads an index instead of matching the roles JSON with LIKE, which no index can serve.
    # roles stays the factoid's own form for display; whatever writes roles writes these rows
    # too (kartoteka.store.writer.write_factoid_roles). Every role but the office (a text);
    # a list role (other) one row per item. No foreign key to entities: like roles, a row
    # keeps the id of an entity that is gone. The backfill reads the roles of an existing KB.
    # Also entities by their lowercased name: every name lookup (entity, factoids) tries the name
    # as written, which was a walk over every entity.
    """
    CREATE INDEX entities_lower_name ON entities(lower(name));
    CREATE TABLE factoid_roles (
        factoid_id TEXT NOT NULL REFERENCES factoids(id) ON DELETE CASCADE,
        role TEXT NOT NULL,                -- subject, agent, organization, place, other
        entity_id TEXT NOT NULL,
        PRIMARY KEY (factoid_id, role, entity_id)
    );
    CREATE INDEX factoid_roles_entity ON factoid_roles(entity_id, factoid_id);
"""
    + _ROLE_BACKFILL
    + """    INSERT OR IGNORE INTO factoid_roles (factoid_id, role, entity_id)
        SELECT factoids.id, 'other', json_each.value FROM factoids, json_each(json_extract(factoids.roles, '$.other'))
        WHERE substr(json_extract(factoids.roles, '$.other'), 1, 1) = '[' AND json_each.value != '';
    """
)
MIGRATIONS.append(
    # Word vectors of the KB's vocabulary (issue 15): each word that occurs in at least two indexed
    # passages, encoded once by the embedding model at embed time, with its passage count. Search
    # reranks its candidates by how closely a passage's words match the query's words in meaning
    # ("uprising" for "insurrection"), which the model's passage vectors blur and BM25 cannot see
    # (kartoteka.query.softmatch). Rebuilt for new words whenever passages are embedded. One row
    # per model, each column one block: a cold search reads it whole, and one blob of 8.9 MB reads
    # several times faster than 11,500 rows of 768 bytes.
    """
    CREATE TABLE word_vectors (
        model TEXT PRIMARY KEY,
        words TEXT NOT NULL,               -- the vocabulary, one word a line, sorted
        passages BLOB NOT NULL,            -- int32 per word: the passages it occurs in
        vectors BLOB NOT NULL              -- half floats, one vector per word, in the words' order
    );
    """
)
