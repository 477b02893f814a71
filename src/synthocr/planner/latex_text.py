"""The text of LaTeX sources (papers, theses, books): what a reader of the typeset document sees, one text per
paragraph, heading, caption, footnote, list item or table cell.

Read as plain text, a `.tex` file gave lines full of `\\section{…}`, `$x^2$` and `\\cite{…}`. Its tokens
(latex_scan.py, which keeps TeX's rules for comments and code) are read (latex_reader.py) as LaTeX typesets them:

- the preamble (before `\\begin{document}`) is not text, but for the title; the document's own
  definitions (`\\newcommand`, `\\def`, `\\newenvironment`, `\\DeclareMathOperator`, xparse's commands) are
  used, and the environments it defines as code (`\\lstnewenvironment`, `\\DefineVerbatimEnvironment`,
  `\\newminted`, `\\newtcblisting`, `\\excludecomment`, or a `\\newenvironment` that begins a verbatim one)
  are left out as code; files it inputs (`\\input`, `\\include`) are not read: a corpus file is read alone;
- formatting keeps its text (`\\emph{…}`, `\\textbf{…}`, `\\mbox{…}`); labels, index entries, pictures,
  spacing and settings go; accents, special characters, quotes and dashes are the characters TeX prints
  (`\\'e` é, ``` `` ``` “, `--` –, `~` a space, `\\LaTeX` LaTeX);
- a simple inline formula is the Unicode a reader sees (latex_math.py: `$x^2$` x², `$\\alpha$` α); a
  sentence holding another formula, a displayed formula in its middle, inline code, a reference
  (`Figure~\\ref{f}`), a citation that is part of it (`see \\cite{x}`, `\\citet{x}`) or a command defined
  elsewhere is left out, so no text has a hole; a citation in parentheses goes alone;
- `$` pairs only within a paragraph, as TeX's own rule is: a paragraph whose `$` is left open is left out,
  and never takes the text after it;
- figures give their captions; tables a text per cell; pictures, bibliographies and tabbing nothing.

What is left out is counted and logged (INFO) once per file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from synthocr.errors import UserError
from synthocr.planner.latex_commands import COMMAND_HANDLERS
from synthocr.planner.latex_define import DEFINITIONS
from synthocr.planner.latex_reader import Reader

# A LaTeX source is read whole (definitions come before their use); no paper, thesis or book chapter comes
# near this, and a larger file is not one document (read at about 1.5 MB a second).
MAX_LATEX_CHARS = 16 << 20
HANDLERS = {**DEFINITIONS, **COMMAND_HANDLERS}


def latex_texts(fh: IO[str], where: str = "the LaTeX file") -> Iterator[str]:
    """The texts of a LaTeX source read from `fh` (decoded), in order.

    Raises:
        UserError: the source is longer than MAX_LATEX_CHARS.
    """
    source = fh.read(MAX_LATEX_CHARS + 1)
    if len(source) > MAX_LATEX_CHARS:
        raise UserError(
            f"{where} holds more than {MAX_LATEX_CHARS >> 20} Mi characters, more than synthocr reads as one "
            "LaTeX document; split it into files (one per chapter)."
        )
    reader = Reader(source.lstrip("\ufeff"), HANDLERS)
    yield from reader.read()
    reader.report(where)
