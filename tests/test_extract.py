"""Extraction on original fixture sentences: every type, voice, hedge, negation, date form.

The harness (kartoteka.extract.testing) parses the text with the project's spaCy model and makes
mentions from its entities plus the names given here, so these tests do not depend on packs.
"""

from __future__ import annotations

from typing import Any

import pytest

from kartoteka.analysis import EntityRecord, Factoid, Mention, Segment
from kartoteka.extract.stage import extract
from kartoteka.extract.testing import analyse_text, build_analysis

PEOPLE = ["Ivan Petrov", "Petrov", "Boris Orlov", "Orlov", "Fyodor Sokolov", "Sokolov", "Anna Volkova",
          "Volkova", "Pavel Zaitsev", "Zaitsev", "Gleb Morozov", "Morozov", "Lev Kamenev", "Kamenev",
          "Grigory Zinoviev", "Zinoviev", "Nikolai Bukharin", "Bukharin", "Genrikh Yagoda", "Yagoda",
          "Sergei Kirov", "Kirov", "Leonid Nikolaev", "Nikolaev", "Stalin", "Ramon Mercader", "Mercader",
          "Leon Trotsky", "Trotsky", "Alexei Rykov", "Rykov", "Vyacheslav Molotov", "Molotov", "Nikolai Yezhov",
          "Yezhov", "Walter Krivitsky", "Krivitsky", "Ignace Reiss", "Reiss", "General Miller", "Miller"]
ORGS = ["NKVD", "Politburo", "Central Committee", "Cheka", "OGPU", "Bolshevik Party", "Communist Party",
        "Comintern", "Academy of Sciences", "Writers' Union", "Dies Committee", "Red Army", "Institute of Mining"]
PLACES = ["Moscow", "Leningrad", "Tiflis", "Paris", "Mexico", "Siberia", "Kazan", "Tsaritsyn", "Stalingrad",
          "Kharkov", "Berlin", "Vienna", "Alma-Ata", "Perm", "Molotov Region"]


def types() -> dict[str, str]:
    out = {n: "person" for n in PEOPLE}
    out.update({n: "organization" for n in ORGS})
    out.update({n: "place" for n in PLACES})
    return out


def facts(text: str, **kw: Any) -> list[Factoid]:
    return analyse_text(text, types(), **kw)


def eid(name: str) -> str:
    from kartoteka.extract.testing import entity_id

    return "t:tasks" if name == "Special Tasks" else entity_id(name, types().get(name, "person"))


def find(fs: list[Factoid], type_: str, subject: str) -> Factoid:
    hits = [f for f in fs if f.type == type_ and f.subject_id == eid(subject)]
    assert hits, f"no {type_} of {subject} in {[(f.type, f.subject_id) for f in fs]}"
    return hits[0]


def absent(fs: list[Factoid], type_: str, subject: str | None = None) -> None:
    assert not [f for f in fs if f.type == type_ and (subject is None or f.subject_id == eid(subject))]


# -- every type ---------------------------------------------------------------------------------

def test_birth_with_place_and_date() -> None:
    f = find(facts("Ivan Petrov was born in Kazan on 3 March 1898."), "birth", "Ivan Petrov")
    assert f.date_start == "1898-03-03" and f.date_precision == "day"
    assert f.roles.get("place") == eid("Kazan")


def test_death_intransitive() -> None:
    f = find(facts("Boris Orlov died in Paris in 1952."), "death", "Boris Orlov")
    assert f.date_start == "1952-01-01" and f.date_precision == "year"
    assert f.roles.get("place") == eid("Paris")


@pytest.mark.parametrize("sentence", [
    "Fyodor Sokolov was shot in the cellar in 1938.",
    "Fyodor Sokolov was executed in 1938.",
    "Fyodor Sokolov was put to death in 1938.",
    "Fyodor Sokolov was liquidated in 1938.",
])
def test_execution_phrasings(sentence: str) -> None:
    fs = facts(sentence)
    f = find(fs, "execution", "Fyodor Sokolov")
    assert f.date_start == "1938-01-01"
    find(fs, "death", "Fyodor Sokolov")


def test_coordination_gives_one_factoid_each() -> None:
    fs = facts("Grigory Zinoviev and Lev Kamenev were shot in August 1936.")
    for name in ("Grigory Zinoviev", "Lev Kamenev"):
        f = find(fs, "execution", name)
        assert f.date_start == "1936-08-01" and f.date_precision == "month"


def test_killing_with_agent() -> None:
    fs = facts("Sergei Kirov was murdered by Leonid Nikolaev on 1 December 1934.")
    f = find(fs, "killing", "Sergei Kirov")
    assert f.roles.get("agent") == eid("Leonid Nikolaev")
    assert f.date_start == "1934-12-01"


def test_killing_active_with_agent_and_noun_trigger() -> None:
    fs = facts("Ramon Mercader assassinated Leon Trotsky in Mexico in 1940.")
    f = find(fs, "killing", "Leon Trotsky")
    assert f.roles.get("agent") == eid("Ramon Mercader")
    fs = facts("The murder of Sergei Kirov shocked the party in 1934.")
    find(fs, "killing", "Sergei Kirov")


def test_gunned_down() -> None:
    find(facts("Ignace Reiss was gunned down near Lausanne by two agents."), "killing", "Ignace Reiss")


@pytest.mark.parametrize("sentence", [
    "Gleb Morozov committed suicide in 1936.",
    "Gleb Morozov shot himself in 1936.",
    "Gleb Morozov took his own life in 1936.",
])
def test_suicide_phrasings(sentence: str) -> None:
    fs = facts(sentence)
    f = find(fs, "suicide", "Gleb Morozov")
    assert f.date_start == "1936-01-01"
    absent(fs, "execution")
    absent(fs, "killing")


def test_arrest_relative_clause() -> None:
    fs = facts("Genrikh Yagoda, who had been arrested in March 1937, was shot the following year.")
    a = find(fs, "arrest", "Genrikh Yagoda")
    assert a.date_start == "1937-03-01" and a.date_precision == "month"
    e = find(fs, "execution", "Genrikh Yagoda")
    assert e.date_start == "1938-01-01" and e.date_precision == "year"


def test_arrest_participle_and_custody() -> None:
    find(facts("Anna Volkova, arrested in 1949, spent six years in the camps."), "arrest", "Anna Volkova")
    find(facts("Anna Volkova was taken into custody in 1949."), "arrest", "Anna Volkova")


