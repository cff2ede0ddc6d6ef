"""The sentence-level answer extractor: retrieve passages, score their sentences, pull the phrase.

Candidate sentences come from the hybrid search's best passages (fiction left out; meaning
enters through the dense half of that ranking). Each is scored by the IDF-weighted share of the
question's words it holds (its own, then those of the two sentences before it, for answers that
follow the sentence naming the topic), its passage's rank, its length, and whether it holds a
phrase of the type the question word asks for. The phrase is then picked by type: a number next
to the noun asked about, a date, a place after a locative preposition, a person's name not in
the question, a quoted title, a name after "née" or "name of".
"""

from __future__ import annotations

import math
import re
import sqlite3
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from kartoteka.extract.numbers import TENS
from kartoteka.query.candidates import hedged, voice_at
from kartoteka.query.candidates import rank as rank_candidates
from kartoteka.query.question import Question, rules
from kartoteka.query.search import STOPWORDS, doc_text, terms
from kartoteka.query.sentences import Sentence, content_stems, split, stem
from kartoteka.query.words import word_list, word_sequence
from kartoteka.resolve.names import folded_titles
from kartoteka.store.fts import match_count

if TYPE_CHECKING:
    from kartoteka.api import KB

PASSAGES = 16          # passages read per question
PHRASE_SENTENCES = 8   # best sentences a phrase may come from
SYNONYM_WEIGHT = float(rules().get("synonym_weight", 0.7))
PHRASE_WEIGHT = 0.3    # a phrase's own evidence (focus noun, cue, proximity) against its sentence's score
MAX_ANSWER = 300
MIN_SCORE = 0.42       # below this no sentence answers; the answer is "unknown"
MIN_COVERAGE = 0.3     # ... nor one holding less of the question's word weight than this
ABSENT_PERSON = 0.35
FICTION_SENTENCES = 2  # best fiction sentences read, for candidates flagged as fiction (never answers)
HEDGED = 0.35          # a phrase from a hedged sentence ("allegedly", "people whispered") scores this less
ABSENT_EVENT = 0.2     # a sentence without the event word the question asks about (nor a synonym)
OTHER_ORDINAL = 0.2    # a sentence naming only other numbered instances ("Seventh Congress" for "Seventeenth")
NAME_NEAR = 0.5       # closeness to a name asked about counts this much of closeness to a word said of the answer
ADJACENT = 0.5        # ... and a said word within ADJACENT_CHARS of the phrase adds this
ADJACENT_CHARS = 12
SUPPORT_BONUS = 0.1    # per further independent source giving the same value (two at most)   # a sentence (and its paragraph before it) naming none of the people asked about
_QWORDS = word_list("question_words")
_NUM_WORD = (r"(?:(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
             r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
             r"thousand|million|a dozen|dozen)(?:[\s-](?:and[\s-])?(?:one|two|three|four|five|six|seven|eight|nine|"
             r"hundred|thousand|million))*)")
_NUMBER = re.compile(rf"(?<![\w.,])(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|{_NUM_WORD})(?![\w])", re.IGNORECASE)
_CAP = r"(?:[A-Z][a-z\u00e0-\u017f'\u2019]+(?:-[A-Z][a-z\u00e0-\u017f]+)?|[A-Z]\.(?:\s?[A-Z]\.)*|[A-Z]{2,})"
# Whole words only: "VCheKa" holds no name "Ka".
_NAME = re.compile(rf"(?<![\w.]){_CAP}(?:\s+(?:(?:de|von|van|der|la|le|ibn|al)\s+)?{_CAP})*(?![\w])")
_QUOTED = re.compile(r"[\"\u201c]([^\"\u201c\u201d]{3,80})[\"\u201d]")
_LOCATIVE = re.compile(r"\b(?:in|at|to|from|near|into|of)\s+(?:the\s+)?$")
_NAME_CUES = re.compile(r"(?:\bn[e\u00e9]e|\bborn|\bname of|\bname (?:was|is)|\bnamed|\bcalled|\balias|\bas|\bpseudonym|\bunder the name)\W*$",
                        re.IGNORECASE)
