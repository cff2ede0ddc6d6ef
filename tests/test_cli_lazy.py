"""The command line imports only the invoked command's module, and its map of owners is true."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_every_command_has_its_defining_module_as_owner() -> None:
    code = ("import importlib, json, kartoteka.cli.main as m\n"
            "owners = {}\n"
            "for mod in m.COMMAND_MODULES:\n"
            "    importlib.import_module(mod)\n"
            "    for name, cmd in m.cli.commands.items():\n"
            "        owners.setdefault(name, cmd.callback.__module__ if cmd.callback else mod)\n"
            "print(json.dumps(owners))")
    import json

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    registered = json.loads(out)
    from kartoteka.cli.main import COMMAND_OWNERS

    assert registered == COMMAND_OWNERS


def test_one_command_loads_only_its_own_module() -> None:
    code = ("import sys, kartoteka.cli.main as m\n"
            "m.cli.get_command(None, 'search')\n"
            "print(sorted(k for k in sys.modules if k.startswith('kartoteka.cli.') and k.endswith('commands')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['kartoteka.cli.document_commands']"


def test_an_unknown_command_is_a_usage_error_and_help_lists_every_command() -> None:
    run = [sys.executable, "-m", "kartoteka"]
    bad = subprocess.run([*run, "no-such-command"], capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "No such command" in bad.stderr
    help_text = subprocess.run([*run, "--help"], capture_output=True, text=True, check=True).stdout
    from kartoteka.cli.main import COMMAND_OWNERS

    listed = {line.split()[0] for line in help_text.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == set(COMMAND_OWNERS)


def test_a_query_command_imports_no_printing_or_model_stack() -> None:
    """`search --json` and `ask --json` print no rich output and load no spaCy or torch: importing
    them (or importlib.resources with its tempfile and zipfile modules) is cold-start time wasted."""
    code = ("import sys, kartoteka.cli.main as m\n"
            "m.cli.get_command(None, 'search'); m.cli.get_command(None, 'ask')\n"
            "import kartoteka.query.answer, kartoteka.query.dense, kartoteka.nlp.minilm\n"
            "heavy = ('rich', 'spacy', 'torch', 'sentence_transformers', 'importlib.resources')\n"
            "print(sorted({k.split('.')[0] if k.split('.')[0] != 'importlib' else k for k in sys.modules\n"
            "              if k == 'importlib.resources' or k.split('.')[0] in heavy}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_one_shot_commands_end_with_all_their_output_and_their_exit_code(tmp_path: Path, run_cli) -> None:
    """`search` and `ask` end their process without the interpreter's teardown
    (kartoteka.cli.main.exit_now): their output through a pipe still arrives whole, and the exit
    code is the command's."""
    folder = tmp_path / "docs"
    folder.mkdir()
    paragraphs = [f"Entry {i}: the harbour clerk logged cargo manifest {i} for the grain barges." for i in range(400)]
    (folder / "ledger.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    kb = tmp_path / "kb.db"
    assert run_cli("--db", kb, "ingest", folder, stages="").code == 0
    # Block-buffered stdout, as a pipe has it unless $PYTHONUNBUFFERED says otherwise: a short
    # output stays in the buffer until the end, a long one passes it.
    for limit, least in (("3", 3), ("1000", 100)):
        code, out, err = run_cli("--db", kb, "--json", "search", "harbour clerk", "--limit", limit,
                                 env={"PYTHONUNBUFFERED": ""})
        assert code == 0, err
        hits = json.loads(out)
        assert len(hits) >= least and all("harbour" in h["text"] for h in hits)
    assert run_cli("--db", kb, "search", "zeppelin").code == 3
    code, _out, err = run_cli("--db", tmp_path / "missing.db", "ask", "Who logged the cargo?")
    assert code == 2 and err.startswith("error:") and "Traceback" not in err


def test_main_called_with_arguments_raises_and_restores_the_collector(tmp_path: Path) -> None:
    """In a caller's own process (``main(argv)``) a one-shot command ends by SystemExit, never by
    ending the process, and the garbage collector it paused runs again afterwards."""
    import gc

    import pytest

    from kartoteka.cli.main import main

    with pytest.raises(SystemExit) as e:
        main(["--db", str(tmp_path / "missing.db"), "--json", "search", "harbour"])
    assert e.value.code == 2
    assert gc.isenabled()