def test_trial_sentence_release() -> None:
    fs = facts("Pavel Zaitsev was tried in Moscow in 1931 and sentenced to ten years.")
    find(fs, "trial", "Pavel Zaitsev")
    s = find(fs, "sentence", "Pavel Zaitsev")
    assert "ten years" in s.attrs.get("sentence", "")
    find(facts("Pavel Zaitsev was released in 1940."), "release", "Pavel Zaitsev")


def test_exile_and_expulsion() -> None:
    fs = facts("Leon Trotsky was expelled from the Communist Party in 1927 and deported in 1929.")
    e = find(fs, "expulsion", "Leon Trotsky")
    assert e.roles.get("organization") == eid("Communist Party")
    assert e.date_start == "1927-01-01"
    d = find(fs, "exile", "Leon Trotsky")
    assert d.date_start == "1929-01-01"
    find(facts("Ivan Petrov was banished to Siberia in 1930."), "exile", "Ivan Petrov")
    find(facts("Ivan Petrov was exiled to Alma-Ata."), "exile", "Ivan Petrov")


def test_appointment_with_office_and_org() -> None:
    fs = facts("In 1936 Nikolai Yezhov was appointed head of the NKVD.")
    f = find(fs, "appointment", "Nikolai Yezhov")
    assert "head" in f.roles.get("office", "")
    assert f.roles.get("organization") == eid("NKVD")
    assert f.date_start == "1936-01-01"


def test_replacement_closes_and_opens() -> None:
    fs = facts("In 1930 Alexei Rykov was replaced in the premiership by Vyacheslav Molotov.")
    r = find(fs, "removal", "Alexei Rykov")
    assert r.date_start == "1930-01-01"
    a = find(fs, "appointment", "Vyacheslav Molotov")
    assert a.date_start == "1930-01-01"
    assert "agent" not in r.roles  # a successor is not an agent


def test_succeeded_and_removed() -> None:
    fs = facts("Nikolai Yezhov succeeded Genrikh Yagoda as head of the NKVD in 1936.")
    find(fs, "appointment", "Nikolai Yezhov")
    find(fs, "removal", "Genrikh Yagoda")
    fs = facts("Boris Orlov was removed from the Politburo in 1929.")
    r = find(fs, "removal", "Boris Orlov")
    assert r.roles.get("organization") == eid("Politburo")


def test_pronoun_subject_of_relative_clause_is_not_its_object() -> None:
    # "whom" is Rykov, so the "he" who replaced him is the other man: co-arguments never corefer
    fs = facts("Vyacheslav Molotov chaired the plenum as premier instead of Alexei Rykov, "
               "whom he replaced on 19 December 1930.")
    r = find(fs, "removal", "Alexei Rykov")
    assert r.roles.get("other") == [eid("Vyacheslav Molotov")]
    a = find(fs, "appointment", "Vyacheslav Molotov")
    assert a.date_start == "1930-12-19"
    # with no one else for "he" to be, nothing is made up
    fs = facts("The plenum heard Alexei Rykov, whom he had replaced in 1930.")
    assert not [f for f in fs if f.type == "appointment"]


def test_membership_and_election() -> None:
    f = find(facts("Walter Krivitsky joined the Bolshevik Party in 1917."), "membership", "Walter Krivitsky")
    assert f.roles.get("organization") == eid("Bolshevik Party")
    f = find(facts("Ivan Petrov had been a member of the Comintern since 1921."), "membership", "Ivan Petrov")
    assert f.roles.get("organization") == eid("Comintern")
    f = find(facts("Boris Orlov was elected to the Central Committee in 1925."), "election", "Boris Orlov")
    assert f.date_start == "1925-01-01"


def test_defection() -> None:
    find(facts("Walter Krivitsky defected to the West in 1937."), "defection", "Walter Krivitsky")
    find(facts("Ignace Reiss broke with Stalin in July 1937."), "defection", "Ignace Reiss")


def test_kidnapping() -> None:
    f = find(facts("General Miller was kidnapped in Paris in September 1937."), "kidnapping", "General Miller")
    assert f.date_start == "1937-09-01"


def test_testimony_and_meeting() -> None:
    f = find(facts("Walter Krivitsky testified before the Dies Committee in 1939."), "testimony", "Walter Krivitsky")
    assert f.roles.get("organization") == eid("Dies Committee")
    fs = facts("Boris Orlov met Anna Volkova in Berlin in 1922.")
    f = find(fs, "meeting", "Boris Orlov")
    assert eid("Anna Volkova") in f.roles.get("other", [])


def test_founding_and_renaming() -> None:
    find(facts("The Institute of Mining was founded in 1921."), "founding", "Institute of Mining")
    fs = facts("In 1925 Tsaritsyn was renamed Stalingrad.")
    f = find(fs, "renaming", "Tsaritsyn")
    assert f.date_start == "1925-01-01"


def test_counts() -> None:
    fs = facts("The Central Committee had 71 members. Forty-one of them were arrested in the purge.")
    f = find(fs, "count", "Central Committee")
    assert f.value == "41"


# -- dates from the discourse --------------------------------------------------------------

def test_year_from_context_and_relative_chain() -> None:
    text = ("The case against the group opened in 1938. Nikolai Bukharin was arrested in March. "
            "On 15 March Genrikh Yagoda was shot. Two days later Boris Orlov died.")
    fs = facts(text)
    assert find(fs, "arrest", "Nikolai Bukharin").date_start == "1938-03-01"
    y = find(fs, "execution", "Genrikh Yagoda")
    assert (y.date_start, y.date_precision) == ("1938-03-15", "day")
    o = find(fs, "death", "Boris Orlov")
    assert (o.date_start, o.date_precision) == ("1938-03-17", "day")


def test_flashback_in_a_noun_phrase_does_not_move_the_anchor() -> None:
    text = ("Nikolai Bukharin went on trial in March 1938. A letter of 1923, found in a drawer after "
            "the owner moved away in 1953, was read out in court. Bukharin was shot on 15 March.")
    f = find(facts(text), "execution", "Nikolai Bukharin")
    assert (f.date_start, f.date_precision) == ("1938-03-15", "day")
    text = ("On 25 September 1936 Stalin sent a telegram from the south. It showed that his troubles "
            "four years earlier still haunted him. The next day Nikolai Yezhov was appointed head of the NKVD.")
    f = find(facts(text), "appointment", "Nikolai Yezhov")
    assert (f.date_start, f.date_precision) == ("1936-09-26", "day")