_AGE_CUE = re.compile(r"^\s*(?:years?[\s-]old|-year-old|years of age)", re.IGNORECASE)
_AGE_PRE = re.compile(r"(?:\baged|\bage of|\bthen|\bat)\s*$", re.IGNORECASE)
_SUBORDINATE = re.compile(r"(?<=\w)\s+(?:when|after|before|while|since|until)\s+", re.IGNORECASE)
_SENT_START_WORDS = word_list("sentence_openers")
_WHO_VERB = re.compile(r"^(?:who|which [a-z ]{1,40}?)\s+([a-z]+)\b", re.IGNORECASE)
_TITLE_CUE = re.compile(r"\b(?:title|titled|entitled|called|headed|headlined|named)\b")
_COPULA_AFTER = re.compile(r"^\s*(?:,\s*(?:who|which)\s+(?:was|were|had been|became|served as|is)|\s+(?:was|were|became|had been|served as|is)\b)")
_COPULA_BEFORE = re.compile(r"(?:\b(?:was|were|is)\s+(?:the\s+)?(?:[a-z]+\s+){0,4}|,\s*)$")


@dataclass
class Extracted:
    answer: str
    kind: str
    sentence: Sentence
    score: float
    phrase: bool
    context: list[Sentence] = field(default_factory=list)
    support: list[Sentence] = field(default_factory=list)   # other sentences that give the same phrase
    coverage: float = 0.0   # share of the question's word weight the sentence (and the one before) holds
    candidates: list[dict[str, Any]] = field(default_factory=list)   # kartoteka.query.candidates


def units() -> frozenset[str]:
    return frozenset(rules()["units"])


