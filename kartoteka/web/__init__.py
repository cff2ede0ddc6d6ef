"""The web UI (``kartoteka serve``): server-rendered pages over the KB API."""

from kartoteka.web.app import create_app

__all__ = ["create_app"]
