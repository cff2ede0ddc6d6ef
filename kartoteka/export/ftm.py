"""FollowTheMoney (https://followthemoney.tech): one FtM entity per line,
``{"id", "schema", "properties": {name: [str, ...]}}``, the form `ftm` tools and Aleph load.

* Entities: Person, Organization (PublicBody for state bodies), Address or Territory for
  places, Event for events; works and other things have no FtM schema (see ``ftm.yaml``).
  Pack data fills name parts, birth and death dates, founding and dissolution, Wikidata ids.
* Each source document is a Document; a Documentation links each entity to each document that
  mentions it (``role`` "mentioned", how often in ``summary``).
* Each factoid is a statement entity: an appointment or election to an office an Occupancy of a
  Position, a membership a Membership, anything else an Event. Its provenance: ``proof`` (the
  Document), ``summary`` (the quote, exactly the stored text at the span), ``recordId`` (the
  factoid id) and ``description`` ("DOC [START:END]", the page, the voice if not the author's,
  "hedged"). Negated factoids and those from fiction are left out: FtM has no way to say "not".
* Typed relations become Succession, Family, Membership, Employment or UnknownLink; those from a
  pack, and the pack's offices and reference events, carry ``publisher`` "Kartoteka pack NAME".

Ids are stable: derived from Kartoteka's own ids (``kt.soviet.stalin``, ``kt.factoid.<id>``),
with a short hash where a character FtM does not allow had to be replaced."""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

from kartoteka import yamldata
from kartoteka.export.scope import Selection, require_some, role_refs
from kartoteka.resolve.keys import fold

MAPPING = Path(__file__).with_name("ftm.yaml")
_ID = re.compile(r"^[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?$")


@lru_cache(maxsize=1)
def mapping() -> dict[str, Any]:
    data: dict[str, Any] = yamldata.safe_load(MAPPING.read_text(encoding="utf-8"))
    return data


def ftm_id(*parts: str) -> str:
    """A stable FtM id for a Kartoteka record named by ``parts``."""
    raw = ":".join(parts)
    plain = "kt." + raw.replace(":", ".")
    if "." not in raw and _ID.match(plain) and len(plain) <= 120:
        return plain
    slug = re.sub(r"[^0-9a-zA-Z.\-]+", "-", plain)[:80].strip(".-")
    return f"{slug}-{hashlib.sha1(raw.encode('utf-8')).hexdigest()[:10]}"


def schema_for(rec: dict[str, Any]) -> str | None:
    """The FtM schema of an entity record (type, name, pack data)."""
    m = mapping()
    schema = m["entity_schema"].get(rec["type"])
    if rec["type"] == "place":
        schema = m["place_kind_schema"].get((rec.get("data") or {}).get("kind"), schema)
    elif schema == "Organization" and _is_public_body(rec["name"]):
        schema = "PublicBody"
    return schema


def _is_public_body(name: str) -> bool:
    words = f" {fold(name)} "
    rule = mapping()["public_body"]
    hit = any(f" {fold(w)} " in words for w in rule["words"])
    return hit and not any(f" {fold(w)} " in words for w in rule["except"])


def _legal(schema: str | None) -> bool:
    return schema in mapping()["legal_entities"]


def _when(date: dict[str, Any] | None) -> tuple[str | None, str | None, str | None]:
    """A Kartoteka date as FtM (date, startDate, endDate): a day, month or year is one date at
    its precision; a season or decade is a range of its inclusive bounds."""
    if not date or not date.get("start"):
        return None, None, None
    cut = {"day": 10, "month": 7, "year": 4}.get(date.get("precision") or "")
    if cut:
        return date["start"][:cut], None, None
    return None, date["start"], date.get("end") or date["start"]