def test_partial_date_takes_the_year_of_the_same_month_named_lately() -> None:
    text = ("Sergei Kirov was murdered on 1 December 1934.\n\n"
            "In 1956 a commission looked again at the murder and its many loose ends.\n\n"
            "Leonid Nikolaev was arrested on 3 December, before the funeral.")
    f = find(facts(text), "arrest", "Leonid Nikolaev")
    assert f.date_start == "1934-12-03"


def test_season_and_decade() -> None:
    f = find(facts("Ivan Petrov was arrested in the spring of 1937."), "arrest", "Ivan Petrov")
    assert (f.date_start, f.date_end, f.date_precision) == ("1937-03-01", "1937-05-31", "season")
    fs = facts("Petrov worked in Kharkov in 1936. That autumn Ivan Petrov was arrested.")
    f = find(fs, "arrest", "Ivan Petrov")
    assert f.date_precision == "season" and f.date_start == "1936-09-01"
    f = find(facts("Boris Orlov joined the Comintern in the mid-1920s."), "membership", "Boris Orlov")
    assert f.date_precision == "decade"


def test_impossible_date_is_kept_as_text() -> None:
    f = find(facts("Ivan Petrov was arrested on 31 November 1937."), "arrest", "Ivan Petrov")
    assert f.date_flag == "impossible" and f.date_start is None
    assert f.date_text == "31 November 1937"


# -- voice, hedging, negation -----------------------------------------------------------------

def test_negation_and_contrast() -> None:
    fs = facts("Gleb Morozov did not commit suicide, but was murdered by his guards.")
    assert find(fs, "suicide", "Gleb Morozov").negated
    k = find(fs, "killing", "Gleb Morozov")
    assert not k.negated
    # the suicide is denied, not the death
    assert not [f for f in fs if f.type == "death" and f.negated]
    fs = facts("Anna Volkova was never arrested.")
    assert find(fs, "arrest", "Anna Volkova").negated


@pytest.mark.parametrize("sentence", [
    "Boris Orlov was reportedly shot in 1938.",
    "Boris Orlov was allegedly poisoned in 1938.",
    "It is said that Boris Orlov was shot in 1938.",
    "Boris Orlov may have been murdered in 1938.",
    "Conspiracy theories suggest that Boris Orlov was murdered in 1938.",
    "Boris Orlov was probably shot in 1938.",
    "Boris Orlov apparently died in 1938.",
])
def test_hedges(sentence: str) -> None:
    fs = [f for f in facts(sentence) if f.subject_id == eid("Boris Orlov")]
    assert fs and all(f.hedged for f in fs)
    assert not any(f.negated for f in fs)


def test_plain_assertion_is_not_hedged() -> None:
    f = find(facts("Boris Orlov was shot in 1938."), "execution", "Boris Orlov")
    assert not f.hedged and not f.negated and f.voice == "author"


def test_reported_speech_voice() -> None:
    f = find(facts("Walter Krivitsky wrote that Ignace Reiss was murdered in Switzerland."), "killing", "Ignace Reiss")
    assert f.voice == "Walter Krivitsky"
    f = find(facts("According to Walter Krivitsky, Ignace Reiss was murdered by the NKVD."), "killing", "Ignace Reiss")
    assert f.voice == "Walter Krivitsky"


def test_quotation_voice() -> None:
    text = 'Walter Krivitsky said: "Ignace Reiss was murdered by our own people near the border."'
    f = find(facts(text), "killing", "Ignace Reiss")
    assert f.voice == "Walter Krivitsky"


def test_block_quote_editorial_and_comment_layers() -> None:
    text = "Boris Orlov was arrested in 1937.\n\nIvan Petrov was arrested in 1938.\n\nAnna Volkova died in 1950."
    fs = facts(text, layers={1: "editorial", 2: "comment"},
               segments=[Segment("comment", text.index("Anna"), len(text), label="reader42")])
    assert find(fs, "arrest", "Boris Orlov").voice == "author"
    assert find(fs, "arrest", "Ivan Petrov").voice == "editor"
    assert find(fs, "death", "Anna Volkova").voice == "reader42"


def test_inline_compiler_and_editor_remarks() -> None:
    fs = facts("Ivan Petrov lived in Perm. {Ivan Petrov was arrested in 1937, as the files show.}")
    assert find(fs, "arrest", "Ivan Petrov").voice == "compiler"
    fs = facts("[Early in 1930 Boris Orlov was removed from the Politburo, as the record shows.] He went on.")
    assert find(fs, "removal", "Boris Orlov").voice == "editor"


def test_fiction_is_marked() -> None:
    fs = facts("Boris Orlov was arrested in 1937.", genre="fiction")
    assert find(fs, "arrest", "Boris Orlov").fiction


def test_irrealis_is_not_an_event() -> None:
    fs = facts("Stalin planned to arrest Boris Orlov in 1937.")
    absent(fs, "arrest", "Boris Orlov")


# -- spans, ids ---------------------------------------------------------------------------------

def test_spans_are_exact_in_stored_text_and_ids_stable() -> None:
    text = ("Intro line.\n\n\u201cQuoted\u201d words \u2014 then Boris  Orlov was shot\u00ad in 1938.\n\n"
            "Anna Volkova died in 1950.")
    a = build_analysis(text, types())
    fs = extract(a)
    assert fs
    for f in fs:
        quote = text[f.start:f.end]
        assert quote and quote == quote.strip()
    ids1 = [f.id for f in fs]
    ids2 = [f.id for f in extract(build_analysis(text, types()))]
    assert ids1 == ids2 and len(set(ids1)) == len(ids1)


def test_pronoun_subject_links_to_antecedent() -> None:
    fs = facts("Boris Orlov returned to Moscow in 1937. He was arrested two days later.")
    find(fs, "arrest", "Boris Orlov")


def test_date_shifted_by_a_temporal_preposition() -> None:
    fs = facts("On 18 April 1931, four days after Ivan Petrov's arrest, his wife left Moscow.")
    f = find(fs, "arrest", "Ivan Petrov")
    assert (f.date_start, f.date_precision) == ("1931-04-14", "day")


def test_complement_dates_are_not_the_event_date() -> None:
    fs = facts("Boris Orlov testified that he had met Anna Volkova in December 1935.")
    assert find(fs, "testimony", "Boris Orlov").date_start is None


