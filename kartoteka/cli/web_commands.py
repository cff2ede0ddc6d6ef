"""`kartoteka serve`: the web UI over one KB, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import ipaddress

import click

from kartoteka.cli.main import cli
from kartoteka.cli.output import State, common_options, err_console
from kartoteka.config import default_db_path
from kartoteka.errors import KartotekaError, UsageError

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
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME[:PORT]",
              help="Also accept requests whose Host header is this name (repeatable). Only the address "
                   "served on (and localhost for loopback) is accepted otherwise: no DNS rebinding.")
@click.option("--read-only", is_flag=True, help="No correction forms: the UI only reads the KB.")
@common_options
def serve(state: State, host: str, port: int, open_browser: bool, allow_hosts: tuple[str, ...],
          read_only: bool) -> None:
    """Serve the knowledge base as a web UI (search, dossiers, timeline, network, reader), with
    forms for the historian's corrections unless --read-only."""
    import uvicorn

    from kartoteka.web import create_app

    db = state.db or str(default_db_path())
    if not host.strip():
        raise UsageError("--host is empty")
    app = create_app(db, allowed_hosts=served_hosts(host, port, allow_hosts), editable=not read_only)  # UsageError: no KB there
    check_port_free(host, port)
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
        uvicorn.run(app, host=host, port=port, log_level="critical")
    except OSError as e:
        raise KartotekaError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    except SystemExit as e:  # uvicorn exits 3 when it cannot start; 3 means "nothing found" here
        if e.code:
            raise KartotekaError(f"cannot serve on {host}:{port} (the port may be in use)") from None


def check_port_free(host: str, port: int) -> None:
    """One line and exit 1 when the address is taken, before the server starts."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as e:
            raise KartotekaError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None


def served_hosts(host: str, port: int, extra: tuple[str, ...]) -> list[str]:
    """The Host header values the server accepts: the address it listens on (and the loopback
    names for loopback), with and without the port, plus ``--allow-host`` names."""
    names = {host.lower()}
    if is_loopback(host):
        names |= {"localhost", "127.0.0.1", "::1"}
    out = []
    for name in sorted(names):
        shown = f"[{name}]" if ":" in name else name
        out += [f"{shown}:{port}"] + ([shown] if port == 80 else [])
    return out + [h.lower() for h in extra]
