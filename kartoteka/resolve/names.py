"""Person names: parsing into parts, and whether two name forms can be the same person.

Shared by ingest-time resolution and the `entity` query. The knowledge (titles, given-name
classes, patronymic endings) is in ``data/names.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kartoteka import yamldata
from kartoteka.resolve.keys import fold, translit_key

DATA = Path(__file__).parent / "data"
INITIAL_RE = re.compile(r"^(?:[A-Z][a-z]?\.|[A-Z])$|^[A-Z]\.-?[A-Z]\.$")


@dataclass(frozen=True)
class NameData:
    titles: dict[str, dict[str, Any]]
    title_max_words: int
    given_class: dict[str, int]
    male_a: frozenset[str]
    patronymic_re: re.Pattern[str]
    particles: frozenset[str]
    role_patterns: list[re.Pattern[str]]
    stop_exact: frozenset[str]
    stop_prefixes: tuple[str, ...]
    initial_equivalents: tuple[frozenset[str], ...]
    descriptors: dict[str, tuple[str, ...]]
    namesake_cues: tuple[str, ...]


@lru_cache(maxsize=1)
def _names_yaml() -> dict[str, Any]:
    return yamldata.safe_load((DATA / "names.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def folded_titles() -> dict[str, dict[str, Any]]:
    """The titles ("general", "comrade"), folded, and what each says. Apart from ``name_data``:
    a question that names nobody needs only these, and the rest (the transliteration key of every
    given name, the stop list) cost a cold ``ask`` 10-15 ms."""
    return {fold(k): v or {} for k, v in _names_yaml()["titles"].items()}


@lru_cache(maxsize=1)
def longest_title() -> int:
    """The most words a title has ("people's commissar" has two)."""
    return max(len(k.split()) for k in folded_titles())


@lru_cache(maxsize=1)
def name_data() -> NameData:
    d = _names_yaml()
    s = yamldata.safe_load((DATA / "stoplist.yaml").read_text(encoding="utf-8"))
    given: dict[str, int] = {}
    for i, cls in enumerate(d["given_name_classes"]):
        for n in cls:
            given.setdefault(translit_key(str(n)), i)
    for n in d.get("given_names") or []:  # each its own class: a name equal only to itself
        given.setdefault(translit_key(str(n)), len(given) + 1000)
    titles = folded_titles()
    ends = "|".join(sorted(map(re.escape, d["patronymic_endings"]), key=len, reverse=True))
    return NameData(
        titles=titles,
        title_max_words=longest_title(),
        given_class=given,
        male_a=frozenset(translit_key(x) for x in d["male_names_ending_a"]),
        patronymic_re=re.compile(rf"(?:{ends})$"),
        particles=frozenset(d["particles"]),
        role_patterns=[re.compile(p) for p in d["role_patterns"]],
        stop_exact=frozenset(fold(x) for x in s["exact"]),
        stop_prefixes=tuple(str(x) for x in s["prefixes"]),
        initial_equivalents=tuple(frozenset(g) for g in d["initial_equivalents"]),
        descriptors={str(k): tuple(v) for k, v in (d.get("descriptors") or {}).items()},
        namesake_cues=tuple(str(x) for x in d.get("namesake_cues") or []),
    )


@dataclass
class PersonName:
    text: str
    first: str | None = None          # translit key
    patronymic: str | None = None     # translit key
    initials: tuple[str, ...] = ()    # letters of given-name initials, in order (first, middle)
    surname: str | None = None        # translit key (hyphenated kept whole)
    titles: tuple[str, ...] = ()
    roles: frozenset[str] = frozenset()
    gender: str | None = None
    tokens: list[str] = field(default_factory=list)

    @property
    def full(self) -> bool:
        """Says more than a single word: a first name or initials with a surname, or first+patronymic."""
        return bool(self.surname and (self.first or self.initials)) or bool(self.first and self.patronymic)

    @property
    def surname_parts(self) -> set[str]:
        if not self.surname:
            return set()
        # "von" or "de" is no surname of its own: von Loesch and von Meck share nothing
        parts = set(self.surname.split("-")) - name_data().particles
        parts.add(self.surname)
        return parts


def strip_titles(tokens: list[str]) -> tuple[list[str], list[str]]:
    # The titles alone, not name_data(): the answer reader strips titles from every phrase it
    # weighs, and a question that names nobody needs nothing else of the name data.
    known, most = folded_titles(), longest_title()
    titles: list[str] = []
    i = 0
    while i < len(tokens) - 1:
        matched = 0
        for n in range(min(most, len(tokens) - i - 1), 0, -1):
            if fold(" ".join(tokens[i:i + n])) in known:
                matched = n
                break
        if not matched:
            break
        titles.append(fold(" ".join(tokens[i:i + matched])))
        i += matched
    return titles, tokens[i:]


def parse_person(text: str) -> PersonName:
    nd = name_data()
    raw = [t.strip(",;:()[]\"") for t in text.replace("\u2019", "'").split()]
    raw = [t for t in raw if t and t not in ("-", "\u2013")]
    if raw and raw[-1] in ("'s", "s'"):
        raw = raw[:-1]
    if raw:
        raw[-1] = re.sub(r"'s$|'$", "", raw[-1])
    titles, toks = strip_titles(raw)
    # Suffixes like "Jr." are not surnames.
    while len(toks) > 1 and fold(toks[-1]) in ("jr", "sr", "junior", "senior", "ii", "iii"):
        toks = toks[:-1]
    roles = frozenset(r for t in titles if (r := nd.titles.get(t, {}).get("role")))
    genders = {g for t in titles if (g := nd.titles.get(t, {}).get("gender"))}
    p = PersonName(text=text, titles=tuple(titles), roles=roles, tokens=toks)
    if len(genders) == 1:
        p.gender = genders.pop()
    if not toks:
        return p
    inits = [t for t in toks if INITIAL_RE.match(t)]
    words = [t for t in toks if not INITIAL_RE.match(t)]
    initials = [t[0].upper() for t in inits]
    if not words:
        p.initials = tuple(initials)
        return p
    if len(words) == 1:
        w = translit_key(words[0])
        if initials or titles:
            p.surname = surname_key(words[0])
        elif w in nd.given_class and toks[0] == words[0]:
            p.first = w
        else:
            p.surname = surname_key(words[0])
        p.initials = tuple(initials)
        return _gender(p)
    # Particles join the surname: "Andrés Nin", "Charles de Gaulle".
    k = len(words) - 1
    while k > 1 and fold(words[k - 1]) in nd.particles:
        k -= 1
    surname_words = words[k:]
    given = words[:k]
    first_is_word = toks[0] == given[0] if given else False
    if len(words) == 2 and not inits and is_patronymic(translit_key(words[1])) \
            and translit_key(words[0]) in nd.given_class:
        # "Vladimir Ilyich": first name and patronymic, no surname.
        p.first, p.patronymic = translit_key(words[0]), translit_key(words[1])
        p.initials = (words[0][0].upper(),)
        return _gender(p)
    p.surname = surname_key(" ".join(surname_words))
    if first_is_word:
        p.first = translit_key(given[0])
        initials = [given[0][0].upper(), *initials]
        middle = given[1:]
    else:
        middle = given
    for m in middle:
        mk = translit_key(m)
        if p.patronymic is None and is_patronymic(mk):
            p.patronymic = mk
        initials.append(m[0].upper())
    p.initials = tuple(initials)
    return _gender(p)


def _skeleton(word: str) -> str:
    return re.sub(r"[aeiouy]", "", word)


@lru_cache(maxsize=8192)
def is_patronymic(key: str) -> bool:
    """A patronymic ends like one and is made from a given name: "Ivanovich", "Ilyich",
    "Lvovna"; "Rodzevich" or "Shostakovich" end alike but no given name underlies them."""
    nd = name_data()
    hit = nd.patronymic_re.search(key)
    if not hit:
        return False
    stem = key[:hit.start()]
    if len(stem) < 2:
        return False
    sk = _skeleton(stem)
    for g in nd.given_class:
        root = g[:-1] if len(g) > 3 and g[-1] in "aeiy" else g  # Nikola(i)-evich, Ily(a)-ich
        if g.startswith(stem) or (stem.startswith(root) and len(stem) - len(root) <= 1):
            return True
        if len(sk) >= 1 and _skeleton(g) == sk:
            return True
    return False


def surname_key(text: str) -> str:
    """Translit key of a surname, hyphenated parts kept apart: "Orlov-Feldbin" -> "orlov-feldbin"."""
    parts = [translit_key(x) for x in re.split(r"[-\u2010-\u2013]", text)]
    return "-".join(p.replace(" ", "-") for p in parts if p)


def as_first_patronymic(p: PersonName) -> PersonName | None:
    """Read "Nadezhda Konstantinova" (a misspelt patronymic) as first name + patronymic."""
    if p.first and p.surname and not p.patronymic and len(p.initials) == 1 and "-" not in p.surname:
        q = PersonName(text=p.text, first=p.first, patronymic=p.surname, initials=p.initials, titles=p.titles,
                       roles=p.roles, gender=p.gender, tokens=p.tokens)
        return q
    return None


def _gender(p: PersonName) -> PersonName:
    if p.gender:
        return p
    nd = name_data()
    if p.first:
        if p.first.endswith("a") and p.first not in nd.male_a:
            p.gender = "f"
        elif p.first in nd.given_class or not p.first.endswith(("a", "i", "e")):
            p.gender = "m"
    if p.gender is None and p.patronymic:
        p.gender = "f" if p.patronymic.endswith("na") else "m"
    if p.gender is None and p.surname and re.search(r"(?:ova|eva|ina|skaia|tskaia|aia)$", p.surname):
        p.gender = "f"
    return p


# Given names known to be names (the lexicon's classes plus first names the packs record).
_KNOWN_GIVEN: set[str] = set()


def register_given_names(names: set[str]) -> None:
    _KNOWN_GIVEN.update(names)


def known_given(name: str) -> bool:
    return name in _KNOWN_GIVEN or name in name_data().given_class


def _patronymic_root(first: str, patronymic: str | None) -> bool:
    """"Mikhail" for a man whose patronymic is Mikhailovich: a common confusion in Western sources."""
    return bool(patronymic) and len(first) >= 4 and patronymic.startswith(first[:-1] if first.endswith("a") else first)


def first_names_agree(q: PersonName, forms: list[PersonName]) -> bool:
    """A given name in ``q`` must agree with one of the full first names the forms record."""
    if not q.first:
        return True
    firsts = [f for f in forms if f.first]
    if not firsts:
        return True
    return any(firsts_agree(q.first, f.first or "", f.patronymic) for f in firsts)


def firsts_agree(a: str, b: str, b_patronymic: str | None = None) -> bool:
    """Two first names (translit keys) can name one person: equal, one name in two languages
    (a class of the lexicon: Iosif = Joseph = Soso), or, for a name the lexicon does not know,
    a spelling variant or a damaged fragment. Two names the lexicon knows apart (Pavel,
    Pyotr; Marina, Maria) never agree."""
    if _given_equal(a, b) or _patronymic_root(a, b_patronymic):
        return True
    if known_given(a) and known_given(b):
        return False
    # A word the lexicon does not know: a spelling variant (same first letter up to romanisation,
    # same consonants or close), or a fragment too short to tell ("Uon", OCR for Léon).
    from rapidfuzz.fuzz import ratio

    if _initial_ok(b[:1], a) and (_skeleton(a) == _skeleton(b) or ratio(a, b) >= 80):
        return True
    short, long_ = sorted((a, b), key=len)
    # a damaged fragment keeps some of the name: "Uon" still ends as "Leon" does; "Loy" and
    # "Nevile" share nothing and are two names, however short one of them is
    return (len(short) <= 3 and short[-2:] in long_) or ratio(a, b) >= 85


def _given_equal(a: str, b: str) -> bool:
    if a == b:
        return True
    gc = name_data().given_class
    ca, cb = gc.get(a), gc.get(b)
    return ca is not None and ca == cb


def _initial_ok(letter: str, given: str) -> bool:
    """An initial agrees with a given name: the same first letter up to transliteration."""
    letter = letter.lower()
    first = given[:1]
    if first == letter:
        return True
    eq = name_data().initial_equivalents
    return any(first in group and letter in group for group in eq)


def _patronymic_ok(a: str, b: str) -> bool:
    from rapidfuzz.fuzz import ratio

    if a == b or ratio(a, b) >= 85:
        return True
    # Made from one given name in two languages: Okhrimovych (Ukrainian) = Yefremovich,
    # Osipovich = Iosifovich.
    return bool(_patronymic_classes(a) & _patronymic_classes(b))


@lru_cache(maxsize=8192)
def _patronymic_classes(key: str) -> frozenset[int]:
    """The given-name classes (of the lexicon's equivalence classes) a patronymic is made from."""
    nd = name_data()
    hit = nd.patronymic_re.search(key)
    if not hit or hit.start() < 2:
        return frozenset()
    stem = key[:hit.start()]
    out = set()
    for g, cls in nd.given_class.items():
        if cls >= 1000:
            continue  # a name of its own class says nothing across languages
        root = g[:-1] if len(g) > 3 and g[-1] in "aeiy" else g  # Nikola(i)-evich, Ily(a)-ich
        if stem in (g, root) or (stem.startswith(root) and len(stem) - len(root) <= 1 and len(root) >= 4):
            out.add(cls)
    return frozenset(out)


def compatible(q: PersonName, f: PersonName, *, need_surname: bool = True) -> bool:
    """Can name ``q`` (a mention or query) denote the bearer of name form ``f``?"""
    if q.gender and f.gender and q.gender != f.gender:
        return False
    if q.surname:
        if not f.surname:
            return False
        if not (q.surname_parts & f.surname_parts):
            return False
    elif need_surname and not (q.first and q.patronymic):
        return False
    if q.first and f.first and not firsts_agree(q.first, f.first, f.patronymic):
        return False
    if q.first and known_given(q.first) and not f.first and f.initials and not _initial_ok(f.initials[0], q.first):
        return False
    if f.first and not q.first and q.initials and not _initial_ok(q.initials[0], f.first):
        return False
    if not q.first and not f.first and q.initials and f.initials and q.initials[0] != f.initials[0]:
        return False
    if q.patronymic and f.patronymic and not _patronymic_ok(q.patronymic, f.patronymic):
        return False
    if len(q.initials) >= 2 and len(f.initials) >= 2 and q.initials[1] != f.initials[1] \
            and not (q.patronymic and f.patronymic):
        return False
    if q.patronymic and not f.patronymic and len(f.initials) >= 2 and f.initials[1] != q.patronymic[0].upper():
        return False
    if f.patronymic and not q.patronymic and len(q.initials) >= 2 and not _initial_ok(q.initials[1], f.patronymic):
        return False  # "V. I. Molotov" is not Vyacheslav Mikhailovich
    if not q.surname:
        # first name + patronymic: both must be present and agree
        return bool(q.first and f.first and q.patronymic and f.patronymic)
    return True


def same_surname_spelt(a: str, b: str) -> bool:
    """Two surname keys are one surname in two spellings (Bucharin/Bukharin, Trockij/Trotsky), not
    another name of the bearer (a birth name, pseudonym or cover name: Ulyanov, Fomin)."""
    from rapidfuzz.fuzz import ratio

    a, b = a.replace("-", " "), b.replace("-", " ")
    if not a or not b:
        return False
    return a == b or ratio(a, b) >= 75 or a in b.split() or b in a.split()


def is_stopped(name: str) -> bool:
    nd = name_data()
    k = fold(name)
    if not k or k in nd.stop_exact:
        return True
    return any(k.startswith(p.strip()) and (k == p.strip() or k.startswith(p)) for p in nd.stop_prefixes)
