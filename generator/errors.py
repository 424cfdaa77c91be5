"""Errors about bad input: always one line naming the file (and line when known)."""
from __future__ import annotations

from typing import Optional


class InputError(Exception):
    """Bad input an editor must fix; str() is `file:line: what`."""

    def __init__(self, path: str, message: str, line: Optional[int] = None):
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class ConservationError(Exception):
    """The cleaner lost or duplicated text; names file, page and the text."""
