"""Excel number formats: a cell's value written as Excel (en-US) shows it under the cell's format code.

A workbook stores a number and a format code (`#,##0.00`, `m/d/yyyy`, `0%`), not the text a reader sees;
this module writes that text. Separators are the en-US ones Excel uses for these codes (decimal point `.`,
thousands `,`): the file does not record the locale of whoever opened it. Numbers are taken to 15
significant digits, as Excel keeps them, and rounded half away from zero. What Excel shows as a row of
`#` (a negative date, a date past 9999) is None: the cell shows no text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from functools import lru_cache

from synthocr.planner.date_format import Token, digit_run, format_date, literal

_CONDITION = re.compile(r"(<=|>=|<>|=|<|>)\s*(-?[\d.]+(?:[eE][+-]?\d+)?)")
_ELAPSED = re.compile(r"h+|m+|s+", re.IGNORECASE)
# Excel writes the locale's own long date and time for these tags; en-US's:
_SYSTEM = {"F800": "dddd, mmmm d, yyyy", "F400": "h:mm:ss AM/PM"}
_SYSTEM.update({"X-SYSDATE": _SYSTEM["F800"], "X-SYSTIME": _SYSTEM["F400"]})  # Excel 365's names for them
# Built-in formats (by id) that Excel writes in the reader's locale, whose codes in the standard (openpyxl's
# BUILTIN_FORMATS: 14 is mm-dd-yy) are not what en-US Excel shows; 47's code there lacks its colon.
AS_SHOWN_BUILTIN = {14: "m/d/yyyy", 22: "m/d/yyyy h:mm", 47: "mm:ss.0"}
_EXACT = Context(prec=400)  # enough for every double Excel holds (up to 1E+308), written out in full


@dataclass(frozen=True)
class _Section:
    """One of a format's sections (positive;negative;zero;text), tokenised."""

    tokens: tuple[Token, ...]
    condition: tuple[str, float] | None
    kind: str  # number, date, text (holds @), literal (text only)


def display(value: float | bool | str, code: str, date1904: bool = False) -> str | None:
    """What a cell holding `value` (a number or a date's serial, a boolean, a text) shows under the format
    `code`; None where it shows nothing (an empty section, a row of #)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return format_text(value, code)
    return format_number(value, code, date1904)


def general(value: float) -> str:
    """A number in Excel's General format: at most 11 characters (and the sign), scientific past them."""
    x = Decimal(f"{float(value):.15g}")
    return "-" + _general(-x) if x < 0 else _general(x)


def format_text(text: str, code: str) -> str:
    """A text cell as its format's text section shows it (`"Ref: "@`); as it is where there is none."""
    sections = _parse(code)
    section = sections[3] if len(sections) > 3 else sections[-1]
    if section.kind != "text":
        return text
    return "".join(text if kind == "at" else literal(kind, value) for kind, value in section.tokens)


def format_number(value: float, code: str, date1904: bool = False) -> str | None:
    """A number (a date or time as its serial: days since 1900, or 1904 when `date1904`) as the format `code`
    shows it; None where Excel shows nothing or a row of #."""
    sections = _parse(code)
    if len(sections) < 4 and sections[-1].kind == "text" and len(sections) > 1:
        sections = sections[:-1]  # `0.00;@`: the last section is for texts
    numeric = sections[:3]
    x = Decimal(f"{float(value):.15g}")
    section, signed = _choose(numeric, x)
    negative = signed and x < 0
    x = abs(x)
    if section.kind == "date":
        return None if x != 0 and negative else format_date(x, section.tokens, date1904)
    if section.kind == "number":
        text = _number(x, section.tokens)
    elif section.kind == "text":
        text = _general(x)
    else:
        text = "".join(literal(kind, value) for kind, value in section.tokens)
    if not text:
        return None
    return "-" + text if negative else text


def _choose(sections: tuple[_Section, ...], x: Decimal) -> tuple[_Section, bool]:
    """The section that shows `x`, and whether a minus sign goes before it. Without conditions, as Excel:
    only in a format of one section (the negative section writes its own). With them ([<100]0.0;[>=100]0:
    the first whose condition holds, else the next; of three, the third), as LibreOffice: in a section whose
    own condition is not < 0 or <= 0."""
    c0 = sections[0].condition
    c1 = sections[1].condition if len(sections) > 1 else None
    if c0 or c1:
        if _holds(c0, x):
            chosen = sections[0]
        elif len(sections) > 1 and _holds(c1, x):
            chosen = sections[1]
        else:
            chosen = sections[2 if c0 and c1 and len(sections) > 2 else min(1, len(sections) - 1)]
        own = chosen.condition
        return chosen, own is not None and not (own[0] in ("<", "<=") and own[1] == 0)
    signed = len(sections) == 1
    if len(sections) == 1 or x > 0 or (x == 0 and len(sections) == 2):
        return sections[0], signed
    return sections[1 if x < 0 else 2], signed