class FtmWriter:
    def __init__(self, sel: Selection, out: TextIO) -> None:
        self.sel = sel
        self.out = out
        self.known: dict[str, tuple[str | None, str]] = {}   # Kartoteka id -> (schema, name)
        self.emitted: set[str] = set()
        self.documents: dict[str, dict[str, Any]] = {d["doc"]: d for d in sel.documents()}
        self.cited: set[str] = set()
        self.counts: dict[str, int] = {}
        self.entities_written = 0
        self.factoids_written = 0
        self.skipped = 0
        self._intervals: dict[str, dict[str, Any]] | None = None

    # -- output ----------------------------------------------------------------------------------

    def emit(self, fid: str, schema: str, props: dict[str, Any]) -> None:
        if fid in self.emitted:
            return
        clean: dict[str, list[str]] = {}
        for k, v in props.items():
            values = [str(x) for x in (v if isinstance(v, list | tuple) else [v]) if x not in (None, "")]
            if values:
                clean[k] = list(dict.fromkeys(values))
        self.out.write(json.dumps({"id": fid, "schema": schema, "properties": clean}, ensure_ascii=False) + "\n")
        self.emitted.add(fid)
        self.counts[schema] = self.counts.get(schema, 0) + 1

    def learn(self, ids: set[str]) -> None:
        """Know the schema and name of every entity in ``ids`` (one query for the new ones)."""
        new = sorted(ids - self.known.keys())
        for rec in self.sel.kb.entity_records(new):
            self.known[rec["id"]] = (schema_for(rec), rec["name"])
        for i in new:
            self.known.setdefault(i, (None, i))

    def schema(self, kid: str) -> str | None:
        return self.known.get(kid, (None, kid))[0]

    def ref(self, kid: str) -> str | None:
        """The FtM id of a Kartoteka entity that a statement names (written later if need be)."""
        if self.schema(kid) is None:
            return None
        self.sel.referenced.add(kid)
        return ftm_id(kid)

    def cite(self, doc: str) -> str:
        self.cited.add(doc)
        return ftm_id("doc", doc)

    # -- the run ---------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        for rec in self.sel.entities():
            self.known[rec["id"]] = (schema_for(rec), rec["name"])
            self.entity(rec, full=True)
        for f in self.sel.factoids(track=True):
            self.factoid(f)
        for r in self.sel.relations(track=True):
            self.relation(r)
        while self.sel.referenced - self.sel.written:  # a referenced event may name its place
            for rec in self.sel.pending():
                self.known[rec["id"]] = (schema_for(rec), rec["name"])
                self.entity(rec, full=False)
        for doc in sorted(self.cited):
            d = self.documents.get(doc) or {"doc": doc}
            self.emit(ftm_id("doc", doc), "Document", {"fileName": doc, "title": d.get("title"),
                                                         "mimeType": _MIME.get(d.get("format") or "")})
        counts = {"entities": self.entities_written, "factoids": self.factoids_written,
                  "skipped_factoids": self.skipped, **self.counts}
        require_some(counts)
        return counts

    # -- entities --------------------------------------------------------------------------------

    def entity(self, rec: dict[str, Any], *, full: bool) -> None:
        schema = schema_for(rec)
        if schema is None:
            return
        data = rec.get("data") or {}
        fid = ftm_id(rec["id"])
        # A pack's or a document's own "known as" is an alias; a spelling the resolver matched in
        # running text is a weak one (FtM's weakAlias).
        strong = {a["alias"].lower() for a in rec["aliases"] if a["kind"] != "surface"} | {rec["name"].lower()}
        props: dict[str, Any] = {
            "name": rec["name"],
            "alias": [a["alias"] for a in rec["aliases"] if a["kind"] != "surface" and a["alias"].lower() != rec["name"].lower()],
            "weakAlias": [a["alias"] for a in rec["aliases"] if a["kind"] == "surface" and a["alias"].lower() not in strong],
            "description": rec.get("description"), "wikidataId": rec.get("qid")}
        if schema == "Person":
            props.update(firstName=data.get("first"), lastName=data.get("surname"), fatherName=data.get("patronymic"),
                         birthDate=data.get("born"), deathDate=data.get("died"))
        elif schema in ("Organization", "PublicBody"):
            props.update(incorporationDate=data.get("founded"), dissolutionDate=data.get("dissolved"))
        elif schema == "Address":
            props["full"] = rec["name"]
        elif schema == "Event":
            props.update(date=data.get("date"), startDate=data.get("from"), endDate=data.get("to"))
            self._place(props, rec.get("pack"), data.get("place"))
        self.emit(fid, schema, props)
        self.entities_written += 1
        if not full:
            return
        for s in rec["mentions_by_source"]:
            if self.sel.scope.source in (None, s["doc"]):
                self.emit(ftm_id("documentation", rec["id"], s["doc"]), "Documentation", {
                    "document": self.cite(s["doc"]), "entity": fid, "role": "mentioned",
                    "summary": f"{s['mentions']} mention{'s' if s['mentions'] != 1 else ''}"})
        if rec.get("pack") and schema == "Person":
            self._pack_offices(rec, data)
            self._pack_events(rec, data)

    def _pack_id(self, pack: str | None, local: Any) -> str | None:
        if not local or (pack is None and ":" not in str(local)):
            return None
        kid = str(local) if ":" in str(local) else f"{pack}:{local}"
        self.learn({kid})
        return kid if self.schema(kid) else None

    def _place(self, props: dict[str, Any], pack: str | None, local: Any) -> None:
        kid = self._pack_id(pack, local)
        if kid:
            props["location"] = self.known[kid][1]
            if self.schema(kid) == "Address":
                props["addressEntity"] = self.ref(kid)

    def _pack_offices(self, rec: dict[str, Any], data: dict[str, Any]) -> None:
        publisher = f"Kartoteka pack {rec['pack']}"
        for i, o in enumerate(data.get("offices") or []):
            if not o.get("office"):
                continue
            post = self.position(o["office"], self._pack_id(rec["pack"], o.get("organization")), publisher)
            self.emit(ftm_id("pack-office", rec["id"], str(i)), "Occupancy", {
                "holder": ftm_id(rec["id"]), "post": post, "startDate": o.get("from"), "endDate": o.get("to"),
                "publisher": publisher})

    def _pack_events(self, rec: dict[str, Any], data: dict[str, Any]) -> None:
        publisher = f"Kartoteka pack {rec['pack']}"
        for i, ev in enumerate(data.get("events") or []):
            if not ev.get("type"):
                continue
            props: dict[str, Any] = {"name": f"{_title(ev['type'])} of {rec['name']}", "date": ev.get("date"),
                                     "involved": ftm_id(rec["id"]), "notes": ev.get("note"), "publisher": publisher}
            self._place(props, rec["pack"], ev.get("place"))
            self.emit(ftm_id("pack-event", rec["id"], str(i)), "Event", props)

    def position(self, office: str, org: str | None, publisher: str | None = None) -> str:
        fid = ftm_id("position", *([org] if org else []), fold(office) or office)
        org_ref = self.ref(org) if org and self.schema(org) in ("Organization", "PublicBody") else None
        self.emit(fid, "Position", {"name": office, "organization": org_ref, "publisher": publisher})
        return fid

    # -- statements ------------------------------------------------------------------------------

    def factoid(self, f: dict[str, Any]) -> None:
        if f["negated"] or f.get("fiction"):
            self.skipped += 1
            return
        roles = f["roles"]
        self.learn({r["id"] for r in role_refs(f)})
        subject = roles.get("subject")
        org = roles.get("organization")
        office = roles.get("office")
        date, start, end = _when(f.get("date"))
        prov = self._provenance(f)
        m = mapping()
        holder_schema = self.schema(subject["id"]) if subject else None
        org_ok = bool(org) and self.schema(org["id"]) in ("Organization", "PublicBody")
        if f["type"] in m["occupancy_types"] and office and holder_schema == "Person":
            post = self.position(office, org["id"] if org else None)
            iv = self.intervals().get(f["id"]) or {}
            props = {"holder": self.ref(subject["id"]), "post": post, "startDate": date or start,
                     "endDate": iv.get("to") or end, **prov}
            if f["type"] == "election":
                props["electionDate"] = date or start
            self.emit(ftm_id("factoid", f["id"]), "Occupancy", props)
        elif (f["type"] in m["occupancy_types"] or f["type"] in m["membership_types"]) and subject and org and \
                org_ok and _legal(holder_schema):
            self.emit(ftm_id("factoid", f["id"]), "Membership", {
                "member": self.ref(subject["id"]), "organization": self.ref(org["id"]), "role": office,
                "startDate": date or start, "endDate": end if not date else None, **prov})
        else:
            self.event(f, date, start, end, prov)
        self.factoids_written += 1

    def event(self, f: dict[str, Any], date: str | None, start: str | None, end: str | None,
              prov: dict[str, Any]) -> None:
        roles = f["roles"]
        subject = roles.get("subject")
        name = _title(f["type"]) + (f" of {subject['name']}" if subject else "")
        if "value" in f:
            name += f": {f['value']} {(f.get('attrs') or {}).get('what') or ''}".rstrip()
        props: dict[str, Any] = {"name": name, "date": date, "startDate": start, "endDate": end,
                                 "involved": [], "organizer": [], "namesMentioned": [], **prov}
        for key in ("subject", "agent", "organization", "place", "other"):
            for ref in _as_list(roles.get(key)):
                schema = self.schema(ref["id"])
                if key == "agent" and _legal(schema):
                    props["organizer"].append(self.ref(ref["id"]))
                elif _legal(schema):
                    props["involved"].append(self.ref(ref["id"]))
                elif schema == "Address":
                    props["addressEntity"] = self.ref(ref["id"])
                    props["location"] = ref["name"]
                else:
                    props["namesMentioned"].append(ref["name"])
                    if key == "place":
                        props["location"] = ref["name"]
        if roles.get("office"):
            props["notes"] = f"office: {roles['office']}"
        self.emit(ftm_id("factoid", f["id"]), "Event", props)

    def relation(self, r: dict[str, Any]) -> None:
        src, dst = r["from"]["id"], r["to"]["id"]
        self.learn({src, dst})
        a, b = self.schema(src), self.schema(dst)
        if a is None or b is None:
            return
        m = mapping()
        rule = m["relations"].get(r["type"])
        if rule is not None and not all(_fits(s, rule.get("needs")) for s in (a, b)):
            rule = None
        rule = rule or m["default_relation"]
        props: dict[str, Any] = {rule["from"]: self.ref(src), rule["to"]: self.ref(dst), "startDate": r.get("date"),
                                 "endDate": r.get("date_end")}
        if rule["schema"] == "Family":
            props["relationship"] = rule.get("relationship")
        else:
            props["role"] = r["type"].replace("_", " ")
        span = r.get("source")
        if span:
            props.update(proof=self.cite(span["doc"]), summary=span["quote"],
                         description=f"{span['doc']} [{span['start']}:{span['end']}]")
        elif r.get("pack"):
            props["publisher"] = f"Kartoteka pack {r['pack']}"
        self.emit(ftm_id("relation", r["type"], src, dst, r.get("date") or ""), rule["schema"], props)

    def _provenance(self, f: dict[str, Any]) -> dict[str, Any]:
        s = f["source"]
        where = f"{s['doc']} [{s['start']}:{s['end']}]" + (f", p. {s['page']}" if s.get("page") else "")
        if f["voice"] != "author":
            where += f"; according to {f['voice']}"
        if f["hedged"]:
            where += "; hedged"
        return {"proof": self.cite(s["doc"]), "summary": s["quote"], "recordId": f["id"], "description": where}

    def intervals(self) -> dict[str, dict[str, Any]]:
        """The KB's office intervals by the factoid that opens each (for an Occupancy's end)."""
        if self._intervals is None:
            self._intervals = {iv["factoid"]: iv for iv in self.sel.kb.office_intervals()}
        return self._intervals


_MIME = {"txt": "text/plain", "md": "text/markdown", "html": "text/html", "pdf": "application/pdf",
         "epub": "application/epub+zip",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _fits(schema: str, needs: str | None) -> bool:
    if needs is None:
        return True
    if needs == "LegalEntity":
        return _legal(schema)
    return schema == needs


def _title(word: str) -> str:
    return word.replace("_", " ").capitalize()


def _as_list(v: Any) -> list[dict[str, Any]]:
    items = v if isinstance(v, list) else [v] if v else []
    return [x for x in items if isinstance(x, dict) and x.get("id")]


def write_ftm(sel: Selection, out: TextIO) -> dict[str, int]:
    return FtmWriter(sel, out).run()
