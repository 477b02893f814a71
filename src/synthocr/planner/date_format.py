"""Excel date and time codes: a serial number (days since 1900) written as en-US Excel shows it, by the
codes of a format's section (number_format.py parses them): m/d/yyyy, dddd, mmmm, h:mm AM/PM, [h]:mm."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

Token = tuple[str, str]  # (kind, text): lit, digit (0 # ?), point, comma, percent, exp, slash, at, general,
# date (a run of one of y m d h s e), elapsed ([h] [mm] [ss]), ampm (AM/PM, A/P), as written

_MONTHS = ("January February March April May June July August September October November December").split()
_DAYS = "Sunday Monday Tuesday Wednesday Thursday Friday Saturday".split()
_MAX_SERIAL = 2958466  # 10000-01-01: later dates are a row of #


def excel_serial(value: dt.datetime | dt.date | dt.time | dt.timedelta, date1904: bool = False) -> float:
    """The serial number a workbook stores for a date, time or duration as openpyxl gives it (the inverse of
    its from_excel): days since 1899-12-30 (1904-01-01 when `date1904`), Excel's 1900-02-29 counted."""
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    delta = value.replace(tzinfo=None) - (dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30))
    days = delta.days - (not date1904 and 0 < delta.days <= 60)  # before 1900-03-01: no 02-29 in between
    return days + (delta.seconds + delta.microseconds / 1e6) / 86400


def format_date(x: Decimal, tokens: tuple[Token, ...], date1904: bool) -> str | None:
    """A serial (days, fraction of a day) by date and time codes, rounded to the second or to the decimals
    written after ss; [h] [mm] [ss] count elapsed time."""
    if x >= _MAX_SERIAL:
        return None
    places = max((digit_run(tokens, i + 2) - i - 2 for i in range(len(tokens) - 1)
                  if tokens[i][0] in ("date", "elapsed") and tokens[i][1][0] in "sS"
                  and tokens[i + 1][0] == "point"), default=0)  # fmt: skip
    unit = 10**places
    ticks = int((x * 86400 * unit).to_integral_value(ROUND_HALF_UP))
    days, rest = divmod(ticks, 86400 * unit)
    seconds, fraction = divmod(rest, unit)
    total = ticks // unit
    if date1904:
        day = dt.date(1904, 1, 1) + dt.timedelta(days=days)
        year, month, mday, weekday = day.year, day.month, day.day, (day.weekday() + 1) % 7
    else:
        year, month, mday = _date1900(days)
        weekday = (days + 6) % 7  # Excel's calendar: 1900-01-01 a Sunday, 1900-02-29 a day
    hour = seconds // 3600
    twelve = any(kind == "ampm" for kind, _ in tokens)
    codes = [text.lower() for kind, text in tokens if kind in ("date", "elapsed")]
    out = []
    n = -1
    i = 0
    while i < len(tokens):
        kind, text = tokens[i]
        if kind in ("date", "elapsed"):
            n += 1
        if kind == "elapsed":
            value = {"h": total // 3600, "m": total // 60, "s": total}[text[0].lower()]
            out.append(f"{value:0{len(text)}d}")
        elif kind == "date":
            c, w = text[0].lower(), len(text)
            if c == "m" and w <= 2 and _is_minute(codes, n):
                out.append(f"{seconds // 60 % 60:0{w}d}")
            elif c == "m":
                name = _MONTHS[month - 1]
                out.append(f"{month:0{w}d}" if w <= 2 else name[:3] if w == 3 else name[0] if w == 5 else name)
            elif c == "d":
                name = _DAYS[weekday]
                out.append(f"{mday:0{w}d}" if w <= 2 else name[:3] if w == 3 else name)
            elif c in "ye":
                out.append(f"{year:04d}" if w > 2 or c == "e" else f"{year % 100:02d}")
            elif c == "h":
                shown = (hour % 12 or 12) if twelve else hour
                out.append(f"{shown:0{min(w, 2)}d}")
            else:  # s
                out.append(f"{seconds % 60:0{min(w, 2)}d}")
                if places and i + 1 < len(tokens) and tokens[i + 1][0] == "point":
                    end = digit_run(tokens, i + 2)
                    out.append("." + f"{fraction:0{places}d}"[: end - i - 2])
                    i = end
                    continue
        elif kind == "ampm":
            pm = hour >= 12
            if len(text) == 5:
                word = "PM" if pm else "AM"
                out.append(word.lower() if text[0].islower() else word)
            else:
                out.append(text[2] if pm else text[0])
        else:
            out.append(literal(kind, text))
        i += 1
    return "".join(out)


def _is_minute(codes: list[str], n: int) -> bool:
    """Whether the m or mm at code n means minutes: after an hour, or before seconds."""
    return (n > 0 and codes[n - 1][0] == "h") or (n + 1 < len(codes) and codes[n + 1][0] == "s")


def _date1900(days: int) -> tuple[int, int, int]:
    """Year, month and day of a serial day in Excel's 1900 calendar, which has 1900-01-00 and 1900-02-29."""
    if days == 0:
        return 1900, 1, 0
    if days == 60:
        return 1900, 2, 29
    day = dt.date(1899, 12, 31 if days < 60 else 30) + dt.timedelta(days=days)
    return day.year, day.month, day.day


def digit_run(tokens: tuple[Token, ...], i: int) -> int:
    """The end of the run of digit placeholders starting at i."""
    while i < len(tokens) and tokens[i][0] == "digit":
        i += 1
    return i


def literal(kind: str, text: str) -> str:
    """A token shown as itself where it has no other meaning."""
    return "" if kind in ("at", "general", "system") else text
