"""Corrections by the historian: a journal of merges, splits, links, rejections, edits, assertions
and source records, replayed over the machine's rows after every ingest and before comparison.

    journal.py   the append-only journal: recording, listing, export and import
    anchors.py   where a correction points, W3C Web Annotation style (quote + position), re-found
    undo.py      the rows replay changed, so that the next replay starts from the machine's rows
    actions.py   what each action does to the derived rows
    replay.py    reset, then apply the journal in order; the finisher that runs before compare
"""
