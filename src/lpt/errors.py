"""One error type for everything a user can get wrong.

Every message is one sentence naming the file, field or line at fault and what is
allowed; the CLI prints it without a traceback and exits non-zero.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class LptError(Exception):
    """A user-facing error: ``str(err)`` is the one sentence shown to the user."""


def did_you_mean(value: str, allowed: Iterable[str]) -> str:
    """Return ' (did you mean "X"?)' for the closest allowed value, or ''."""
    allowed = list(allowed)
    lower = {a.lower(): a for a in allowed}
    close = difflib.get_close_matches(str(value).lower(), list(lower), n=1, cutoff=0.5)
    return f' (did you mean "{lower[close[0]]}"?)' if close else ""


def with_article(word: str) -> str:
    """``word`` with its indefinite article: 'an electrode', 'a liquid'."""
    return f"{'an' if str(word)[:1].lower() in 'aeiou' else 'a'} {word}"