def _holds(condition: tuple[str, float] | None, x: Decimal) -> bool:
    if condition is None:
        return False
    op, limit = condition
    v = float(x)
    return {"<": v < limit, ">": v > limit, "=": v == limit, "<=": v <= limit, ">=": v >= limit, "<>": v != limit}[op]


@lru_cache(maxsize=1024)
def _parse(code: str) -> tuple[_Section, ...]:
    """A format code's sections, split at `;` outside quotes, brackets and escapes."""
    code = code or "General"
    parts, start, i = [], 0, 0
    while i < len(code):
        c = code[i]
        if c == '"':
            end = code.find('"', i + 1)
            i = len(code) if end < 0 else end + 1
            continue
        if c == "[":
            end = code.find("]", i)
            i = len(code) if end < 0 else end + 1
            continue
        if c in "\\_*":
            i += 2
            continue
        if c == ";":
            parts.append(code[start:i])
            start = i + 1
        i += 1
    parts.append(code[start:])
    return tuple(_section(part) for part in parts[:4])


def _section(text: str) -> _Section:
    tokens, condition = _tokens(text)
    kinds = {kind for kind, _ in tokens}
    system = next((value for kind, value in tokens if kind == "system"), None)
    if system is not None:  # [$-F800]: the locale's long date, whatever follows
        return _section(_SYSTEM[system])
    if kinds & {"date", "elapsed", "ampm"} and not _digits_outside_seconds(tokens):
        kind = "date"
    elif kinds & {"digit", "general"}:
        kind = "number"
    elif "at" in kinds:
        kind = "text"
    else:
        kind = "literal"
    return _Section(tuple(tokens), condition, kind)


def _digits_outside_seconds(tokens: list[Token]) -> bool:
    """Whether digit placeholders stand elsewhere than as decimals of seconds (ss.00): then the letters of a
    code such as `0.00 EUR`, written without quotes, are no date."""
    seconds = False  # inside the decimals after an s
    for i, (kind, _) in enumerate(tokens):
        if kind == "point":
            seconds = i > 0 and tokens[i - 1][0] in ("date", "elapsed") and tokens[i - 1][1][0] in "sS"
        elif kind == "digit" and not seconds:
            return True
        elif kind != "digit":
            seconds = False
    return False


def _tokens(text: str) -> tuple[list[Token], tuple[str, float] | None]:
    """A section's tokens and its [condition]; colours, fills (`*-`) and locale tags are dropped."""
    out: list[Token] = []
    condition = None
    i = 0
    while i < len(text):
        c, low = text[i], text[i:].lower()
        step = 1
        if c == '"':
            end = text.find('"', i + 1)
            end = len(text) if end < 0 else end
            out.append(("lit", text[i + 1 : end]))
            step = end + 1 - i
        elif c == "\\":
            out.append(("lit", text[i + 1 : i + 2]))
            step = 2
        elif c == "_":  # a space as wide as the next character
            out.append(("lit", " "))
            step = 2
        elif c == "*":  # the next character repeated to fill the cell: no width here
            step = 2
        elif c == "[":
            end = text.find("]", i)
            end = len(text) if end < 0 else end
            inner = text[i + 1 : end]
            step = end + 1 - i
            if m := _CONDITION.fullmatch(inner.strip()):
                condition = (m.group(1), float(m.group(2)))
            elif _ELAPSED.fullmatch(inner):
                out.append(("elapsed", inner))
            elif inner.startswith("$"):  # [$€-407]: the symbol; [$-409]: a locale alone
                symbol, _, locale = inner[1:].partition("-")
                if locale.upper() in _SYSTEM:
                    out.append(("system", locale.upper()))
                elif symbol:
                    out.append(("lit", symbol))
            # else a colour ([Red], [Color10]) or another tag ([DBNum1]): nothing shown
        elif low.startswith("am/pm"):
            out.append(("ampm", text[i : i + 5]))
            step = 5
        elif low.startswith("a/p"):
            out.append(("ampm", text[i : i + 3]))
            step = 3
        elif low.startswith("general"):
            out.append(("general", ""))
            step = 7
        elif c in "eE" and text[i + 1 : i + 2] in ("+", "-"):
            out.append(("exp", text[i : i + 2]))
            step = 2
        elif low[0] in "ymdhse":
            step = len(low) - len(low.lstrip(low[0]))
            out.append(("date", text[i : i + step]))
        elif low[0] == "b" and text[i + 1 : i + 2] in ("1", "2"):  # B1/B2: the calendar, not shown
            step = 2
        elif c in "0#?":
            out.append(("digit", c))
        else:
            kind = {".": "point", ",": "comma", "%": "percent", "/": "slash", "@": "at"}.get(c, "lit")
            out.append((kind, c))
        i += step
    return out, condition