class Extractor:
    def __init__(self, kb: KB, q: Question, name_forms: list[set[str]], fiction_docs: set[int]) -> None:
        self.kb, self.q = kb, q
        self.conn: sqlite3.Connection = kb.conn
        self.fiction = fiction_docs   # read, but what they say is flagged and never answers
        self.name_forms = name_forms          # per named entity: the stems of its spellings
        titles = set(folded_titles())
        self.q_terms = [t for t in dict.fromkeys(content_stems(q.text)) if t not in _QWORDS and t not in titles]
        self.q_words = set(terms(q.text))
        self.idf = self._idf()
        self._types: dict[str, str | None] = {}
        self._doc_id: int | None = None   # the document of the sentence whose phrases are read
        self._coverage: dict[tuple[int, int], float] = {}
        self._q_set = set(self.q_terms)
        # The question's words that say something of the answer ("chief", "killer"), not the names
        # it is about: "Kirov's bodyguard, Borisov" does not make Borisov what "Who shot Kirov?" asks.
        self._said = self._q_set - {t for forms in name_forms for t in forms}
        # The event words the question asks about ("shot", "released"): a sentence with none of
        # them (nor a synonym) is about another event of the same person.
        # Only the main clause's: "What post was X given when he was removed?" asks about no removal.
        main = set(content_stems(_SUBORDINATE.split(q.text, maxsplit=1)[0]))
        self._events = [t for t in self.q_terms if t in main and any(stem(w) == t for w in rules()["event_of"])]
        self._synonyms = {t: synonyms_of(t) for t in self.q_terms}
        m = _WHO_VERB.match(q.text)
        # "Who chaired ...": the chairing is done by the name before "chaired" or after "chaired ... by".
        self._verb = stem(m.group(1)) if m and m.group(1).lower() not in word_list("question_words") else None
        self._q_names = {n.entity_id for n in q.names}
        # The people the question is about: a sentence that names none of them (nor does its
        # paragraph before it) answers a question about someone else ("appointed head of the NKVD" of Beria).
        people = {r[0] for r in self.conn.execute(
            f"SELECT id FROM entities WHERE type = 'person' AND id IN ({','.join('?' * len(self._q_names))})",
            tuple(self._q_names))} if self._q_names else set()
        self._person_forms = [f for n, f in zip(q.names, name_forms, strict=True) if n.entity_id in people and f]
        self._ordinals = ordinals(q.text)

    # -- retrieval --------------------------------------------------------------------------

    def passages(self) -> list[dict[str, Any]]:
        # The reader's constants and the confidence calibration were set on the fused ranking; the
        # soft word rerank (tuned for retrieval) changed which passages it read and cost a dev2
        # question (a date read from another passage), so the reader keeps the fused ranking.
        hits = self.kb.search(self.q.text, limit=PASSAGES + 8, soft=False)
        doc_ids = {r[0]: r[1] for r in self.conn.execute("SELECT doc, id FROM documents")}
        out = [h for h in hits if h["doc"] in doc_ids]
        for h in out:
            h["doc_id"] = doc_ids[h["doc"]]
        real = [h for h in out if h["doc_id"] not in self.fiction]
        return real[:PASSAGES] + [h for h in out if h["doc_id"] in self.fiction][:FICTION_SENTENCES]

    def sentences(self, hits: list[dict[str, Any]]) -> list[tuple[Sentence, list[Sentence], int]]:
        """Each sentence with the sentences before it in its passage, and its passage's rank."""
        out = []
        cache = self.kb.search_cache
        for rank, h in enumerate(hits):
            text = doc_text(self.conn, h["doc_id"], cache)
            spans = split(text[h["start"]:h["end"]], h["start"])
            sents = [Sentence(h["doc_id"], h["doc"], s, e, text[s:e], h["passage_id"], h.get("page"), i)
                     for i, (s, e) in enumerate(spans)]
            for i, s in enumerate(sents):
                out.append((s, sents[:i], rank))
        return out

    # -- scoring ----------------------------------------------------------------------------

    def _idf(self) -> dict[str, float]:
        words = [t for t in dict.fromkeys(terms(self.q.text)) if t not in STOPWORDS and t not in _QWORDS]
        out: dict[str, float] = {}
        if not words:
            return out
        # Document frequencies from the FTS index itself (no temporary tables: the web UI's
        # connections are query-only).
        n = self.conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0] or 1
        df: dict[str, int] = {}
        for w in words:
            try:
                df[w] = match_count(self.conn, f'"{w}"')
            except sqlite3.Error:
                df[w] = 0
        for w in words:
            out[stem(w)] = max(out.get(stem(w), 0.0), math.log(1 + n / (1 + df.get(w, 0))))
        return out

    def coverage(self, stems: set[str], skip: set[str] | None = None) -> tuple[float, set[str]]:
        total = sum(self.idf.get(t, 1.0) for t in self.q_terms) or 1.0
        hit = {t for t in self.q_terms if matches(t, stems) and not (skip and t in skip)}
        # A named entity counts as present under any of its spellings.
        for forms in self.name_forms:
            if forms & stems:
                hit |= {t for t in self.q_terms if t in forms and not (skip and t in skip)}
        # ... and a word under a synonym, at a discount.
        near = {t for t in self.q_terms if t not in hit and not (skip and t in skip)
                and any(matches(x, stems) for x in self._synonyms.get(t, ()))}
        weight = sum(self.idf.get(t, 1.0) for t in hit) + SYNONYM_WEIGHT * sum(self.idf.get(t, 1.0) for t in near)
        return weight / total, hit | near

    def score(self, s: Sentence, before: list[Sentence], rank: int) -> float:
        own = set(content_stems(s.text))
        cov, hit = self.coverage(own)
        ctx_stems: set[str] = set()
        for b in before[-2:]:
            ctx_stems |= set(content_stems(b.text))
        ctx, _ = self.coverage(ctx_stems, skip=hit)
        self._coverage[(s.doc_id, s.start)] = cov + 0.45 * ctx
        # A long sentence covers more words by its length alone.
        score = cov + 0.45 * ctx + 0.12 / (1 + rank) - 0.15 * math.log2(max(1.0, len(s.text) / 220))
        if self._person_forms and not any(f & own or any(f & set(content_stems(b.text)) for b in before)
                                          for f in self._person_forms):
            score -= ABSENT_PERSON
        if not self.has_event(own):
            score -= ABSENT_EVENT
        if self._ordinals and (found := ordinals(s.text)) and not found & self._ordinals:
            score -= OTHER_ORDINAL
        if self.has_candidate(s):
            score += 0.25
        elif self.q.answer_type not in ("thing", "other"):
            score -= 0.2
        return score

    def has_event(self, stems: set[str]) -> bool:
        """The sentence names the event the question asks about (or the question names none). Stems
        must be equal: a prefix would make "executive" an execution."""
        return not self._events or any(t in stems or stems & self._synonyms.get(t, set()) for t in self._events)

    def run(self) -> Extracted | None:
        hits = self.passages()
        if not hits:
            return None
        # Meaning enters through the hybrid ranking of the passages; re-scoring sentences with the
        # dense model cost ~1 s per question on two cores and did not change the dev answers.
        scored = [(self.score(s, before, rank), s, before) for s, before, rank in self.sentences(hits)]
        scored.sort(key=lambda x: -x[0])
        if not scored:
            return None
        real = [x for x in scored if x[1].doc_id not in self.fiction]
        fiction = [x for x in scored if x[1].doc_id in self.fiction]
        cands = self.gather(real[:PHRASE_SENTENCES] + fiction[:FICTION_SENTENCES], real[:PASSAGES],
                            scored[0][0])
        if cands and not cands[0]["fiction"]:
            top = cands[0]
            s, before = top["_sentence"], top["_before"]
            out = Extracted(top["value"], self.q.answer_type, s, top["_sentence_score"], True, before[-1:])
            out.support = [x for x in top["_support"] if x is not s][:3]
            out.coverage = self._coverage.get((s.doc_id, s.start), 0.0)
            out.candidates = cands
            return out
        if not real:
            return None
        score, s, before = real[0]
        out = Extracted(trim(s.text, self.q_terms), "sentence", s, score, False, before[-1:])
        out.coverage = self._coverage.get((s.doc_id, s.start), 0.0)
        out.candidates = cands
        return out

    def gather(self, reading: list[tuple[float, Sentence, list[Sentence]]],
               support: list[tuple[float, Sentence, list[Sentence]]], top_score: float) -> list[dict[str, Any]]:
        """The phrases of the best sentences grouped into candidates (one per value), each with
        its best sentence, the sentences that also give it, its sources, voice and hedging."""
        groups: dict[str, dict[str, Any]] = {}
        for score, s, before in reading:
            if score < top_score - 0.5:
                continue
            if self.q.answer_type in ("date", "year") and not self.has_event(set(content_stems(s.text))):
                continue   # a date beside another event ("testified that in 1934 ...") dates that one
            is_hedged, is_fiction = hedged(s.text), s.doc_id in self.fiction
            for phrase, cscore in self.candidates(s):
                total = score + PHRASE_WEIGHT * min(cscore, 2.0) - (HEDGED if is_hedged else 0.0)
                key = self._key(phrase)
                g = groups.get(key)
                if g is None:
                    g = groups[key] = {"value": phrase, "_best": -99.0, "_support": [], "_hedged": [], "_fiction": []}
                if len(phrase) > len(g["value"]) and self.q.answer_type in ("person", "place"):
                    g["value"] = phrase   # the fullest spelling: "Leonid Nikolaev" over "Nikolaev"
                if total > g["_best"]:
                    g.update(_best=total, _sentence=s, _before=before, _sentence_score=score,
                             _pos=max(0, s.text.find(phrase)))
                if s not in g["_support"]:
                    g["_support"].append(s)
                    g["_hedged"].append(is_hedged)
                    g["_fiction"].append(is_fiction)
        self._merge_names(groups)
        out = []
        for g in groups.values():
            for _, x, _ in support:
                if x not in g["_support"] and phrase_in(g["value"], x.text):
                    g["_support"].append(x)
                    g["_hedged"].append(hedged(x.text))
                    g["_fiction"].append(False)
            out.append(self._candidate(g))
        return rank_candidates(out)

    def _candidate(self, g: dict[str, Any]) -> dict[str, Any]:
        firm = [x for x, h, f in zip(g["_support"], g["_hedged"], g["_fiction"], strict=True) if not h and not f]
        docs = {x.doc_id for x in (firm or g["_support"])}
        s = g["_sentence"]
        text = doc_text(self.conn, s.doc_id, self.kb.search_cache)
        score = g["_best"] + SUPPORT_BONUS * min(2, len(docs) - 1)
        return {"value": g["value"], "score": round(score, 3), "sources": len(docs),
                "voice": voice_at(text, s.start, s.end, s.start + g["_pos"]),
                "hedged": not firm and not all(g["_fiction"]), "fiction": all(g["_fiction"]),
                "_sentence": s, "_before": g["_before"], "_sentence_score": g["_sentence_score"],
                "_coverage": self._coverage.get((s.doc_id, s.start), 0.0),
                "_support": firm + [x for x in g["_support"] if x not in firm]}

    def _key(self, phrase: str) -> str:
        """What makes two phrases one value: the entity a name resolves to, a number's value, a
        date's day, month and year, else the words."""
        t = self.q.answer_type
        if t in ("person", "place"):   # a name question's answers are names of one entity: kept apart
            eid = self._entity_id(phrase)
            return f"e:{eid}" if eid else " ".join(terms(phrase))
        if t in ("count", "age"):
            n = parse(re.sub(r"\s*\(.*\)$", "", phrase).replace(",", ""))
            return f"n:{n}" if n is not None else phrase.lower()
        if t == "date":
            from kartoteka.extract.dates import find_dates

            found = find_dates(phrase)
            if found:
                parts = dict(found[0].parts)
                return "d:" + "-".join(str(parts.get(k, "?")).lower() for k in ("year", "month", "day"))
        return " ".join(terms(phrase))

    def _merge_names(self, groups: dict[str, dict[str, Any]]) -> None:
        """A surname alone joins the full name it ends ("Nikolaev" ~ "Leonid Nikolaev")."""
        if self.q.answer_type != "person":
            return
        for key, g in sorted(groups.items(), key=lambda kv: len(kv[1]["value"])):
            words = terms(g["value"])
            host = next((h for k, h in groups.items() if k != key and len(terms(h["value"])) > len(words)
                         and terms(h["value"])[-len(words):] == words), None)
            if host is None:
                continue
            for s, h, f in zip(g["_support"], g["_hedged"], g["_fiction"], strict=True):
                if s not in host["_support"]:
                    host["_support"].append(s)
                    host["_hedged"].append(h)
                    host["_fiction"].append(f)
            if g["_best"] > host["_best"]:
                host.update({k: g[k] for k in ("_best", "_sentence", "_before", "_sentence_score", "_pos")})
            del groups[key]

    # -- phrases ----------------------------------------------------------------------------

    def has_candidate(self, s: Sentence) -> bool:
        """A cheap test that ``s`` holds a phrase of the asked type (names untyped)."""
        if self.q.answer_type in ("person", "place", "name"):
            return bool(self._names_in(s.text))
        return bool(self.candidates(s))

    def candidates(self, s: Sentence) -> list[tuple[str, float]]:
        t = self.q.answer_type
        self._doc_id = s.doc_id
        fn = {"count": self._numbers, "duration": self._durations, "age": self._ages, "year": self._years,
              "date": self._dates, "place": self._places, "person": self._people, "name": self._names,
              "title": self._titles}.get(t)
        return fn(s.text) if fn else []

    def _near(self, text: str, pos: int) -> float:
        """Closeness of ``pos`` to the question's words in ``text`` (1 adjacent .. 0 far). The
        words said of the answer ("released", "shot") count fully and add ADJACENT when right
        beside it ("released in 1955"); the names asked about count half, since they recur
        beside every fact of their life ("Ariadna (born 1912)")."""
        best = 0.0
        for m in re.finditer(r"[^\W_]+", text):
            w = stem(m.group(0))
            if not matches(w, self._q_set):
                continue
            d = min(abs(m.start() - pos), abs(m.end() - pos))
            said = matches(w, self._said)
            near = (1.0 if said else NAME_NEAR) / (1.0 + d / 25.0)
            best = max(best, near + (ADJACENT if said and d <= ADJACENT_CHARS else 0.0))
        return best

    def _in_question(self, phrase: str) -> bool:
        from kartoteka.resolve.names import strip_titles

        _, toks = strip_titles(phrase.split())
        words = [w for w in terms(" ".join(toks) or phrase) if w not in STOPWORDS]
        if bool(words) and all(w in self.q_words or stem(w) in self.q_terms for w in words):
            return True
        # Another name of the entity asked about is the answer to a name question, not a repeat.
        return self.q.answer_type != "name" and bool(self._q_names) and self._entity_id(phrase) in self._q_names

    def _numbers(self, text: str) -> list[tuple[str, float]]:
        out = []
        focus = terms(self.q.focus or "")
        for m in _NUMBER.finditer(text):
            phrase = m.group(0)
            if re.fullmatch(r"1[5-9]\d\d|20\d\d", phrase) or self._in_question(phrase) or phrase.lower() in ("one", "a dozen"):
                continue
            after = terms(text[m.end():m.end() + 40])[:4]
            score = self._near(text, m.start())
            if focus and focus[0] in after[:3] or focus and stem(focus[0]) in [stem(a) for a in after[:3]]:
                score += 1.0
            if after and after[0] in units():
                score -= 0.5
            out.append((with_value(phrase), score))
        return out

    def _durations(self, text: str) -> list[tuple[str, float]]:
        out = []
        unit_re = "|".join(sorted(units(), key=len, reverse=True))
        for m in re.finditer(rf"(?:{_NUMBER.pattern})(?:\s+(?:whole|full|long|more|entire))?\s+(?:{unit_re})\b", text,
                             re.IGNORECASE):
            out.append((m.group(0), 1.0 + self._near(text, m.start())))
        return out

    def _ages(self, text: str) -> list[tuple[str, float]]:
        out = []
        for m in _NUMBER.finditer(text):
            n = parse(m.group(0))
            if n is None or not 5 <= n <= 110:
                continue
            score = self._near(text, m.start())
            if _AGE_CUE.match(text[m.end():]) or _AGE_PRE.search(text[:m.start()]):
                score += 1.0
            elif not re.match(r"\s*years?\b", text[m.end():]):
                continue
            out.append((with_value(m.group(0)), score))
        return out

    def _years(self, text: str) -> list[tuple[str, float]]:
        out = []
        for m in re.finditer(r"\b(1[0-9]{3}|20[0-9]{2})\b", text):
            if m.group(1) in self.q.text:
                continue
            out.append((m.group(1), self._near(text, m.start())))
        return out

    def _dates(self, text: str) -> list[tuple[str, float]]:
        from kartoteka.extract.dates import find_dates

        out = []
        for d in find_dates(text):
            if d.kind in ("relative",) or self._in_question(d.text) or d.text.strip() in self.q.text:
                continue
            specific = 1.0 if any(k == "day" for k, _ in d.parts) else 0.5 if any(k == "month" for k, _ in d.parts) else 0.0
            out.append((d.text.strip(" ,."), specific + self._near(text, d.begin)))
        return out

    def _names_in(self, text: str) -> list[tuple[int, int, str]]:
        out = []
        for m in _NAME.finditer(text):
            phrase = m.group(0)
            words = phrase.split()
            # A capitalised sentence opener is not a name ("The", "His").
            while words and words[0].lower() in _SENT_START_WORDS:
                words = words[1:]
            # An adverb that opens the next clause is not part of the name ("Basoff Originally").
            while len(words) > 1 and words[-1].lower().endswith("ly") and words[-1].lower() not in word_list("ly_names"):
                words = words[:-1]
            if not words:
                continue
            phrase = re.sub(r"(?:'s|\u2019s|'|\u2019)$", "", " ".join(words))
            start = m.start() + m.group(0).find(words[0])
            if self._in_question(phrase) or phrase.lower() in _QWORDS or phrase.lower() in word_list("not_answer_names"):
                continue
            # A lone unknown word opening the sentence is more likely a sentence word than a name.
            if start == 0 and " " not in phrase and self._entity_type(phrase) is None:
                continue
            out.append((start, start + len(phrase), phrase))
        return out

    def _entity_id(self, phrase: str) -> str | None:
        from kartoteka.resolve.keys import alias_key, translit_key
        from kartoteka.resolve.names import strip_titles

        _, toks = strip_titles(phrase.split())
        bare = " ".join(toks) or phrase
        r = self.conn.execute(
            "SELECT a.entity_id FROM aliases a WHERE a.key = ? OR a.tkey = ? GROUP BY a.entity_id"
            " ORDER BY COUNT(*) DESC LIMIT 1", (alias_key(bare), translit_key(bare))).fetchone()
        return r[0] if r else None

    def _entity_type(self, phrase: str) -> str | None:
        """The type of the entity ``phrase`` names, by exact spelling keys (cached)."""
        from kartoteka.resolve.keys import alias_key, translit_key
        from kartoteka.resolve.names import strip_titles

        if phrase in self._types:
            return self._types[phrase]
        _, toks = strip_titles(phrase.split())
        bare = " ".join(toks) or phrase
        r = self.conn.execute(
            "SELECT e.type FROM aliases a JOIN entities e ON e.id = a.entity_id WHERE a.key = ? OR a.tkey = ?"
            " GROUP BY e.type ORDER BY COUNT(*) DESC LIMIT 1", (alias_key(bare), translit_key(bare))).fetchone()
        self._types[phrase] = r[0] if r else None
        return self._types[phrase]

    def _people(self, text: str) -> list[tuple[str, float]]:
        out = []
        for s, e, phrase in self._names_in(text):
            etype = self._entity_type(phrase)
            if etype not in (None, "person"):
                continue
            if etype is None and " " not in phrase and not re.search(r"[A-Z]\.\s*$", text[max(0, s - 6):s]):
                if self._common_noun(phrase):
                    continue
                score = self._near(text, s) - 0.2   # an unknown single word: weaker
            else:
                score = self._near(text, s) + (0.6 if etype == "person" else 0.0)
            out.append((phrase, score + self._copula(text, s, e) + self._agent(text, s, e)))
        return out

    def _common_noun(self, word: str) -> bool:
        """A capitalised word its own document also writes in lower case is a noun in a title or
        at a sentence start ("The Murder of ..."), not a name."""
        if self._doc_id is None:
            return False
        text = doc_text(self.conn, self._doc_id, self.kb.search_cache)
        low = word.lower()
        # The regular expression is tried only where the word occurs: a search of a whole book for
        # a word it never writes in lower case took ~40 ms, a fifth of a slow warm ask.
        whole = re.compile(rf"\b{re.escape(low)}\b")
        i = text.find(low)
        while i >= 0:
            if whole.match(text, i):
                return True
            i = text.find(low, i + 1)
        return False

    def _agent(self, text: str, s: int, e: int) -> float:
        """The name does what the question asks about: "Y chaired ...", "... was chaired by Y"."""
        if not self._verb:
            return 0.0
        after = [stem(w) for w in re.findall(r"[^\W_]+", text[e:e + 50])[:4]]
        if any(matches(self._verb, {w}) for w in after if len(w) > 3):
            return 0.5
        before = text[max(0, s - 60):s]
        m = re.search(r"([^\W_]+)\s+(?:[^\W_]+\s+){0,4}?by\s+(?:the\s+)?(?:[a-z]+\s+){0,2}$", before)
        if m and matches(self._verb, {stem(m.group(1))}):
            return 0.5
        return 0.0

    def _copula(self, text: str, s: int, e: int) -> float:
        """The name is what the question's words are said of: "X, who was chairman of ...",
        "X was the first chief ...", or "... chief of the Cheka, X," / "... recruit was X"."""
        after = text[e:e + 90]
        m = _COPULA_AFTER.match(after)
        if m and any(matches(stem(w), self._said) for w in re.findall(r"[^\W_]+", after[m.end():m.end() + 60])):
            return 0.6
        before = text[max(0, s - 90):s]
        m = _COPULA_BEFORE.search(before)
        if m and any(matches(stem(w), self._said) for w in re.findall(r"[^\W_]+", before[:m.start()][-70:])):
            return 0.5
        return 0.0

    def _places(self, text: str) -> list[tuple[str, float]]:
        out = []
        for s, _e, phrase in self._names_in(text):
            etype = self._entity_type(phrase)
            if etype not in (None, "place") or len(phrase) < 3:
                continue
            score = self._near(text, s) + (0.6 if etype == "place" else 0.0)
            if _LOCATIVE.search(text[max(0, s - 12):s]):
                score += 0.5
            elif etype is None:
                continue
            out.append((phrase, score))
        return out

    def _names(self, text: str) -> list[tuple[str, float]]:
        out = []
        for s, _e, phrase in self._names_in(text):
            score = self._near(text, s)
            if _NAME_CUES.search(text[max(0, s - 30):s]):
                score += 1.0
            out.append((phrase, score))
        return out

    def _titles(self, text: str) -> list[tuple[str, float]]:
        """Quoted phrases, preferring title case ("Dizzy with Success") and a title cue nearby."""
        out = []
        for m in _QUOTED.finditer(text):
            phrase = m.group(1).strip().strip(".,;:")
            if not phrase or self._in_question(phrase):
                continue
            words = [w for w in phrase.split() if w.lower() not in STOPWORDS]
            capital = sum(1 for w in words if w[:1].isupper()) / max(1, len(words))
            score = self._near(text, m.start()) + (0.8 if capital >= 0.6 else -0.5)
            window = text[max(0, m.start() - 40):m.end() + 40].lower()
            if _TITLE_CUE.search(window):
                score += 0.5
            out.append((phrase, score))
        return out