def test_cataphoric_possessive() -> None:
    fs = facts("Soon after his appointment as head of the NKVD in 1936, Nikolai Yezhov began the purge.")
    assert find(fs, "appointment", "Nikolai Yezhov").date_start == "1936-01-01"


# -- groups, coreference, dates from earlier sentences ---------------------------------------------

def test_named_members_of_a_group_noun_share_the_event() -> None:
    fs = facts("In 1936 Ivan Petrov, Boris Orlov, and other senior Kharkov officials were charged with "
               "negligence and exiled to Siberia.")
    for name in ("Ivan Petrov", "Boris Orlov"):
        f = find(fs, "exile", name)
        assert f.date_start == "1936-01-01"


def test_advanced_to_full_membership() -> None:
    fs = facts("Ivan Petrov and Boris Orlov were advanced from candidate status to full Politburo membership.")
    f = find(fs, "membership", "Boris Orlov")
    assert f.roles.get("organization") == eid("Politburo")


def test_undated_event_takes_the_date_of_the_paragraph_not_of_an_aside() -> None:
    text = ("In 1931 Stalin reshaped the leadership once more. Ivan Petrov lost the seat on the Politburo "
            "that Gleb Morozov had held in the previous year. Boris Orlov joined the Politburo.")
    f = find(facts(text), "membership", "Boris Orlov")
    assert (f.date_start, f.date_precision) == ("1931-01-01", "year")
    assert f.attrs.get("date_inferred")


def test_subordinate_pronoun_after_another_person_stays_unresolved() -> None:
    text = ("Nikolai Bukharin wrote a last letter in prison. The letter was kept with papers of Stalin "
            "that were found after he died in 1953.")
    absent(facts(text), "death", "Nikolai Bukharin")


def test_fronted_participle_keeps_the_main_subject_pronoun() -> None:
    text = ("Ivan Petrov joined the party in 1903. Arrested in 1907, in connection with the murder of "
            "Boris Orlov, he was sentenced to exile.")
    f = find(facts(text), "arrest", "Ivan Petrov")
    assert f.date_start == "1907-01-01"


def test_demonstrative_person_noun_is_the_one_person_just_named() -> None:
    text = ("The method was first tried on Ivan Petrov, who had fled to Moscow. This well-known "
            "revolutionary figure was arrested in May 1937.")
    f = find(facts(text), "arrest", "Ivan Petrov")
    assert f.date_start == "1937-05-01"


def test_sentence_initial_possessive_is_the_topic() -> None:
    text = "Boris Orlov ran the secretariat alone for years. His death, soon after the congress, left a gap."
    find(facts(text), "death", "Boris Orlov")


def test_a_person_inside_an_award_name_is_no_antecedent() -> None:
    # a resolver took "the Order of Lenin" for Lenin himself
    text = ("Lenin died in 1924. In 1933 Stalin rewarded Genrikh Yagoda with the Order of Lenin, and in "
            "1935 promoted him to the rank of commissar.")
    fs = analyse_text(text, {**types(), "Lenin": "person", "Order of Lenin": "person"})
    find(fs, "appointment", "Genrikh Yagoda")
    absent(fs, "appointment", "Lenin")


def test_named_leader_of_an_organization_group() -> None:
    fs = facts("In July 1937 seven Georgian Bolsheviks, led by Boris Orlov, were executed in Tiflis.")
    f = find(fs, "execution", "Boris Orlov")
    assert f.date_start == "1937-07-01"


def test_founding_of_a_body_called_by_its_full_name() -> None:
    text = "In 1936 Yezhov set up a new unit of the NKVD called the Bureau of Special Tasks."
    a = build_analysis(text, types())
    # the recogniser took only the inner words for the name
    a.mentions = [m for m in a.mentions if "Special" not in m.text]
    i = text.index("Special Tasks")
    a.mentions.append(Mention(i, i + 13, "Special Tasks", "ORG", "t:tasks", passage_seq=0, body_start=i, body_end=i + 13))
    a.entities.append(EntityRecord("t:tasks", "Special Tasks", "organization"))
    fs = extract(a)
    f = find(fs, "founding", "Special Tasks")
    assert f.date_start == "1936-01-01"
    absent(fs, "founding", "NKVD")


def test_a_name_the_recogniser_missed_is_recovered_from_known_entities() -> None:
    text = "Boris Orlov was arrested in 1936. A year later the gifted Orlov was shot in Kazan."
    a = build_analysis(text, types())
    second = text.rindex("Orlov")
    a.mentions = [m for m in a.mentions if m.start != second]
    a.entities.append(EntityRecord(eid("Orlov"), "Orlov", "person"))
    f = find(extract(a), "execution", "Boris Orlov")
    assert f.date_start == "1937-01-01"


def test_compound_adjectives_are_not_events_but_prefixed_verbs_are() -> None:
    fs = facts("The Polish-born officer Ivan Petrov ran the network. Boris Orlov was re-elected to the Politburo.")
    absent(fs, "birth")
    find(fs, "election", "Boris Orlov")


def test_names_before_a_noun_are_not_the_event_subject_unless_it_is_a_title() -> None:
    fs = facts("The plan was to promote the Petrov movement in 1935.")
    absent(fs, "appointment")
    fs = facts("The edict appointing Petrov commissar of finance and Orlov commissar of trade came out in 1936.")
    p, o = find(fs, "appointment", "Petrov"), find(fs, "appointment", "Orlov")
    assert p.roles["office"] == "commissar of finance"
    assert o.roles["office"] == "commissar of trade"


def test_a_man_named_x_is_no_appointment() -> None:
    fs = facts("She pointed at a local official named Orlov and accused him.")
    absent(fs, "appointment")


def test_a_clause_qualifying_a_date_takes_that_date() -> None:
    text = "Kirov was murdered in December 1934. It began the previous October, when Ivan Petrov was arrested."
    f = find(facts(text), "arrest", "Ivan Petrov")
    assert (f.date_start, f.date_precision) == ("1934-10-01", "month")


