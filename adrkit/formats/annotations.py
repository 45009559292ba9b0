"""Findings as CI annotations: the GitHub Actions workflow-command format
(`::error file=F,line=N,title=T::message`), which GitHub shows inline on the changed
file and which several other CI systems read too.

Pure text: the caller gives the path as the CI knows it (relative to the checkout) and
the file's text, so a finding about a front-matter key is pinned to the line that
holds it.
"""
from __future__ import annotations

import json
import re

__all__ = ["github_annotation", "line_of_key"]

_LEVELS = {"error": "error", "warning": "warning", "info": "notice", "notice": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(*, level: str, path: str, message: str, title: str = "",
                      line: int | None = None) -> str:
    """One workflow command; `level` is error, warning or notice (info reads as notice)."""
    props = [f"file={_property(path)}"]
    if line:
        props.append(f"line={int(line)}")
    if title:
        props.append(f"title={_property(title)}")
    return f"::{_LEVELS.get(level, 'error')} {','.join(props)}::{_data(message)}"


def line_of_key(text: str, key: str) -> int | None:
    """The 1-based line of `text` where the YAML key `key` is written: as a plain YAML
    line (a data file) or as a notebook's JSON-encoded source line (the front-matter
    raw cell). None when the key is not found or is not a plain key name."""
    key = key.split(" ", 1)[0].split(".", 1)[0]
    if not re.fullmatch(r"[A-Za-z][\w-]*", key):
        return None
    plain = re.compile(rf"^\s*{re.escape(key)}\s*:")
    encoded = re.compile(rf"^\s*{re.escape(json.dumps(key + ':')[:-1])}")
    for number, line in enumerate(text.splitlines(), 1):
        if plain.match(line) or encoded.match(line):
            return number
    return None
