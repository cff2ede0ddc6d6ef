"""Kartoteka: a source-critical, cited knowledge base built from historical texts."""

from kartoteka.api import KB

__all__ = ["KB"]
__version__ = "0.1.0"
