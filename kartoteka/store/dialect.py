"""SQLite's SQL, as the stages write it, translated once for PostgreSQL.

The stages and queries write one dialect (SQLite's); this module is the one place that knows how
PostgreSQL spells the same thing: ``?`` placeholders, INSERT OR IGNORE/REPLACE, the reserved
column names ``end`` and ``user``, json_each/json_extract, two-argument min/max, case-insensitive
LIKE, and SQLite's NULL ordering (NULLs sort first ascending, last descending). Statements are
tokenised (string literals and quoted names kept whole), so nothing inside a literal changes.
"""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(r"""'(?:[^']|'')*'|"[^"]*"|\w+|\s+|.""", re.S)
# Column names that PostgreSQL reserves but the schema uses unquoted.
_RESERVED = {"end", "user"}
_CLAUSE_END = {"limit", "offset", "union", "except", "intersect", "returning", "on"}


def split_tokens(sql: str) -> list[str]:
    return _TOKEN.findall(sql)


def _word(tok: str) -> str:
    return tok.lower() if tok[:1].isalnum() or tok[:1] == "_" else ""


@lru_cache(maxsize=4096)
def translate(sql: str, primary_keys: tuple[tuple[str, str], ...] = ()) -> str:
    """PostgreSQL's text for one SQLite statement (``primary_keys``: table -> conflict target,
    for INSERT OR REPLACE)."""
    toks = split_tokens(sql)
    toks, conflict = _insert_or(toks, dict(primary_keys))
    toks = _functions(toks)
    toks = _group_order(toks)
    toks = _order_nulls(toks)
    out: list[str] = []
    case_depth = 0
    for i, tok in enumerate(toks):
        w = _word(tok)
        if tok == "?":
            tok = "%s"
        elif tok == "%":
            tok = "%%"
        elif w == "case":
            case_depth += 1
        elif w == "end" and case_depth and not _after_dot(toks, i):
            case_depth -= 1
        elif w in _RESERVED:
            tok = f'"{tok.lower()}"'
        elif w == "like":
            tok = "ILIKE"
        elif w == "real":  # SQLite's REAL is 8 bytes; PostgreSQL's is 4
            tok = "DOUBLE PRECISION"
        out.append(tok)
    text = "".join(out).rstrip().rstrip(";")
    return text + conflict


def _after_dot(toks: list[str], i: int) -> bool:
    j = i - 1
    while j >= 0 and toks[j].isspace():
        j -= 1
    return j >= 0 and toks[j] == "."


def _next_words(toks: list[str], i: int, n: int) -> list[tuple[int, str]]:
    """The next ``n`` non-space tokens after position ``i`` as (index, lowercased text)."""
    out = []
    j = i + 1
    while j < len(toks) and len(out) < n:
        if not toks[j].isspace():
            out.append((j, toks[j].lower()))
        j += 1
    return out


def _insert_or(toks: list[str], pks: dict[str, str]) -> tuple[list[str], str]:
    """INSERT OR IGNORE -> ON CONFLICT DO NOTHING; INSERT OR REPLACE -> ON CONFLICT (key) DO
    UPDATE every other named column (the row is replaced in place)."""
    for i, tok in enumerate(toks):
        if _word(tok) != "insert":
            continue
        nxt = _next_words(toks, i, 5)
        if len(nxt) < 4 or nxt[0][1] != "or" or nxt[1][1] not in ("ignore", "replace"):
            return toks, ""
        mode, table = nxt[1][1], nxt[3][1]
        rest = toks[:i + 1] + toks[nxt[1][0] + 1:]
        if mode == "ignore":
            return rest, " ON CONFLICT DO NOTHING"
        cols = _column_list(toks, nxt[3][0])
        key = pks.get(table)
        if not key or not cols:
            raise ValueError(f"INSERT OR REPLACE into {table}: no primary key or column list known")
        keys = {k.strip() for k in key.split(",")}
        sets = ", ".join(f"{_quote(c)} = EXCLUDED.{_quote(c)}" for c in cols if c not in keys)
        action = f"DO UPDATE SET {sets}" if sets else "DO NOTHING"
        return rest, f" ON CONFLICT ({', '.join(_quote(k) for k in sorted(keys))}) {action}"
    return toks, ""


def _quote(col: str) -> str:
    return f'"{col}"' if col in _RESERVED else col


def _column_list(toks: list[str], table_at: int) -> list[str]:
    nxt = _next_words(toks, table_at, 1)
    if not nxt or nxt[0][1] != "(":
        return []
    cols, j = [], nxt[0][0] + 1
    while j < len(toks) and toks[j] != ")":
        if _word(toks[j]):
            cols.append(toks[j].lower())
        j += 1
    return cols


def _close_paren(toks: list[str], open_at: int) -> int:
    depth = 0
    for j in range(open_at, len(toks)):
        if toks[j] == "(":
            depth += 1
        elif toks[j] == ")":
            depth -= 1
            if depth == 0:
                return j
    return len(toks) - 1