def test_adverbial_clause_dated_from_its_main_clause() -> None:
    text = "In 1935 Stalin promoted Genrikh Yagoda, only two days after Boris Orlov was appointed marshal."
    f = find(facts(text), "appointment", "Boris Orlov")
    assert f.date_start == "1935-01-01"
    text = "On 3 May 1936 Stalin left Moscow, when Ivan Petrov was arrested."
    assert find(facts(text), "arrest", "Ivan Petrov").date_start == "1936-05-03"
    text = "On 10 May 1936 Stalin promoted Genrikh Yagoda, two days after Boris Orlov was appointed marshal."
    assert find(facts(text), "appointment", "Boris Orlov").date_start == "1936-05-08"
    text = "Death came to Gleb Morozov on 18 June 1936, just two months before Ivan Petrov's trial opened."
    f = find(facts(text), "trial", "Ivan Petrov")
    assert (f.date_start, f.date_precision) == ("1936-08-01", "month")


def test_expected_events_are_not_events_but_a_death_after_which_is() -> None:
    absent(facts("Ivan Petrov returned by train to Kazan fully expecting to be arrested."), "arrest")
    find(facts("Few had expected the years after Boris Orlov's death to see the building of a new state."),
         "death", "Boris Orlov")


def test_a_counted_group_is_the_people_named_before() -> None:
    text = ("On 11 June 1937 the papers reported the arrest of Ivan Petrov and two other generals. "
            "On 12 June came word of the execution of the three commanders.")
    f = find(facts(text), "execution", "Ivan Petrov")
    assert f.date_start == "1937-06-12"
    text = ("Ivan Petrov and Boris Orlov were arrested in 1937. "
            "The eight commanders were shot in June 1938.")
    absent(facts(text), "execution")  # two named, eight counted: not the same group


def test_an_of_object_after_a_time_phrase() -> None:
    text = ("I saw the headlines on 5 May 1936, telling of the kidnapping at dawn, Monday, "
            "May 4, of General Miller, leader of the exiles.")
    f = find(facts(text), "kidnapping", "General Miller")
    assert f.date_start == "1936-05-04"


def test_a_bracketed_participle_describes_the_noun_before_it() -> None:
    text = "She criticised the Special Board (instituted under a decree of 3 March 1931) in her memoirs."
    fs = analyse_text(text, {**types(), "Special Board": "organization"})
    (f,) = [f for f in fs if f.type == "founding" and f.subject_id == "t:special_board"]
    assert f.date_start == "1931-03-03"


def test_only_narrated_events_take_the_date_of_the_sentence_before() -> None:
    text = ("The plenum of 1 February 1935 settled the matter. The clearest sign was Nikolai Yezhov's "
            "appointment to the post that Sergei Kirov's murder had left empty.")
    fs = facts(text)
    assert find(fs, "appointment", "Nikolai Yezhov").date_start == "1935-02-01"
    assert find(fs, "killing", "Sergei Kirov").date_start is None
    text = "Boris Orlov was travelling in Siberia in January 1924. The news of Lenin's death reached him there."
    assert find(analyse_text(text, {**types(), "Lenin": "person"}), "death", "Lenin").date_start == "1924-01-01"


def test_a_pronoun_never_takes_an_antecedent_of_the_other_gender() -> None:
    fs = facts("Ivan Petrov married in 1920. After receiving a ten-year sentence, she was later shot.")
    absent(fs, "execution")
    fs = facts("Anna Volkova worked as a typist in Moscow. In 1937 she was arrested.")
    assert find(fs, "arrest", "Anna Volkova").date_start == "1937-01-01"


def test_a_denying_verb_does_not_reach_into_an_adverbial_clause() -> None:
    fs = facts("Boris Orlov alone survived in power just after Ivan Petrov died.")
    assert not find(fs, "death", "Ivan Petrov").negated


def test_reported_and_commemorated_events_keep_their_own_time() -> None:
    fs = facts("In March 1938 the accused testified that they had caused Boris Orlov's death.")
    assert find(fs, "death", "Boris Orlov").date_start is None
    fs = analyse_text("On 21 January 1934, the anniversary of Lenin's death, the paper printed an article.",
                      {**types(), "Lenin": "person"})
    assert find(fs, "death", "Lenin").date_start is None


def test_naming_plural_groups_and_obligations_are_no_events() -> None:
    absent(facts("A sister of Ivan Petrov, named Margaret, worked for us."), "appointment")
    absent(facts("Other arrested Petrov men were released in 1938."), "arrest", "Petrov")
    absent(facts("Boris Orlov must immediately be removed and put on trial."), "trial")


def test_counterfactual_and_plotted_events_are_no_events() -> None:
    absent(facts("If Boris Orlov had won, he would have executed Ivan Petrov too."), "execution")
    absent(facts("An abortive cabal to remove Ivan Petrov from the post of secretary took place in 1934."),
           "removal")


def test_a_possessive_after_another_of_its_gender_is_the_same_person() -> None:
    text = ("Boris Orlov was ill that winter. Since his endorsement of the attacks on his friend Ivan Petrov "
            "was out of the question, his death came at a convenient moment.")
    fs = facts(text)
    find(fs, "death", "Boris Orlov")
    absent(fs, "death", "Ivan Petrov")


def test_an_apposition_of_another_type_is_not_the_same_thing() -> None:
    text = ("The commission set up a department consisting of Ivan Petrov from the party, and Boris Orlov "
            "(now head of the Academy of Sciences) from the courts.")
    absent(facts(text), "founding", "Academy of Sciences")


def test_hyphenated_names_before_an_event_noun_are_each_a_subject() -> None:
    a = build_analysis("The Petrov-Orlov trial was staged in March 1938.", types())
    a.entities += [EntityRecord(eid(n), n, "person") for n in ("Petrov", "Orlov")]
    fs = extract(a)
    for name in ("Petrov", "Orlov"):
        assert find(fs, "trial", name).date_start == "1938-03-01"


def test_trial_participants_from_a_relative_clause() -> None:
    text = ("The decree cited another trial, held in camera on 15-16 January 1935 in Leningrad, at which "
            "Ivan Petrov and Boris Orlov were convicted of forming a centre.")
    fs = facts(text)
    f = find(fs, "trial", "Ivan Petrov")
    assert (f.date_start, f.date_end) == ("1935-01-15", "1935-01-16")
    find(fs, "trial", "Boris Orlov")
    text = "After the August trial, at which Boris Orlov announced new charges, Anna Volkova left Moscow."
    absent(facts(text), "trial", "Boris Orlov")  # the prosecutor, not the accused


def test_a_post_one_was_given() -> None:
    text = ("Boris Orlov, by then commissar of river shipping (a post he was given in May 1939), "
            "spoke at the congress.")
    f = find(facts(text), "appointment", "Boris Orlov")
    assert f.date_start == "1939-05-01" and f.roles["office"] == "commissar of river shipping"