def _round(x: Decimal, places: int) -> Decimal:
    """x to `places` decimals, half away from zero, however many digits it has (1E+300 in 0.00)."""
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_EXACT)


def _general(x: Decimal) -> str:
    """Excel's General format of a number >= 0: at most 11 characters, scientific (1.23457E+11) past them."""
    if x == 0:
        return "0"
    v = x.adjusted()  # the exponent of the first significant digit
    if -9 <= v <= 10:
        places = 9 if v < 0 else max(0, 9 - v)
        fixed = _round(x, places)
        if v >= -4 or _round(x, 12) == fixed:  # from 1e-5 on, only what 9 decimals hold exactly
            text = f"{fixed:f}"
            text = text.rstrip("0").rstrip(".") if "." in text else text
            if len(text) <= 11:
                return text
    mantissa = _round(x.scaleb(-v), 5)
    if mantissa >= 10:
        mantissa, v = _round(mantissa / 10, 5), v + 1
    digits = f"{mantissa:f}".rstrip("0").rstrip(".")
    return f"{digits}E{'-' if v < 0 else '+'}{abs(v):02d}"


def _number(x: Decimal, tokens: tuple[Token, ...]) -> str:
    """A number >= 0 by a section of digit placeholders: fixed, scientific, a fraction, or General inside."""
    kinds = [kind for kind, _ in tokens]
    if "general" in kinds:
        return "".join(_general(x) if kind == "general" else literal(kind, text) for kind, text in tokens)
    x *= Decimal(100) ** kinds.count("percent")
    slash = _fraction_slash(tokens)
    if slash is not None:
        return _fraction(x, tokens, slash)
    if "exp" in kinds:
        return _scientific(x, tokens, kinds.index("exp"))
    return _fixed(x, tokens)


def _fixed(x: Decimal, tokens: tuple[Token, ...]) -> str:
    """Digits in 0 # ? placeholders, with thousands separators, scaling commas and literals between."""
    point = next((i for i, (kind, _) in enumerate(tokens) if kind == "point"), len(tokens))
    whole, decimals = tokens[:point], tokens[point + 1 :]
    places = sum(kind == "digit" for kind, _ in decimals)
    scaling = _scaling_commas(whole) | {point + 1 + i for i in _scaling_commas(decimals)}
    x = _round(x / Decimal(1000) ** len(scaling), places)
    ip, _, fp = f"{x:f}".partition(".")
    grouped = any(
        kind == "comma" and i not in scaling and _digit_before(whole, i) and _digit_after(whole, i)
        for i, (kind, _) in enumerate(whole)
    )
    out = _whole_part(whole, "" if ip == "0" else ip, grouped, scaling)
    if point < len(tokens):
        out += "."
        significant = len(fp.rstrip("0"))
        j = 0
        for i, (kind, text) in enumerate(decimals, start=point + 1):
            if kind == "digit":
                out += fp[j] if j < significant else {"0": "0", "#": "", "?": " "}[text]
                j += 1
            elif i not in scaling:
                out += literal(kind, text)
    return out


def _digit_before(tokens: tuple[Token, ...], i: int) -> bool:
    return any(kind == "digit" for kind, _ in tokens[:i])


def _digit_after(tokens: tuple[Token, ...], i: int) -> bool:
    return any(kind == "digit" for kind, _ in tokens[i + 1 :])


def _scaling_commas(tokens: tuple[Token, ...]) -> set[int]:
    """Commas right after the last digit placeholder (`#,##0,` `0.0,,`): each divides by 1000."""
    last = max((i for i, (kind, _) in enumerate(tokens) if kind == "digit"), default=-1)
    found = set()
    i = last + 1
    while last >= 0 and i < len(tokens) and tokens[i][0] == "comma":
        found.add(i)
        i += 1
    return found


def _whole_part(tokens: tuple[Token, ...], digits: str, grouped: bool, skip: set[int]) -> str:
    """The integer digits placed right to left into the placeholders; the first takes any left over."""
    first = next((i for i, (kind, _) in enumerate(tokens) if kind == "digit"), None)
    items: list[tuple[str, bool]] = []  # (text, is a digit), right to left
    k = len(digits)
    if first is None and digits:
        items.extend((d, True) for d in reversed(digits))
        k = 0
    for i in range(len(tokens) - 1, -1, -1):
        kind, text = tokens[i]
        if kind == "digit":
            if k > 0:
                take = digits[:k] if i == first else digits[k - 1]
                k -= len(take)
                items.extend((d, True) for d in reversed(take))
            elif text == "0":
                items.append(("0", True))
            elif text == "?":
                items.append((" ", False))
        elif kind == "comma" and (grouped and _digit_before(tokens, i) and _digit_after(tokens, i) or i in skip):
            continue
        else:
            items.append((literal(kind, text), False))
    out: list[str] = []
    count = 0
    for text, is_digit in items:
        if is_digit and grouped and count and count % 3 == 0:
            out.append(",")
        count += is_digit
        out.append(text)
    return "".join(reversed(out))


