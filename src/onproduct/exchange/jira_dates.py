"""Dates as Jira exports them: "25/Jun/20 12:44 PM" with the month named in the
exporting user's language (CLDR's names, cldr_months.py), "25.06.2020", ISO."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from onproduct.exchange.cldr_months import MONTHS
from onproduct.exchange.jira_words import MONTHS_BEYOND_CLDR
from onproduct.exchange.text import fold

_MONTHS = {**MONTHS_BEYOND_CLDR, **MONTHS}


def _month_prefixes() -> dict[str, int]:
    """Months by the first three letters of their names, where those name one month,
    for forms no table has ("Sept.", "Augusti"): how all month names were read before
    the CLDR table. ("jui" names June and July in French, so it is not here.)"""
    found: dict[str, set[int]] = {}
    for name, month in _MONTHS.items():
        bare = name.rstrip(".")
        if bare.isalpha() and len(bare) >= 3:
            found.setdefault(bare[:3], set()).add(month)
    return {prefix: next(iter(months)) for prefix, months in found.items() if len(months) == 1}


_MONTH_PREFIXES = _month_prefixes()
# The month is a word ("Jun", "févr.", "六月") or a number, with a word after it in
# Chinese, Japanese and Korean ("6月", "6월").
_DAY_MONTH_YEAR = re.compile(
    r"^(\d{1,2})[/.\- ]([^\W\d_]+\.?|\d{1,2}(?:[^\W\d_]+\.?)?)[/.\- ](\d{2,4})\b"
)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


def jira_date(text: str) -> date | None:
    """A Jira date ("25/Jun/20 12:44 PM", "25/juin/20 12:44", "25.Mär.20", "25/6月/20",
    "2020-06-25 12:44", "25.06.2020") with its month named in any language Jira
    exports in (CLDR's names, see cldr_months.py); None when it is not one."""
    text = text.strip()
    try:
        match = _ISO.match(text)
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        match = _DAY_MONTH_YEAR.match(text)
        if not match:
            return None
        day, month_text, year_text = match.groups()
        if month_text.isdigit():
            month = int(month_text)
        else:
            folded = fold(month_text)
            found = _MONTHS.get(folded) or _MONTH_PREFIXES.get(folded.rstrip(".")[:3])
            if found is None:
                return None
            month = found
        year = int(year_text)
        return date(year + 2000 if year < 100 else year, month, int(day))
    except ValueError:
        return None


# A file has a few thousand distinct days and 100,000s of times: the day part alone
# ("25/Jun/20" of "25/Jun/20 12:44 PM") is read once. Dates the part alone does not
# read ("25 Jun 2020") are read whole.
day_of = lru_cache(maxsize=8192)(jira_date)