def test_a_bare_event_noun_that_comes_to_someone() -> None:
    fs = facts("Police seized Béla Kun as he walked out of the hall; death came to him in 1941.")
    assert find(fs, "death", "Béla Kun").date_start == "1941-01-01"


def test_intentions_conditions_and_proposals_are_no_events() -> None:
    absent(facts("The group was sent into the country in 1936 to murder Ivan Petrov."), "killing")
    absent(facts("Boris Orlov wondered aloud if Ivan Petrov was defecting."), "defection")
    absent(facts("In March 1932 Boris Orlov appealed for Ivan Petrov's removal."), "removal")
    absent(facts("When the question of expelling Ivan Petrov came up, the plenum fell silent."), "expulsion")
    absent(facts('Stalin wrote: "We consider it urgent that Ivan Petrov be appointed to the post."'), "appointment")
    find(facts("Boris Orlov managed to defect in 1938."), "defection", "Boris Orlov")


def test_reported_to_have_is_hedged() -> None:
    assert find(facts("Boris Orlov was reported to have committed suicide."), "suicide", "Boris Orlov").hedged


def test_a_clause_beside_a_speech_verb_is_the_author_s() -> None:
    f = find(facts("When Ivan Petrov died in 1924, Boris Orlov wrote about him from abroad."), "death", "Ivan Petrov")
    assert f.voice == "author"


def test_flashbacks_testimony_and_gerunds_take_no_date_from_before() -> None:
    text = "Two years earlier, Ivan Petrov had written a long treatise. For that he was expelled from the party."
    assert find(facts(text), "expulsion", "Ivan Petrov").date_start is None
    text = "Boris Orlov said that they met Ivan Petrov in 1932. Gleb Morozov testified that the plan was his."
    assert find(facts(text), "testimony", "Gleb Morozov").date_start is None
    text = "Stalin arrived on 3 December 1934. Ivan Petrov declined to give his motive for killing Sergei Kirov."
    assert find(facts(text), "killing", "Sergei Kirov").date_start is None


def test_accusations_are_hedged_and_cancelled_appointments_denied() -> None:
    assert find(facts("Four doctors were charged with the murder of Boris Orlov."), "killing", "Boris Orlov").hedged
    assert find(facts("But Ivan Petrov's appointment was cancelled."), "appointment", "Ivan Petrov").negated


def test_what_came_before_keeps_its_own_date() -> None:
    fs = analyse_text("In May 1931 Stalin addressed the students of the recently founded Industrial Academy.",
                      {**types(), "Industrial Academy": "organization"})
    (f,) = [f for f in fs if f.type == "founding"]
    assert f.date_start is None
    fs = facts("After the party won power in 1917, Ivan Petrov died.")
    assert find(fs, "death", "Ivan Petrov").date_start is None
    fs = facts("Boris Orlov, arrested on 14 August 1936, and Ivan Petrov, whose arrest followed on 20 August, "
               "were tried together.")
    assert find(fs, "arrest", "Ivan Petrov").date_start == "1936-08-20"
    assert find(fs, "arrest", "Boris Orlov").date_start == "1936-08-14"


def test_counts_are_of_people_in_the_body_they_belong_to() -> None:
    absent(facts("The two trials of the Comintern shook the faith of many abroad."), "count")
    absent(facts("Stalin approved the names of 44,000 party, Comintern, army and other officials."), "count")
    f = find(facts("Four out of seven members of the Politburo backed him in 1922."), "count", "Politburo")
    assert f.value == "7" or f.value == "4"


def test_purposes_figures_of_speech_and_topics_are_no_events() -> None:
    absent(facts("Ivan Petrov shot himself when the guards came to arrest him on 31 May."), "arrest")
    absent(facts('Like a king, Boris Orlov had assumed the position "The party is I".'), "appointment")
    absent(facts("Yet he did broach the subject of removing Ivan Petrov from the post."), "removal")


def test_planned_events_and_groups_named_later_in_the_sentence() -> None:
    absent(facts("As his driver, Ivan Petrov was to sacrifice himself and kill Boris Orlov."), "killing")
    text = ("The radio said that the twelve were shot once the Politburo had turned down appeals "
            "sent by ten of them.")
    absent(facts(text), "count", "Politburo")


def test_a_denial_after_an_arrest_does_not_deny_the_arrest() -> None:
    fs = facts("Ivan Petrov said that after his arrest he had denied all the charges.")
    assert not find(fs, "arrest", "Ivan Petrov").negated


def test_the_shapes_conflict_detection_needs() -> None:
    # one event dated twice in one source: an event noun with a relative date, another with a partial one
    text = ("On June 11, 1937, the Kremlin announced a plot by Boris Orlov. The next day the papers were "
            "full of the execution of Boris Orlov.\n\nOn June 2, 1937, Boris Orlov was shot in Moscow.")
    fs = [f for f in facts(text) if f.type == "execution" and f.subject_id == eid("Boris Orlov")]
    assert {f.date_start for f in fs} == {"1937-06-12", "1937-06-02"}
    # a kidnapping as a participle and a founding by decree
    f = find(facts("The papers mentioned General Miller, kidnapped in Berlin on October 3, 1936."), "kidnapping",
             "General Miller")
    assert (f.date_start, f.roles.get("place")) == ("1936-10-03", eid("Berlin"))
    fs = facts("On 11 July 1934 the press published a decree setting up the NKVD.")
    assert find(fs, "founding", "NKVD").date_start == "1934-07-11"


def test_hedges_stop_at_relative_clauses_and_in_charge_of_is_no_charge() -> None:
    fs = facts("The delay was probably meant to hide the reprisals that began after Sergei Kirov's death.")
    assert not find(fs, "death", "Sergei Kirov").hedged
    fs = facts("I telephoned the officer in charge of the arrest of Boris Orlov.")
    assert not find(fs, "arrest", "Boris Orlov").hedged


def test_a_counterfactual_had_not_tells_what_happened() -> None:
    fs = facts("Had Ivan Petrov not died in Kazan in 1933, he would have been restored to honour.")
    f = find(fs, "death", "Ivan Petrov")
    assert not f.negated and f.date_start == "1933-01-01"


def test_a_date_inside_another_argument_is_not_the_event_s() -> None:
    fs = facts("The claim that Sergei Kirov's murder caused the famine of the early 1930s is doubtful.")
    assert find(fs, "killing", "Sergei Kirov").date_start is None