def synonyms_of(term: str) -> set[str]:
    """Stems that mean what ``term`` means (``questions.yaml``), ``term`` itself excluded."""
    out: set[str] = set()
    for group in _synonym_groups():
        if any(matches(term, {g}) for g in group):
            out |= group
    out.discard(term)
    return out


@cache
def _synonym_groups() -> list[frozenset[str]]:
    return [frozenset(" ".join(stem(w) for w in str(x).split()) for x in g) for g in rules().get("synonyms", [])]


def phrase_in(phrase: str, text: str) -> bool:
    core = re.sub(r"\s*\([^)]*\)$", "", phrase)
    return " ".join(terms(core)) in " ".join(terms(text))


@cache
def _ordinal_pattern() -> re.Pattern[str]:
    words = "|".join(sorted(word_sequence("ordinals"), key=len, reverse=True))
    tens = "|".join(TENS)
    return re.compile(rf"\b((?i:(?:(?:{tens})-)?(?:{words}))|\d+(?:st|nd|rd|th))\s+(?=[A-Z])")


def ordinals(text: str) -> set[int]:
    """The numbers of the ordinals that stand before a capitalised word ("Seventeenth Party
    Congress", "17th Congress", "Twenty-Second Congress"): each names one of a series."""
    order = {w: i + 1 for i, w in enumerate(word_sequence("ordinals"))}
    out: set[int] = set()
    for m in _ordinal_pattern().finditer(text):
        word = m.group(1).lower()
        if word[0].isdigit():
            out.add(int(re.match(r"\d+", word).group(0)))  # type: ignore[union-attr]
        elif "-" in word:
            head, _, unit = word.partition("-")
            out.add(TENS[head] + order[unit])
        else:
            out.add(order[word])
    return out


