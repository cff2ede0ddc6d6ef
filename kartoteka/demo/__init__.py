"""The demo corpus: seven short documents about the Kirov murder and the NKVD chiefs, 1934–1938.

Every sentence was written for Kartoteka; the facts are historical, but the memoirist, the
interviewee, the blogger and her readers, and the story's characters are invented, so none of
these documents is a real archival source. They are small (300–600 words each) so that
``kartoteka demo`` runs in seconds, and they are built to exercise what the knowledge base is
for: sources that overlap, quote one another and disagree.

``corpus/`` holds (this description lives here, not in a README there, which would be ingested):

=====================================  ============  ==================================================
file                                   genre         what it exercises
=====================================  ============  ==================================================
01_kirov_murder_overview.txt           essay         the baseline account: Nikolaev acted alone; Yezhov
                                                     appointed 26 September 1936; a negation ("was never
                                                     interrogated"); hedging ("reportedly")
02_nkvd_chiefs_1934_1938.md            essay (md)    Markdown headings and a table; dates Yezhov's
                                                     appointment to 25 September 1936 (a conflict);
                                                     quotes 01 ("As the author of ... wrote"); "Yezhov
                                                     was never tried in public"; Beria in Nov/Dec 1938
03_memoir_smolny_stenographer.txt      memoir        {p. N} page markers, a word hyphenated across one
                                                     ("inter- {p. 12} rogation"), spellings Ezhov,
                                                     Iagoda, Zinov'ev; blames Zaporozhets and Moscow
04_oral_history_transcript.txt         transcription Q/A transcript with ``[Note: ... – Ed.]`` notes that
                                                     correct the speaker (24 vs 25 August 1936;
                                                     Beria's appointment); "Stalin ordered it" rumour
05_blog_who_ordered_the_killing.html   blog          HTML with chrome (nav menu, search, share buttons,
                                                     tags, post navigation, "Leave a Reply" form) and two
                                                     reader comments that disagree (25 vs 26 September);
                                                     quotes 01 and 03; "reportedly", "it is said"
06_the_purge_of_the_purgers.txt        essay         Yagoda arrested 28 March 1937, shot 15 March 1938;
                                                     Yezhov arrested 10 April 1939, shot 4 February
                                                     1940; a count (some 680,000 shot); quotes 02;
                                                     the official version: Yagoda ordered the killing
07_the_third_floor_a_story.txt         fiction       a short scene with dialogue; its "facts" must be
                                                     marked as fiction, never corroborate history
=====================================  ============  ==================================================

Deliberate disagreements: Yezhov's appointment (25 vs 26 September 1936); the date Zinoviev and
Kamenev were shot (24 vs 25 August 1936, corrected by an editor's note); Beria's takeover
(November vs December 1938); who ordered the killing (Nikolaev alone, Zaporozhets/Moscow,
Stalin via Yagoda, Yagoda for the opposition).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

CORPUS_PACKAGE = "kartoteka.demo"
CORPUS_DIR = "corpus"


@contextmanager
def corpus_path() -> Iterator[Path]:
    """The bundled corpus folder as a real path (extracted to a temporary folder if the package is zipped)."""
    with resources.as_file(resources.files(CORPUS_PACKAGE).joinpath(CORPUS_DIR)) as path:
        yield Path(path)


def corpus_files() -> list[str]:
    """The corpus's file names, sorted."""
    folder = resources.files(CORPUS_PACKAGE).joinpath(CORPUS_DIR)
    return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