def test_topics_come_from_main_clauses_and_possessors_of_main_subjects() -> None:
    text = ("Ivan Petrov, whom Boris Orlov admired greatly, was received by Stalin. "
            "Subsequently he was appointed to a post in a publishing house.")
    fs = facts(text)
    find(fs, "appointment", "Ivan Petrov")
    absent(fs, "appointment", "Boris Orlov")
    text = "Boris Orlov's purge of the army was now a chapter of history. In 1938 he was arrested."
    find(facts(text), "arrest", "Boris Orlov")


def test_negation_of_a_predicate_and_hedges_of_a_main_clause_stay_there() -> None:
    fs = facts("Sergei Kirov's murder was not the deed of the men accused of it.")
    assert not find(fs, "killing", "Sergei Kirov").negated
    fs = facts("Had not Ivan Petrov taken his own life, the purge very likely would have claimed him.")
    assert not find(fs, "suicide", "Ivan Petrov").hedged


def test_instructions_are_no_events_and_a_cataphoric_possessive_finds_the_subject() -> None:
    absent(facts("Ivan Petrov instructed a manager to see that Boris Orlov was murdered."), "killing")
    text = "Shortly before his suicide in 1931 the novelist Boris Orlov finished a story about railways."
    f = find(facts(text), "suicide", "Boris Orlov")
    assert f.date_start == "1931-01-01"


def test_later_stages_do_not_take_the_date_of_an_arrest_told_before() -> None:
    fs = facts("In April 1927 Ivan Petrov was arrested. In the end Ivan Petrov was executed.")
    assert find(fs, "arrest", "Ivan Petrov").date_start == "1927-04-01"
    assert find(fs, "execution", "Ivan Petrov").date_start is None


def test_appearing_before_a_crowd_is_no_testimony_and_recommendations_are_no_events() -> None:
    absent(facts("At the close Boris Orlov appears before the crowd to announce the victory."), "testimony")
    find(facts("Walter Krivitsky appeared before the Dies Committee in 1939."), "testimony", "Walter Krivitsky")
    absent(facts("He made recommendations about the removal of Ivan Petrov from the post."), "removal")


def test_a_title_taken_for_a_body_is_no_organization() -> None:
    text = "In 1935 Stalin elevated Genrikh Yagoda to the rank of General Commissar of State Security."
    a = build_analysis(text, types())
    i = text.index("Commissar")
    a.mentions.append(Mention(i, i + 9, "Commissar", "ORG", "t:commissar", passage_seq=0, body_start=i, body_end=i + 9))
    a.entities.append(EntityRecord("t:commissar", "Commissar", "organization"))
    f = find(extract(a), "appointment", "Genrikh Yagoda")
    assert f.roles.get("organization") != "t:commissar"


def test_rumours_hedge_their_content_and_modals_only_their_own_verb() -> None:
    assert find(facts("Moscow buzzed with the rumor that Boris Orlov had been arrested."), "arrest", "Boris Orlov").hedged
    assert find(facts("Rumors of Boris Orlov's arrest were denied."), "arrest", "Boris Orlov").hedged
    fs = facts("In 1930 Ivan Petrov was appointed premier, so Stalin could now count on the government.")
    assert not find(fs, "appointment", "Ivan Petrov").hedged
    fs = facts("In 1935 Ivan Petrov and Boris Orlov were charged with negligence and exiled to Siberia.")
    assert not find(fs, "exile", "Ivan Petrov").hedged


def test_impending_and_desirable_events_are_no_events() -> None:
    absent(facts("Warned of his impending arrest, Ivan Petrov burned his letters."), "arrest")
    absent(facts("They discussed the desirability of dismissing Ivan Petrov."), "removal")


def test_n_of_them_belongs_to_the_body_of_the_people_just_named() -> None:
    text = ("Letters went to all the members of the Politburo, then numbering about 140. "
            "Ninety-eight of them were later shot.")
    assert find(facts(text), "count", "Politburo").value == "98"
    text = ("In April about 300 prisoners were shipped to the NKVD headquarters in Moscow. "
            "By June about twenty of them had agreed to confess.")
    absent(facts(text), "count")


def test_figurative_roles_eager_wishes_and_reported_clauses() -> None:
    absent(facts("Boris Orlov was assuming the role of the country's leading critic."), "appointment")
    absent(facts("Hence the prosecutor's eagerness for a quick trial of Ivan Petrov."), "trial")
    text = "On 16 December 1934 the plenum heard a report that Sergei Kirov's murder had been organized by a group."
    assert find(facts(text), "killing", "Sergei Kirov").date_start is None


def test_a_relative_clause_belongs_to_the_name_before_it() -> None:
    fs = facts("Among them were Ivan Petrov, who became premier, and Boris Orlov, who took over the NKVD.")
    assert find(fs, "appointment", "Ivan Petrov").roles.get("office") == "premier"
    assert all(f.roles.get("office") != "premier" for f in fs if f.subject_id == eid("Boris Orlov"))
    fs = facts("The principals were Leon Trotsky and his son Boris Orlov, who were being tried in absentia.")
    find(fs, "trial", "Boris Orlov")


def test_an_object_pronoun_is_none_of_its_clause_s_subjects() -> None:
    text = "In 1932 his grandfather Sergei Kirov and cousin Boris Orlov stabbed him to death in the woods."
    fs = facts(text)
    absent(fs, "killing", "Sergei Kirov")
    absent(fs, "killing", "Boris Orlov")


def test_spans_of_time_letters_and_goals_do_not_date_or_make_events() -> None:
    fs = facts("Those arrested between Sergei Kirov's murder and mid-1936 had some blot on their records.")
    assert find(fs, "killing", "Sergei Kirov").date_start is None
    fs = facts("The theme returns in a secret letter of May 1937, which accused the group of murdering Sergei Kirov.")
    assert find(fs, "killing", "Sergei Kirov").date_start is None
    absent(facts("Gleb Morozov's removal from office was the chief aim of Ivan Petrov."), "removal")


def test_an_imperative_asks_for_an_event_and_asserts_none() -> None:
    from kartoteka.extract.testing import analyse_text

    facts = analyse_text("\u201cComrades, don't kill Kirov!\u201d Trotsky cried.")
    assert not [f for f in facts if f.type in ("killing", "death")], facts
    assert [f for f in analyse_text("The comrades did kill Kirov.") if f.type == "killing"]