def _scientific(x: Decimal, tokens: tuple[Token, ...], at: int) -> str:
    """0.00E+00: a mantissa (its exponent a multiple of the number of integer placeholders: ##0.0E+0 is
    engineering notation) and the exponent, signed as E+ or E- says, zero-padded to its placeholders."""
    mantissa_tokens, tail = tokens[:at], tokens[at + 1 :]
    point = next((i for i, (kind, _) in enumerate(mantissa_tokens) if kind == "point"), len(mantissa_tokens))
    whole = [text for kind, text in mantissa_tokens[:point] if kind == "digit"]
    places = sum(kind == "digit" for kind, _ in mantissa_tokens[point + 1 :])
    step = max(len(whole), 1)  # ##0.0E+0: engineering, the exponent a multiple of 3
    exponent = 0
    if x != 0:
        for _ in range(2):  # once more when rounding makes the mantissa a digit longer (9.99 -> 10.0)
            first = x.adjusted()
            exponent = (first // step) * step
            mantissa = _round(x.scaleb(-exponent), places)
            if mantissa.adjusted() - (first - exponent) <= 0:
                break
            x = mantissa.scaleb(exponent)
    mantissa = _round(x.scaleb(-exponent), places) if x != 0 else Decimal(0)
    digits = sum(kind == "digit" for kind, _ in tail[: digit_run(tail, 0)])
    sign = "-" if exponent < 0 else ("+" if tokens[at][1][1] == "+" else "")
    out = _fixed(mantissa, mantissa_tokens) + tokens[at][1][0] + sign + f"{abs(exponent):0{max(digits, 1)}d}"
    return out + "".join(literal(kind, text) for kind, text in tail[digit_run(tail, 0) :])


def _fraction_slash(tokens: tuple[Token, ...]) -> int | None:
    """Where a fraction's slash is (`# ?/?`, `?/8`): digit placeholders before it and a denominator after."""
    for i, (kind, _) in enumerate(tokens):
        if kind == "slash" and i and tokens[i - 1][0] == "digit" and i + 1 < len(tokens):
            following = tokens[i + 1]
            if following[0] == "digit" or (following[0] == "lit" and following[1].isdigit()):
                return i
    return None


def _fraction(x: Decimal, tokens: tuple[Token, ...], slash: int) -> str:
    """# ?/?: a whole part (where placeholders are left of the numerator's) and the nearest fraction whose
    denominator fits its placeholders, or the fixed one written (`# ?/16`)."""
    start = slash
    while start and tokens[start - 1][0] == "digit":
        start -= 1
    fixed = tokens[slash + 1][0] == "lit"  # `# ?/16`; else placeholders (`# ??/??`)
    end = slash + 1
    while end < len(tokens) and (
        tokens[end][1] == "0" or (tokens[end][0] == "lit" and tokens[end][1].isdigit())
        if fixed
        else tokens[end][0] == "digit"
    ):
        end += 1
    numerator, denominator = tokens[start:slash], tokens[slash + 1 : end]
    head = tokens[:start]
    has_whole = any(kind == "digit" for kind, _ in head)
    whole = int(x.to_integral_value(ROUND_FLOOR)) if has_whole else 0
    part = x - whole
    written = "".join(text for _, text in denominator)
    if fixed:
        den = int(written) or 1
        num = int(_round(part * den, 0))
    else:
        nearest = Fraction(part).limit_denominator(10 ** len(denominator) - 1)
        num, den = nearest.numerator, nearest.denominator
    if has_whole and num == den:
        whole, num = whole + 1, 0
    out = _whole_part(head, str(whole) if whole else "", False, set())
    if has_whole and num == 0:  # a whole number: the fraction's place left blank (0 for zero)
        out = out if whole else _whole_part(head, "0", False, set())
        return out + " " * (len(numerator) + 1 + len(denominator)) + _tail(tokens[end:])
    shown_num = _whole_part(numerator, str(num) if num or not has_whole else "", False, set())
    if fixed:
        shown_den = written
    else:
        shown_den = str(den)
        for _, text in denominator[len(shown_den) :]:
            shown_den += {"0": "0", "?": " ", "#": ""}[text]
    return out + shown_num + "/" + shown_den + _tail(tokens[end:])


def _tail(tokens: tuple[Token, ...]) -> str:
    return "".join(literal(kind, text) for kind, text in tokens)
