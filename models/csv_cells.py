"""CSV cells a spreadsheet shows as text (CSV injection, OWASP's rule).

Text from the web can start with a character a spreadsheet reads as the start of a
formula (``=HYPERLINK(...)`` in a title). Every CSV an analyst downloads from the
dashboards passes its cells through :func:`safe_cell`; ``narrmon export`` does so with
``--formula-safe`` (its default is the exact text, for programs that read the file).
"""

from __future__ import annotations

from typing import Any

# What a spreadsheet takes as the start of a formula or a command: = + - @, and a tab or
# carriage return before one of them (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` with a leading apostrophe when it is text a spreadsheet would run as a
    formula; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
