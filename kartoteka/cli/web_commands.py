"""`kartoteka serve`: the web UI over one KB, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import ipaddress

import click

from kartoteka.cli.main import cli
from kartoteka.cli.output import State, common_options, err_console
from kartoteka.config import default_db_path
from kartoteka.errors import UsageError

DEFAULT_PORT = 8765


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback lets other machines read the KB.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the start page in the default browser.")
@click.option("--read-only", is_flag=True, help="No correction forms: the UI only reads the KB.")
@common_options
def serve(state: State, host: str, port: int, open_browser: bool, read_only: bool) -> None:
    """Serve the knowledge base as a web UI (search, dossiers, timeline, network, reader), with
    forms for the historian's corrections unless --read-only."""
    import uvicorn

    from kartoteka.web import create_app

    db = state.db or str(default_db_path())
    app = create_app(db, editable=not read_only)  # UsageError (exit 2) when there is no KB there
    if not host.strip():
        raise UsageError("--host is empty")
    if not is_loopback(host):
        err_console.print(f"warning: listening on {host}: anyone who can reach this address can read the whole KB"
                          + (" (it stays read-only)" if read_only else " and correct it (serve --read-only stops that)"),
                          style="yellow", highlight=False, markup=False)
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    err_console.print(f"serving {db} at {url} (Ctrl+C stops)", highlight=False, markup=False)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    except OSError as e:
        raise UsageError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