def _top_commas(toks: list[str], open_at: int, close_at: int) -> int:
    depth, n = 0, 0
    for j in range(open_at + 1, close_at):
        if toks[j] == "(":
            depth += 1
        elif toks[j] == ")":
            depth -= 1
        elif toks[j] == "," and depth == 0:
            n += 1
    return n


def _functions(toks: list[str]) -> list[str]:
    """json_each(x) -> a set of its elements as text; json_extract(x, '$.k') -> x's key k;
    json_group_array/json_array -> json_agg (as text)/json_build_array; min(a, b)/max(a, b) ->
    least/greatest; ifnull -> coalesce; group_concat -> string_agg."""
    out = list(toks)
    for i in range(len(out) - 1, -1, -1):
        w = _word(out[i])
        nxt = _next_words(out, i, 1)
        if not w or not nxt or nxt[0][1] != "(":
            continue
        open_at = nxt[0][0]
        close_at = _close_paren(out, open_at)
        inner = "".join(out[open_at + 1:close_at])
        if w == "json_each":
            rep = [f"json_array_elements_text(({inner})::json) AS json_each(value)"]
        elif w == "json_extract":
            arg, _, path = inner.rpartition(",")
            key = path.strip().strip("'")
            rep = [f"(({arg})::jsonb #>> '{{{key[2:].replace('.', ',')}}}')"]
        elif w in ("min", "max") and _top_commas(out, open_at, close_at):
            rep = ["least(" if w == "min" else "greatest(", inner, ")"]
        elif w == "json_group_array":  # as text, as SQLite answers (NULL over no rows, not [])
            rep = [f"(json_agg({inner}))::text"]
        elif w == "json_array":
            rep = [f"json_build_array({inner})"]
        elif w == "ifnull":
            rep = ["coalesce(", inner, ")"]
        elif w == "group_concat":
            arg, sep = (inner.rsplit(",", 1) + ["','"])[:2] if "," in inner else (inner, "','")
            rep = [f"string_agg(({arg})::text, {sep.strip()})"]
        else:
            continue
        out[i:close_at + 1] = split_tokens("".join(rep))
    return out


def _group_order(toks: list[str]) -> list[str]:
    """SQLite returns the groups of a GROUP BY sorted by its terms; PostgreSQL (hashing) in any
    order. A top-level GROUP BY without an ORDER BY is given one, so both list groups alike."""
    depth, group_at, end_at = 0, -1, len(toks)
    for i, tok in enumerate(toks):
        w = _word(tok)
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
        elif depth == 0 and w == "order":
            return toks
        elif depth == 0 and w == "group" and group_at < 0:
            nxt = _next_words(toks, i, 1)
            if nxt and nxt[0][1] == "by":
                group_at = nxt[0][0] + 1
        elif depth == 0 and group_at >= 0 and end_at == len(toks) and w in ("having", "limit", "union", "window"):
            end_at = i
    if group_at < 0:
        return toks
    stop = end_at
    for i in range(group_at, len(toks)):  # the GROUP BY list ends at HAVING, LIMIT or the end
        if _word(toks[i]) in ("having", "limit", "union", "window") or toks[i] == ";":
            stop = i
            break
    terms = "".join(toks[group_at:stop]).strip()
    insert_at = next((i for i in range(stop, len(toks)) if _word(toks[i]) in ("limit", "union")), len(toks))
    tail = toks[insert_at:]
    head = toks[:insert_at]
    while head and head[-1].isspace():
        head.pop()
    return head + split_tokens(f" ORDER BY {terms}") + ([" "] if tail else []) + tail


def _order_nulls(toks: list[str]) -> list[str]:
    """SQLite sorts NULL as the smallest value; PostgreSQL as the largest. Each ORDER BY term
    says which it wants, so listings come out in the same order on both."""
    out: list[str] = []
    i = 0
    while i < len(toks):
        nxt = _next_words(toks, i, 1)
        if _word(toks[i]) == "order" and nxt and nxt[0][1] == "by":
            out += toks[i:nxt[0][0] + 1]
            i = nxt[0][0] + 1
            i = _order_terms(toks, i, out)
            continue
        out.append(toks[i])
        i += 1
    return out


def _order_terms(toks: list[str], i: int, out: list[str]) -> int:
    depth, term_desc, has_nulls = 0, False, False

    def close_term() -> None:
        if not has_nulls:
            out.append(" NULLS LAST" if term_desc else " NULLS FIRST")

    while i < len(toks):
        tok, w = toks[i], _word(toks[i])
        if tok == "(":
            depth += 1
        elif tok == ")":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and (tok == ";" or w in _CLAUSE_END):
            break
        elif depth == 0 and tok == ",":
            close_term()
            term_desc, has_nulls = False, False
        elif depth == 0 and w == "desc":
            term_desc = True
        elif depth == 0 and w == "asc":
            term_desc = False
        elif depth == 0 and w == "nulls":
            has_nulls = True
        out.append(tok)
        i += 1
    # the final term: the marker goes before any trailing space
    trail = []
    while out and out[-1].isspace():
        trail.append(out.pop())
    close_term()
    out += reversed(trail)
    return i
