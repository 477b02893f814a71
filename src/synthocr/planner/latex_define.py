"""The definitions a LaTeX source makes, as latex_text.py's reader follows them: its own commands
(`\\newcommand`, `\\def`, `\\let`, xparse's `\\NewDocumentCommand`), operators, environments and theorems, and
what it makes code: verbatim-like environments (`\\lstnewenvironment`, `\\DefineVerbatimEnvironment`,
`\\newminted`, `\\newtcblisting`, `\\excludecomment`, a `\\newenvironment` that begins a verbatim one), inline code
commands (`\\newmint`, `\\DeclareUrlCommand`) and short-verbatim characters (`\\MakeShortVerb`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from synthocr.planner import latex_symbols as sym
from synthocr.planner.latex_tokens import Macro

if TYPE_CHECKING:
    from synthocr.planner.latex_reader import Reader as _Reader

Handler = Callable[["_Reader", str], None]
DEFINITIONS: dict[str, Handler] = {}

# What the begin code of a \newenvironment holds that makes the environment code (`\verbatim`,
# `\begin{lstlisting}` …), or a formula, a table, a list, a float or a picture.
_CODE_MARKERS = frozenset(
    "verbatim Verbatim BVerbatim LVerbatim verbatim@start @verbatim VerbatimEnvironment lstlisting "
    "lst@BeginWriteFile minted tcblisting comment @bsphack@verbatim".split()
)
_CLASSES = (("math", sym.MATH_ENVIRONMENTS), ("table", sym.TABLE_ENVIRONMENTS), ("list", sym.LIST_ENVIRONMENTS),
            ("float", sym.FIGURE_ENVIRONMENTS), ("drop", sym.DROPPED_ENVIRONMENTS))  # fmt: skip
# Commands the document may redefine without this reader following: its handling of them stays.
_KEPT = (
    set(sym.COMMANDS) | sym.NOTHING | set(sym.WORDS) | set(sym.LETTERS) | sym.CITATIONS | sym.TEXTUAL_CITATIONS
    | sym.REFERENCES | sym.QUIET_CITATIONS | {"item", "par", "begin", "end", "\\", "newline"}
)  # fmt: skip


def _handles(*names: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        DEFINITIONS.update(dict.fromkeys(names, fn))
        return fn

    return register


def token_text(tokens: list[Any] | None) -> str:
    return "".join(v for k, v in tokens or [] if k in ("text", "char", "cs", "cs ")).strip()


def command_name(r: _Reader) -> str:
    """The name of the command a definition defines: `{\\name}` or `\\name`."""
    tokens = r.argument() or []
    return next((v for k, v in tokens if k in ("cs", "cs ")), "")


# Definitions ---------------------------------------------------------------------------------------------


@_handles("newcommand", "renewcommand", "providecommand", "DeclareRobustCommand", "DeclareTextCommand")
def _newcommand(r: _Reader, command: str) -> None:
    r.star()
    name = command_name(r)
    count = token_text(r.optional())
    default = r.optional()
    body = r.argument(long=True) or []
    if not name or (command != "newcommand" and (name in _KEPT or name in r.macros and command == "providecommand")):
        return
    args = int(count) if count.isdigit() else 0
    r.macros[name] = _macro(args, default, body)


def _macro(args: int, default: list[Any] | None, body: list[Any], spec: str = "") -> Macro:
    return Macro(args, default, body, spec)


@_handles("def", "gdef", "edef", "xdef")
def _def(r: _Reader, command: str) -> None:
    token = r.take_nonspace()
    if token[0] not in ("cs", "cs "):
        r.push(token)
        return
    name = token[1]
    params: list[Any] = []
    while len(params) < 20:
        token = r.take()
        if token[0] in ("{", "eof", "par"):
            break
        params.append(token)
    if token[0] != "{":
        r.push(token)
        return
    r.push(token)
    body = r.argument(long=True) or []
    args = len(params) // 2
    simple = all(t == ("char", "#") if i % 2 == 0 else t[0] == "text" and t[1] == str(i // 2 + 1)
                 for i, t in enumerate(params)) and len(params) % 2 == 0  # fmt: skip
    if simple and name not in _KEPT:
        r.macros[name] = _macro(args, None, body)


@_handles("let", "futurelet")
def _let(r: _Reader, command: str) -> None:
    name = r.take_nonspace()
    token = r.take_nonspace()
    if token[0] == "text" and token[1].startswith("="):
        if token[1][1:]:
            r.push(("text", token[1][1:]))
        token = r.take_nonspace()
    if name[0] not in ("cs", "cs ") or name[1] in _KEPT or token[0] not in ("cs", "cs "):
        return
    if token[1] in r.macros:  # its meaning now: `\let\oldcs\cs` before `\cs` is redefined to call `\oldcs`
        r.macros[name[1]] = r.macros[token[1]]
    elif token[1] in _KEPT:  # a command this reader handles, which the document cannot redefine here
        r.macros[name[1]] = _macro(0, None, [("cs", token[1])])


@_handles("DeclareMathOperator", "operatorname")
def _operator(r: _Reader, command: str) -> None:
    r.star()
    if command == "operatorname":
        r.add(token_text(r.argument()))
        return
    name = command_name(r)
    text = token_text(r.argument())
    if name:
        r.operators[name] = text


@_handles("NewDocumentCommand", "RenewDocumentCommand", "DeclareDocumentCommand", "ProvideDocumentCommand",
          "NewExpandableDocumentCommand", "DeclareExpandableDocumentCommand")  # fmt: skip
def _xparse_command(r: _Reader, command: str) -> None:
    name = command_name(r)
    spec = "".join(token_text(r.argument()).split())
    body = r.argument(long=True) or []
    letters = []
    i = 0
    while i < len(spec):  # O{default}: an optional argument; its default is left out
        letters.append(spec[i])
        if spec[i] == "O" and spec[i + 1 : i + 2] == "{":
            i = spec.find("}", i) if "}" in spec[i:] else len(spec)
        i += 1
    if name and name not in _KEPT and letters and set(letters) <= set("moOs+"):
        r.macros[name] = _macro(len(letters), None, body, "".join(c for c in letters if c != "+"))
    elif name and name not in _KEPT and not spec:
        r.macros[name] = _macro(0, None, body)


@_handles("newenvironment", "renewenvironment", "provideenvironment", "NewDocumentEnvironment",
          "RenewDocumentEnvironment", "DeclareDocumentEnvironment", "ProvideDocumentEnvironment", "newenv")  # fmt: skip
def _newenvironment(r: _Reader, command: str) -> None:
    r.star()
    name = token_text(r.argument())
    if "Document" in command:
        spec = token_text(r.argument())
        args, default = sum(c in "mO" for c in spec), None
    else:
        count = token_text(r.optional())
        default = r.optional()
        args = int(count) if count.isdigit() else 0
    begin = r.argument(long=True) or []
    kind = _environment_kind(begin)
    if not any(k == "code" for k, _ in begin):  # a verbatim environment begun inside took the end code with it
        r.argument(long=True)
    if not name:
        return
    if kind == "code":
        r.code_environments.add(name)
    elif command == "newenvironment" or name not in r.environments and not r.known_environment(name):
        optional = 1 if default is not None else 0
        r.environments[name] = (kind, "o" * optional + "d" * max(0, args - optional))


def _environment_kind(begin: list[Any]) -> str:
    """What an environment defined with this begin code holds: "code", a formula ("math"), "table", "list",
    "float", "drop" (pictures) or "prose"."""
    kinds: list[str] = []
    for kind, value in begin:
        if kind in ("cs", "cs ") and value in _CODE_MARKERS or kind == "code":
            return "code"
        if kind == "begin":
            kinds.extend(c for c, names in _CLASSES if value in names)
            if value in sym.CODE_ENVIRONMENTS:
                return "code"
        elif kind in ("cs", "cs ") and value in ("[", "equation", "align", "gather"):
            kinds.append("math")
    return kinds[0] if kinds else "prose"


@_handles("lstnewenvironment", "DefineVerbatimEnvironment", "RecustomVerbatimEnvironment",
          "CustomVerbatimEnvironment", "newtcblisting", "renewtcblisting", "DeclareTCBListing",
          "NewTCBListing", "RenewTCBListing", "ProvideTCBListing", "excludecomment", "newverbatim")  # fmt: skip
def _code_environment(r: _Reader, command: str) -> None:
    r.star()
    if command.endswith("tcblisting"):
        r.optional()
    name = token_text(r.argument())
    if name:
        r.code_environments.add(name)
    if command == "lstnewenvironment":
        r.optional()
        r.optional()
        r.argument(long=True)
        r.argument(long=True)
    elif command in ("DefineVerbatimEnvironment", "RecustomVerbatimEnvironment", "CustomVerbatimEnvironment"):
        r.argument()
        r.argument()
    elif command.endswith("tcblisting") or command.endswith("TCBListing"):
        if command != "newtcblisting" and command != "renewtcblisting":
            r.argument()
        else:
            r.optional()
            r.optional()
        r.argument(long=True)


@_handles("newminted", "newmint", "newmintinline", "newmintedfile")
def _minted(r: _Reader, command: str) -> None:
    name = token_text(r.optional())
    language = token_text(r.argument())
    r.argument()
    if command == "newminted":
        environment = name or language + "code"
        r.code_environments.update({environment, environment + "*"})
    elif command in ("newmint", "newmintinline"):
        r.scanner.verb_commands[name or language + ("inline" if command == "newmintinline" else "")] = (True, False)


@_handles("includecomment", "specialcomment")
def _prose_comment(r: _Reader, command: str) -> None:
    name = token_text(r.argument())
    if command == "specialcomment":
        r.argument()
        r.argument()
    r.code_environments.discard(name)
    r.environments[name] = ("prose", "")


@_handles("newtheorem", "declaretheorem", "spnewtheorem", "newmdtheoremenv", "newtcbtheorem")
def _theorem(r: _Reader, command: str) -> None:
    r.star()
    if command in ("declaretheorem", "newtcbtheorem", "newmdtheoremenv"):
        r.optional()
    name = token_text(r.argument())
    r.optional()
    if command != "declaretheorem":
        r.argument()
    r.optional()
    if command == "newtcbtheorem":
        r.argument()
        r.argument()
    if name:
        r.environments[name] = ("prose", "o")


@_handles("MakeShortVerb", "DefineShortVerb", "lstMakeShortInline", "DeleteShortVerb", "UndefineShortVerb",
          "lstDeleteShortInline")  # fmt: skip
def _short_verb(r: _Reader, command: str) -> None:
    r.star()
    r.optional()
    char = token_text(r.argument())
    r.scanner.add_short_verb(char[-1:] if char else "", on=not command.startswith(("Delete", "Undefine", "lstDelete")))


@_handles("DeclareUrlCommand", "urldef")
def _url_command(r: _Reader, command: str) -> None:
    name = command_name(r)
    if command == "urldef":  # `\urldef{\name}\url{...}`: the command prints that URL
        token = r.take_nonspace()
        if name and token[0] == "url":
            r.macros[name] = _macro(0, None, [token])
        return
    r.argument()
    if name:
        r.scanner.url_commands.add(name)