def matches(term: str, stems: set[str]) -> bool:
    """The term, or a word it begins or that begins it (chair ~ chairman), at four letters or more."""
    if term in stems:
        return True
    if len(term) < 4:
        return False
    return any(len(s) >= 4 and (s.startswith(term) or term.startswith(s)) for s in stems)


def parse(phrase: str) -> int | None:
    from kartoteka.extract.numbers import parse_number

    try:
        return parse_number(phrase)
    except (ValueError, KeyError):
        return None


def with_value(phrase: str) -> str:
    """A number in words keeps its words and gains its digits: "fifty-three (53)"."""
    if re.search(r"\d", phrase):
        return phrase
    n = parse(phrase)
    return f"{phrase} ({n:,})" if n is not None else phrase


def trim(text: str, q_terms: list[str]) -> str:
    """The sentence, or a window of it of at most MAX_ANSWER characters around the question's words."""
    text = " ".join(text.split())
    if len(text) <= MAX_ANSWER:
        return text
    positions = [m.start() for m in re.finditer(r"[^\W_]+", text) if stem(m.group(0)) in q_terms]
    centre = sorted(positions)[len(positions) // 2] if positions else 0
    lo = max(0, min(centre - MAX_ANSWER // 2, len(text) - (MAX_ANSWER - 2)))
    window = text[lo:lo + MAX_ANSWER - 2].strip()
    return ("\u2026" if lo > 0 else "") + window + ("\u2026" if lo + MAX_ANSWER - 2 < len(text) else "")
