"""Commands of a LaTeX source that latex_text.py's reader treats one by one: line breaks, list items,
formulae in `\\( \\)` and `\\[ \\]`, conditionals, the preamble's start, files input (not read), accents,
citations and references, and commands that show code (`\\string`, `\\textbackslash`)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

import regex

from synthocr.planner import latex_symbols as sym
from synthocr.planner.latex_define import token_text
from synthocr.planner.latex_finish import CODE, CUT, DISPLAY, REFERENCE, UNKNOWN
from synthocr.planner.latex_gather import mid_sentence, previous_word

if TYPE_CHECKING:
    from synthocr.planner.latex_reader import Reader as _Reader

Handler = Callable[["_Reader", str], None]
COMMAND_HANDLERS: dict[str, Handler] = {}


def _handles(*names: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        COMMAND_HANDLERS.update(dict.fromkeys(names, fn))
        return fn

    return register


# Text --------------------------------------------------------------------------------------------------


@_handles("\\", "newline", "linebreak*", "break")
def _line_break(r: _Reader, command: str) -> None:
    if command == "\\":
        r.star()
        r.optional()
    target = r.frame.target
    if target is not None and target.kind == "own":
        r.add(" ")
    else:
        r.flush(target)


@_handles("par")
def _par(r: _Reader, command: str) -> None:
    r.flush(r.frame.target)


@_handles("item", "bibitem")
def _item(r: _Reader, command: str) -> None:
    r.flush(r.frame.target)
    r.overlay()
    label = r.optional()
    if command == "bibitem":
        r.argument()
        return
    lists = [f for f in r.frames if f.kind == "env" and f.block]
    if label and lists and lists[-1].describe:
        r.push(*label, ("space", " "))


@_handles("(", "[", "ensuremath")
def _formula(r: _Reader, command: str) -> None:
    if command == "ensuremath":
        tokens = r.argument()
        r.formula([("cs", v) if k == "cs " else (k, v) for k, v in tokens] if tokens is not None else [], False)
    else:
        display = command == "["
        r.formula(r.math(("cs", ")" if command == "(" else "]"), display), display)


@_handles(")", "]")
def _stray(r: _Reader, command: str) -> None:
    pass


@_handles("iffalse", "else", "ifx", "ifdefined", "ifcsname", "ifnum", "ifdim", "ifthenelse")
def _conditional(r: _Reader, command: str) -> None:
    """`\\iffalse … \\fi` is left out (to an `\\else`); of other conditionals the first branch is read, and
    `\\else … \\fi` left out."""
    if command == "ifthenelse":
        r.argument()
        return
    if command not in ("iffalse", "else"):
        return
    depth = 0
    previous = ""
    for _ in range(10_000_000):
        kind, value = r.take()
        if kind == "eof":
            return
        if kind in ("cs", "cs "):
            if value.startswith("if") and value != "iff" and previous not in ("newif", "def", "let"):
                depth += 1
            elif value == "fi":
                if depth == 0:
                    return
                depth -= 1
            elif value == "else" and depth == 0 and command == "iffalse":
                return
            previous = value


@_handles("documentclass", "documentstyle")
def _documentclass(r: _Reader, command: str) -> None:
    options = token_text(r.optional())
    if token_text(r.argument()) in _SHORT_VERB_CLASSES:  # their `|\cs|` is code
        r.scanner.add_short_verb("|")
    r.babel.update(o.strip() for o in options.split(","))
    if not r.texts and not r.main.parts:
        r.in_preamble = True
        r.frames[0].target = None


# Classes of LaTeX's own documentation, which make `|` delimit code (as `\MakeShortVerb{\|}`).
_SHORT_VERB_CLASSES = frozenset({"ltxdoc", "ltxguide", "amsldoc", "l3doc", "ltnews", "ltxdockit", "ltxguidex"})


@_handles("usepackage", "RequirePackage")
def _usepackage(r: _Reader, command: str) -> None:
    options = token_text(r.optional())
    packages = {p.strip() for p in token_text(r.argument()).split(",")}
    r.optional()
    if "babel" in packages:
        r.german = bool((r.babel | {o.strip() for o in options.split(",")}) & _GERMAN)


_GERMAN = frozenset("german ngerman austrian naustrian swissgerman nswissgerman".split())


@_handles("input", "include", "subfile", "import", "subimport", "includefrom", "subincludefrom", "InputIfFileExists")
def _input(r: _Reader, command: str) -> None:
    """Other files are not read: a corpus file is read alone, and a source names what it likes."""
    if command in ("import", "subimport", "includefrom", "subincludefrom"):
        r.argument()
    token = r.take_nonspace()
    r.push(token)
    if token[0] == "{":
        r.argument()
        if command == "InputIfFileExists":
            r.argument()
            r.argument()
    elif token[0] == "text":  # `\input chapter1`: TeX's own form, the name to a space
        r.take()
    r.counts["file input, not read"] += 1


@_handles("endinput")
def _endinput(r: _Reader, command: str) -> None:
    r.done = True


@_handles("label", "index", "glossary", "nomenclature", "footnotemark", "todo", "marginpar", "marginnote",
          "thanks", "footnote", "footnotetext")  # fmt: skip
def _invisible(r: _Reader, command: str) -> None:
    """What the text shows nothing of where it stands: a footnote (a text of its own), a label, an index
    entry. A cut is left, so that `word \\footnote{…}.` reads `word.`."""
    r.hole(CUT)
    r.arguments(sym.COMMANDS.get(command, "od"), name=command)


@_handles("IEEEPARstart", "lettrine")
def _initial(r: _Reader, command: str) -> None:
    """A dropped initial: `\\IEEEPARstart{T}{his}` is `This`."""
    r.optional()
    first = r.argument() or []
    rest = r.argument() or []
    r.push(*first, *rest)


@_handles("verbatiminput", "lstinputlisting", "inputminted", "VerbatimInput", "includecode")
def _code_file(r: _Reader, command: str) -> None:
    r.optional()
    if command == "inputminted":
        r.argument()
    r.argument()
    r.hole(DISPLAY)


@_handles(
    "string",
    "textbackslash",
    "bslash",
    "bs",
    "cmd",
    "textbslash",
    "@backslashchar",
    "char",
    "{",
    "}",
    "textbraceleft",
    "textbraceright",
    "lbrace",
    "rbrace",
)
def _shown_command(r: _Reader, command: str) -> None:
    """`\\string\\section`, `\\textbackslash section`, `\\{`: a command's name or TeX's braces shown as
    code, not prose."""
    if command == "string":
        token = r.take()
        if token[0] not in ("cs", "cs "):
            r.push(token)
            return
    r.hole(CODE)


@_handles(*sym.CITATIONS, *sym.TEXTUAL_CITATIONS, *sym.QUIET_CITATIONS)
def _citation(r: _Reader, command: str) -> None:
    """A citation: in parentheses (`as shown before~\\cite{x}.`) a cut; part of the sentence (`see \\cite{x}`,
    `\\citet{x} showed`, at a sentence's start) a hole; in a footnote of its own (`\\footcite`) nothing."""
    r.arguments("s<oo" + ("d+" if command.endswith("s") else "d"))
    target = r.frame.target
    if command in sym.QUIET_CITATIONS or target is None:
        return
    textual = command in sym.TEXTUAL_CITATIONS or previous_word(target) in sym.FUNCTION_WORDS
    r.hole(REFERENCE if textual or not mid_sentence(target) else CUT)


@_handles(*sym.REFERENCES)
def _reference(r: _Reader, command: str) -> None:
    """A reference (`Figure~\\ref{f}`) prints a number this reader cannot know: a hole."""
    r.arguments("so<d")
    r.hole(REFERENCE)


@_handles(*sym.ACCENTS)
def _accent(r: _Reader, command: str) -> None:
    """`\\'e`, `\\"{o}`, `\\c{c}`, `\\"\\i`: the letter with its accent (NFC)."""
    tokens = r.argument()
    base = ""
    for kind, value in tokens or []:
        if kind == "text":
            base = value
            break
        if kind in ("cs", "cs ") and value in sym.LETTERS:
            base = {"i": "i", "j": "j"}.get(value, sym.LETTERS[value])
            break
    if not base:  # `\'{}`: the accent alone
        r.add({"'": "´", "`": "`", "^": "^", '"': "¨", "~": "~", "=": "¯", ".": "˙"}.get(command, ""))
        return
    r.add(unicodedata.normalize("NFC", base[0] + sym.ACCENTS[command]) + base[1:])


# Registers set in the text (`\parindent 0pt`, `\hskip 2em plus 1fil`): their value is no text.
_DIMENSIONED = (
    "hskip vskip kern mkern mskip parindent parskip baselineskip tabcolsep arrayrulewidth itemsep topsep parsep "
    "leftmargin labelwidth labelsep emergencystretch hfuzz vfuzz tolerance pretolerance hyphenpenalty "
    "exhyphenpenalty clubpenalty widowpenalty linepenalty interlinepenalty lineskip abovedisplayskip "
    "belowdisplayskip columnsep footskip headheight headsep textwidth textheight oddsidemargin evensidemargin "
    "topmargin marginparwidth penalty looseness"
)
_DIMENSION = regex.compile(
    r"\s*=?\s*[-+]?(?:\d+[.,]?\d*|[.,]\d+)\s*(?:pt|em|ex|cm|mm|in|bp|sp|pc|dd|cc|mu|px|true\w*|fil{1,3})?"
    r"(?:\s*(?:plus|minus)\s*[-+]?(?:\d+[.,]?\d*|[.,]\d+)\s*(?:pt|em|ex|cm|mm|in|bp|sp|pc|dd|cc|mu|fil{1,3})?)*"
)


@_handles(*_DIMENSIONED.split())
def _dimension(r: _Reader, command: str) -> None:
    """The value after a register or a skip, left out; horizontal skips are a space."""
    token = r.take()
    if token[0] == "space":
        token = r.take()
    if token[0] == "text":
        m = _DIMENSION.match(token[1])
        rest = token[1][m.end() :] if m and m.group().strip() else token[1]
        if rest:
            r.push(("text", rest))
    else:
        r.push(token)
    if command in ("hskip", "kern"):
        r.add(" ")


# siunitx: numbers and units as it prints them (`\SI{3}{\kilo\meter\per\second}` is 3 km s⁻¹).
_PREFIXES = dict(
    zip(
        "yocto zepto atto femto pico nano micro milli centi deci deca deka hecto kilo mega giga tera peta exa".split(),
        "y z a f p n µ m c d da da h k M G T P E".split(),
        strict=True,
    )
)
_UNITS = {
    **dict(
        zip(
            "meter metre gram second ampere kelvin mole candela hertz newton pascal joule watt coulomb volt farad "
            "ohm siemens weber tesla henry lumen lux becquerel gray sievert katal degreeCelsius celsius minute hour "
            "day degree arcminute arcsecond hectare litre liter tonne electronvolt dalton bel decibel neper percent "
            "bit byte angstrom astronomicalunit parsec kilogram bar gauss atomicmassunit".split(),
            "m m g s A K mol cd Hz N Pa J W C V F Ω S Wb T H lm lx Bq Gy Sv kat °C °C min h d ° ′ ″ ha L L t eV Da "
            "B dB Np % bit B Å au pc kg bar G u".split(),
            strict=True,
        )
    ),
    **{u: u for u in "km m cm mm nm pm s ms ns ps kg g mg Hz kHz MHz GHz THz J kJ MJ eV keV MeV GeV TeV W kW "
       "MW GW mW V kV mV A mA K N kN Pa kPa MPa GPa hPa L mL mol mmol C dB".split()},  # fmt: skip
    "um": "µm", "us": "µs", "ug": "µg", "uA": "µA", "uL": "µL", "uV": "µV",
}  # fmt: skip
_POWERS = {"square": "²", "squared": "²", "cubic": "³", "cubed": "³"}


def _units(tokens: list[tuple[str, str]]) -> str | None:
    """The units a siunitx unit argument prints (`\\kilo\\meter\\per\\second` is km s⁻¹, `km/s` as typed);
    None where one is not known."""
    words: list[str] = []
    prefix = power = ""
    per = False
    for kind, value in tokens:
        if kind == "space":
            continue
        if kind == "text":
            words.append(value)
        elif kind not in ("cs", "cs "):
            return None
        elif value in _PREFIXES:
            prefix += _PREFIXES[value]
        elif value in ("square", "cubic"):
            power = _POWERS[value]
        elif value in ("squared", "cubed") and words:
            words[-1] += _POWERS[value]
        elif value == "per":
            per = True
        elif value in _UNITS:
            words.append(prefix + _UNITS[value] + ("⁻" if per else "") + (power or ("¹" if per else "")))
            prefix = power = ""
            per = False
        else:
            return None
    return " ".join(words)


def _number(tokens: list[tuple[str, str]]) -> str | None:
    """A siunitx number as printed: `1.5e3` is 1.5 × 10³, `-2` is −2."""
    text = "".join(v for k, v in tokens if k == "text").replace(" ", "")
    m = regex.fullmatch(r"([-+]?)(\d*[.,]?\d+)(?:[eE]([-+]?\d+))?", text)
    if m is None:
        return None
    sign = "−" if m.group(1) == "-" else m.group(1)
    exponent = m.group(3)
    if not exponent:
        return sign + m.group(2)
    digits = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")
    return f"{sign}{m.group(2)} × 10{exponent.translate(digits)}"


@_handles("SI", "qty", "si", "unit", "num", "ang", "SIrange", "qtyrange", "numrange", "SIlist", "qtylist")
def _siunitx(r: _Reader, command: str) -> None:
    r.optional()
    if command in ("si", "unit"):
        parts = [_units(r.argument() or [])]
    elif command == "num":
        parts = [_number(r.argument() or [])]
    elif command == "ang":
        parts = [_number(r.argument() or [])]
        parts = [parts[0] + "°" if parts[0] else None]
    elif command in ("SIrange", "qtyrange", "numrange"):
        low, high = _number(r.argument() or []), _number(r.argument() or [])
        unit = _units(r.argument() or []) if command != "numrange" else ""
        parts = [low, " to ", high] if unit == "" else [low, f" {unit} to ", high, f" {unit}" if unit else None]
    else:
        number = _number(r.argument() or [])
        unit = _units(r.argument() or [])
        parts = [number, " ", unit]
    if any(p is None for p in parts):
        r.hole(UNKNOWN)
    else:
        r.add("".join(p for p in parts if p))
