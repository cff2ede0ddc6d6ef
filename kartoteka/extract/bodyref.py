""""It" for a body: the subject pronoun of a main clause that goes back to the organization the
sentence before was about ("The Commune Council met in March. Established by the voters, it
governed Paris"). The person pronouns (coref.py) never take "it"; a body's founding, renaming or
dissolution is often told of it in the very next sentence.

Conservative: only a main clause's subject, only where the sentence before (in the same passage)
has an organization in its own subject phrase ("The X, commonly known as Y, was ...") and that
phrase names no other organization; a chain of such sentences ("It was ... It was ...") carries
the body on. A function of one passage's extractor, called once after the person pronouns.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from kartoteka.analysis import Analysis, Mention
from kartoteka.extract.rules import declare, on
from kartoteka.extract.state import EntityInfo
from kartoteka.extract.syntax import SUBJ_DEPS

if TYPE_CHECKING:
    from kartoteka.extract.context import ParseContext

declare("organization_it", "coref",
        "a main clause's subject 'it' is the organization the sentence before has as (or in) its "
        "subject, where that is the only organization there",
        [("The Commune Council met in Paris that spring. Established on 28 March 1871 by the voters, it "
          "governed the city for two months.", [("founding", "commune_council", "1871-03-28")]),
         ("The Academy of Sciences moved to Moscow in 1934. It was founded in 1724.",
          [("founding", "academy_of_sciences", "1724")]),
         ("The Socialist League, known to its members simply as the League, grew quickly. It was established "
          "in 1884 by Marcel Duroc.", [("founding", "socialist_league", "1884")]),
         ("The Socialist League held its congress in Lyon. Founded in 1880, it soon split.",
          [("founding", "socialist_league", "1880")]),
         ("The Socialist League lost half its members. In May 1890 it was renamed the Labour League.",
          [("renaming", "socialist_league", "1890-05")]),
         ("Marcel Duroc wrote the programme. In 1880 it was established as a party.",
          [("!founding", "duroc", None)])])


def organization_pronouns(cx: ParseContext) -> dict[int, Mention]:
    """Token index of each main-clause subject "it" -> the organization it stands for."""
    if not on("organization_it"):
        return {}
    out: dict[int, Mention] = {}
    sents = list(cx.doc.sents)
    for prev, sent in zip(sents, sents[1:], strict=False):
        body = _subject_body(cx, prev, out)
        if body is None:
            continue
        for tok in sent:
            if tok.lower_ == "it" and tok.dep_ in SUBJ_DEPS and _main_clause(tok.head):
                out[tok.i] = body
                break
    return out


def _main_clause(verb: Any) -> bool:
    return verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT")


def _subject_body(cx: ParseContext, sent: Any, found: dict[int, Mention]) -> Mention | None:
    """The one organization in the subject phrase of ``sent``'s main clause (or the body an "it"
    there already stands for)."""
    subj = next((c for c in sent.root.children if c.dep_ in SUBJ_DEPS), None)
    if subj is None:
        return None
    if subj.i in found:
        return found[subj.i]
    bodies: dict[str, Mention] = {}
    for t in subj.subtree:
        m = cx.mention_at(t)
        if m is not None and m.entity_id and cx.etype(m) == "organization":
            bodies.setdefault(m.entity_id, m)
    return next(iter(bodies.values())) if len(bodies) == 1 else None


# An article about a body names it in its first lines and far more often than any other body.
BODY_LEAD_CHARS = 300
BODY_DOMINANCE = 2.0
BODY_MIN_MENTIONS = 5

declare("topic_body_office", "candidates",
        "in an article about a body (named in its first lines and far more often than any other "
        "body), a post named without a body of its own ('X was appointed as director', 'Y was "
        "elected chairman') is a post in that body",
        [("The Socialist League was a party of French workers. The Socialist League held congresses in Lyon. "
          "The Socialist League published a paper. The Socialist League had a council. The Socialist League "
          "split in 1884. In 1880 Marcel Duroc was appointed as director.",
          [("appointment", "duroc+organization=socialist_league", "1880")]),
         ("The Academy of Sciences is the oldest learned body of the country. The Academy of Sciences moved "
          "in 1934. The Academy of Sciences grew. The Academy of Sciences had many institutes. The Academy of "
          "Sciences was reformed. In 1945 Sergei Vavilov was elected president.",
          [("election", "vavilov+organization=academy_of_sciences", "1945")]),
         ("The Writers' Union was founded in 1934. The Writers' Union met in Moscow. The Writers' Union expelled "
          "many. The Writers' Union had a board. The Writers' Union published journals. In 1936 Anna Volkova "
          "was appointed as secretary.", [("appointment", "volkova+organization=writers_union", "1936")])])


def document_body(a: Analysis, info: EntityInfo) -> str | None:
    """The body a document is about (an article on an organization): named within its first
    lines, with at least five mentions and twice as many as any other body; None otherwise."""
    if not on("topic_body_office"):
        return None
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in a.mentions:
        if m.entity_id and info.type_of(m.entity_id) == "organization":
            counts[m.entity_id] += 1
            first[m.entity_id] = min(first.get(m.entity_id, m.start), m.start)
    if not counts:
        return None
    (top, n), *rest = counts.most_common(2)
    lead = min((p.start for p in a.passages), default=0) + BODY_LEAD_CHARS
    if n < BODY_MIN_MENTIONS or (rest and n < BODY_DOMINANCE * rest[0][1]) or first[top] > lead:
        return None
    return top
