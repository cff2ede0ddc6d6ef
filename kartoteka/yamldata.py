"""Reading the project's YAML data files (packs, lexicons, word lists)."""

from __future__ import annotations

from typing import Any

import yaml

# libyaml's parser where PyYAML was built with it: the same documents, several times faster to
# read (the Soviet pack alone took 3.6 s of every ingestion in pure Python).
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str | bytes) -> Any:
    """``yaml.safe_load``, through libyaml when it is there."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader, C or Python
