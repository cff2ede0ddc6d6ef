"""A throwaway PostgreSQL cluster in a temporary folder, for tests and benchmarks.

``initdb`` and ``pg_ctl`` from the system's PostgreSQL binaries; the server listens only on a
Unix socket in the cluster's folder. PostgreSQL refuses to run as root, so under root the
cluster belongs to an unprivileged user (``nobody`` unless $KARTOTEKA_PG_USER names another).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"


def find_bin() -> Path | None:
    """The folder of initdb/pg_ctl: $KARTOTEKA_PG_BIN, PATH, or Debian's versioned folders."""
    env = os.environ.get("KARTOTEKA_PG_BIN")
    if env and (Path(env) / "initdb").exists():
        return Path(env)
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    found = sorted(glob.glob(PG_BIN_GLOB), key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0)
    for folder in reversed(found):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


class TempCluster:
    """initdb + pg_ctl start in a temporary folder; ``url(db)`` names a database on it."""

    def __init__(self, bin_dir: Path, port: int = 5432) -> None:
        self.bin = bin_dir
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="kartoteka-pg-"))
        self.data = self.root / "data"
        self.user = None if os.geteuid() != 0 else os.environ.get("KARTOTEKA_PG_USER", "nobody")

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> TempCluster:
        if self.user:
            pw = pwd.getpwnam(self.user)
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        os.chmod(self.root, 0o755)
        self._run("initdb", "-D", str(self.data), "-U", "kartoteka", "--auth=trust", "--encoding=UTF8",
                  "--locale=C", "--no-sync")
        # fsync off: a throwaway cluster trades durability for speed
        opts = f"-k {self.root} -c listen_addresses='' -p {self.port} -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.root / "log"), "-w", "start")
        return self

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://kartoteka@/{db}?host={self.root}&port={self.port}"

    def create_db(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
