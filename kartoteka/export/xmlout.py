"""A small streaming XML writer for the graph formats: elements are written as they come, values
escaped, and characters that XML 1.0 cannot carry at all (control characters such as the form
feed a PDF page break leaves) replaced by U+FFFD, one for one, so offsets and lengths still hold."""

from __future__ import annotations

import re
from typing import Any, TextIO
from xml.sax.saxutils import escape, quoteattr

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


class XmlWriter:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.depth = 0
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')

    def _tag(self, name: str, attrs: dict[str, Any]) -> str:
        parts = [name] + [f"{k}={quoteattr(xml_text(_plain(v)))}" for k, v in attrs.items() if v is not None]
        return " ".join(parts)

    def open(self, name: str, attrs: dict[str, Any] | None = None, /, **more: Any) -> None:
        attrs = {**(attrs or {}), **more}
        self.out.write(f"{'  ' * self.depth}<{self._tag(name, attrs)}>\n")
        self.depth += 1

    def close(self, name: str) -> None:
        self.depth -= 1
        self.out.write(f"{'  ' * self.depth}</{name}>\n")

    def empty(self, name: str, attrs: dict[str, Any] | None = None, /, **more: Any) -> None:
        attrs = {**(attrs or {}), **more}
        self.out.write(f"{'  ' * self.depth}<{self._tag(name, attrs)}/>\n")

    def element(self, name: str, text: str, attrs: dict[str, Any] | None = None, /, **more: Any) -> None:
        attrs = {**(attrs or {}), **more}
        self.out.write(f"{'  ' * self.depth}<{self._tag(name, attrs)}>{escape(xml_text(text))}</{name}>\n")


def _plain(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)