def test_made_to_appear_is_no_appointment() -> None:
    from kartoteka.extract.testing import analyse_text

    assert not [f for f in analyse_text("Stalin was thus made to appear blameless.") if f.type == "appointment"]
    assert [f for f in analyse_text("Yezhov was made commissar of water transport.") if f.type == "appointment"]


def test_a_passage_naming_someone_else_does_not_inherit_the_last_subject() -> None:
    from kartoteka.extract.testing import analyse_text

    text = ("Sergei Kirov spoke to the congress in 1934.\n\n"
            "In the corridor I later met the man who had been Grigory Zinoviev. Months later he was shot.")
    assert not [f for f in analyse_text(text) if f.type == "execution" and f.subject_id == "t:kirov"]
    kept = "Sergei Kirov spoke to the congress in 1934.\n\nMonths later he was shot in Leningrad."
    assert [f for f in analyse_text(kept) if f.type == "execution" and f.subject_id == "t:kirov"]


def test_an_event_a_clause_is_about_does_not_take_the_clause_date() -> None:
    from kartoteka.extract.testing import analyse_text, summary

    got = summary(analyse_text("Boris Orlov was arrested in 1881 in connection with the murder of Ivan Petrov."))
    assert ("arrest", "t:orlov", "1881-01-01") in got and ("killing", "t:petrov", None) in got
    text = "Terror followed the murder of Ivan Petrov and the attempt on the life of Boris Orlov, August 30th, 1918."
    assert ("killing", "t:petrov", None) in summary(analyse_text(text))
    same = summary(analyse_text("Terror followed the murder of Ivan Petrov and Gleb Morozov on 30 August 1918."))
    assert ("killing", "t:morozov", "1918-08-30") in same and ("killing", "t:petrov", "1918-08-30") in same


def test_a_participle_before_a_speech_verb_is_no_reported_speech() -> None:
    from kartoteka.extract.testing import analyse_text

    facts = analyse_text("Continuing his testimony, Orlov admitted that he had met the plotters twice.", {"Orlov": "person"})
    assert [f.voice for f in facts if f.type == "testimony"] == ["author"]


def test_being_in_favour_of_an_arrest_is_no_arrest() -> None:
    from kartoteka.extract.testing import analyse_text

    text = "Ivan Petrov answered, \u201cI am in favor of the immediate arrest of that scoundrel Gleb Morozov,\u201d and sat down."
    assert not [f for f in analyse_text(text) if f.type == "arrest"]


def test_an_unnamed_subject_takes_over_the_topic() -> None:
    from kartoteka.extract.testing import analyse_text

    text = ("Ivan Petrov signed the law of August 1932. A factory director was called to testify at a trial.\n\n"
            "Unable to contain himself, the director shouted at the judge.\n\n"
            "Sent into exile shortly afterwards, he perished in 1938.")
    assert not [f for f in analyse_text(text) if f.type == "death" and f.subject_id == "t:petrov"]
    kept = "Ivan Petrov signed the law of August 1932.\n\nSent into exile shortly afterwards, he perished in 1938."
    assert [f for f in analyse_text(kept) if f.type == "death" and f.subject_id == "t:petrov"]


def test_with_no_topic_a_pronoun_is_the_one_person_named_before_it() -> None:
    from kartoteka.extract.testing import analyse_text, summary

    text = ("All nine accused were found guilty. When the verdict was read to Ivan Petrov and he understood it, "
            "he wept. Execution followed on 29 December 1934.")
    assert ("execution", "t:petrov", "1934-12-29") in summary(analyse_text(text))
    two = ("All nine accused were found guilty. When the verdict was read to Ivan Petrov and Boris Orlov, "
           "he wept. Execution followed on 29 December 1934.")
    assert not [f for f in analyse_text(two) if f.type == "execution"]


def test_a_date_in_a_phrase_about_something_else_is_not_the_event_date() -> None:
    from kartoteka.extract.testing import analyse_text, summary

    text = ("Ivan Petrov was sentenced to death. In accordance with the decree of 1 December 1934, "
            "execution followed at once, on 29 December 1934.")
    got = summary(analyse_text(text))
    assert ("execution", "t:petrov", "1934-12-29") in got, got
    own = summary(analyse_text("Boris Orlov was decorated in 1935 for the arrest of Ivan Petrov on 1 December 1934."))
    assert ("arrest", "t:petrov", "1934-12-01") in own, own  # the trigger is inside the phrase


def test_with_the_narrator_as_subject_the_one_person_named_is_the_next_he() -> None:
    from kartoteka.extract.testing import analyse_text, summary

    text = ("Boris Orlov stayed in Moscow. When I met Ivan Petrov in Paris I told him everything. "
            "He listened for an hour. Three months later he died suddenly in 1938.")
    got = summary(analyse_text(text))
    assert ("death", "t:petrov", "1938-01-01") in got and not [f for f in got if f[1] == "t:orlov"], got
    kin = ("Boris Orlov stayed in Moscow. I came to respect this nephew of Ivan Petrov. "
           "He was still young. Three months later he died suddenly in 1938.")
    assert not [f for f in analyse_text(kin) if f.type == "death" and f.subject_id == "t:petrov"]


def test_for_a_time_keeps_the_date() -> None:
    from kartoteka.extract.testing import analyse_text, summary

    got = summary(analyse_text("Ivan Petrov succeeded Boris Orlov as chief of the bureau for a time in the mid-1920s."))
    assert ("removal", "t:orlov", "1923-01-01") in got, got


def test_an_event_that_would_have_had_consequences_did_not_happen() -> None:
    from kartoteka.extract.testing import analyse_text

    text = "Boris Orlov stayed in office, since his sudden removal would have alarmed the army."
    assert not [f for f in analyse_text(text) if f.type == "removal"]
    assert [f for f in analyse_text("Boris Orlov's removal alarmed the army.") if f.type == "removal"]
    long = ("Boris Orlov stayed in office, for he ran the cipher section and his sudden removal "
            "would have alarmed the agents he ran in Vienna and Prague.")
    assert not [f for f in analyse_text(long) if f.type == "removal"]


def test_a_demotion_to_a_post_is_not_removal_from_it() -> None:
    from kartoteka.extract.testing import analyse_text

    facts = analyse_text("On 3 May, Ivan Petrov was demoted to the post of a garrison chief in the Urals.")
    assert [f.roles.get("office") for f in facts if f.type == "removal"] == [None]
