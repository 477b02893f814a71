"""LaTeX sources as corpus files: the prose a reader of the typeset document sees (latex_text.py), checked on
small sources written for each rule, and through `synthocr plan` on a `.tex` file. Read as plain text, a
`.tex` file gave `\\section{Introduction}`, `$x^2$` and `\\cite{knuth}` as texts."""

from __future__ import annotations

import gzip
import io
import time
from pathlib import Path

import pytest

from helpers import plan_corpus, write_corpus
from synthocr.errors import UserError
from synthocr.planner.latex_text import latex_texts


def texts(source: str) -> list[str]:
    return list(latex_texts(io.StringIO(source), "t.tex"))


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNTHOCR_CACHE", str(tmp_path / "cache"))


PAPER = r"""\documentclass[11pt]{article}
% the preamble: packages, settings and definitions are no text
\usepackage[utf8]{inputenc}
\usepackage{amsmath,listings}
\newcommand{\method}{FooNet}
\newcommand{\R}{\mathbb{R}}
\newcommand{\pair}[2]{(#1, #2)}
\lstnewenvironment{code}{}{}
\title{Learning to Read \emph{Old} Prints}
\begin{document}
\maketitle
\begin{abstract}
We present \method, a reader of prints. It is 50\% faster.
\end{abstract}
\section{Introduction}\label{sec:intro}
Optical character recognition is hard~\cite{knuth84}. The error rate $e$ drops
below $10^{-3}$ for $n \geq 5$ lines, and the pair is \pair{a}{b}.
As shown in Figure~\ref{fig:one}, the model works. See \cite{smith} for details.
The loss $\mathcal{L} = \sum_i \ell_i$ is minimised over $\R^n$.
\begin{code}
cost = $5 and $6 % not a comment
\end{code}
The weights are trained for $x$ steps.\footnote{On one GPU.} It converges.

\begin{figure}[t]
  \centering
  \includegraphics[width=\linewidth]{fig.pdf}
  \caption{Accuracy of \method{} per page.}\label{fig:one}
\end{figure}
\begin{tabular}{lr}
\hline
Model & Accuracy \\
\method & 0.97 \\
\end{tabular}
\begin{thebibliography}{9}
\bibitem{knuth84} D. Knuth, The \TeXbook, 1984.
\end{thebibliography}
\end{document}
Text after the end is no text.
"""
PAPER_TEXTS = [
    "Learning to Read Old Prints",
    "We present FooNet, a reader of prints. It is 50% faster.",
    "Introduction",
    "On one GPU.",  # a footnote: a text of its own, finished before the paragraph it is in
    "Optical character recognition is hard. The error rate e drops below 10⁻³ for n ≥ 5 lines, and the pair is "
    "(a, b). The weights are trained for x steps. It converges.",
    "Accuracy of FooNet per page.",
    "Model",
    "Accuracy",
    "FooNet",
    "0.97",
]


def test_a_paper_gives_its_paragraphs_headings_captions_footnotes_and_cells():
    """The preamble, labels, a figure's picture and the bibliography go; a sentence with a reference, a
    citation that is part of it, a formula with no Unicode form or code goes whole; a citation in
    parentheses goes alone, with no space before the full stop."""
    assert texts(PAPER) == PAPER_TEXTS


def test_characters_accents_quotes_dashes_and_logos():
    source = (
        r"Caf\'e, na\"{\i}ve, stra\ss e, \o re, \aa l, \c{c}a, \v{S}koda, \'{E}t\'e -- pages 3--5 --- "
        r"``quoted'' and `single', 5~km, 5\,kg, \LaTeX{} and \TeX\ and \LaTeX is \ldots{} \& \% \$ \# \_ "
        "done."
    )
    assert texts(source) == [
        "Café, naïve, straße, øre, ål, ça, Škoda, Été – pages 3–5 — “quoted” and ‘single’, 5 km, 5 kg, LaTeX "
        "and TeX and LaTeX is … & % $ # _ done."
    ]


def test_comments_follow_tex():
    """`%` to the end of the line is a comment and takes the line end and the next line's leading spaces
    (`joi%` + `ned` is `joined`); `\\%` is a per cent sign; an empty line after a comment ends the paragraph."""
    source = (
        "Words that are joi% a comment $ with a dollar\n     ned, and 5\\% more. % $x\nSame paragraph.\n%\n\nNew one."
    )
    assert texts(source) == ["Words that are joined, and 5% more. Same paragraph.", "New one."]


@pytest.mark.parametrize(
    "code",
    [
        r"\verb|$x$|",
        r"\verb+a $ b+",
        r"\verb!%!",
        r"\verb*|a b|",
        r"\lstinline{x = $y}",
        r"\lstinline[language=C]|a$b|",
        r"\mintinline{python}|s = '$'|",
        r"\texttt{\textbackslash section}",
        r"\string\section",
    ],
)
def test_inline_code_takes_its_sentence_and_no_dollar_pairs_across_it(code):
    source = f"Keep this. The command {code} is shown here. Keep $x$ too.\n\nNext paragraph, $y$ kept."
    assert texts(source) == ["Keep this. Keep x too.", "Next paragraph, y kept."]


CODE_ENVIRONMENTS = {
    "verbatim": (r"", r"\begin{verbatim}", r"\end{verbatim}"),
    "verbatim*": (r"", r"\begin{verbatim*}", r"\end{verbatim*}"),
    "lstlisting": (r"", r"\begin{lstlisting}[language=TeX]", r"\end{lstlisting}"),
    "minted": (r"", r"\begin{minted}{python}", r"\end{minted}"),
    "Verbatim": (r"", r"\begin{Verbatim}[frame=single]", r"\end{Verbatim}"),
    "comment": (r"", r"\begin{comment}", r"\end{comment}"),
    "newenvironment with \\verbatim": (
        r"\newenvironment{example}{\verbatim}{\endverbatim}",
        r"\begin{example}",
        r"\end{example}",
    ),
    "newenvironment beginning a verbatim": (
        r"\newenvironment{shell}{\begin{verbatim}}{\end{verbatim}}",
        r"\begin{shell}",
        r"\end{shell}",
    ),
    "lstnewenvironment": (r"\lstnewenvironment{code}[1][]{\lstset{#1}}{}", r"\begin{code}", r"\end{code}"),
    "DefineVerbatimEnvironment": (
        r"\DefineVerbatimEnvironment{Code}{Verbatim}{fontsize=\small}",
        r"\begin{Code}",
        r"\end{Code}",
    ),
    "RecustomVerbatimEnvironment": (
        r"\RecustomVerbatimEnvironment{Sample}{Verbatim}{}",
        r"\begin{Sample}",
        r"\end{Sample}",
    ),
    "newminted": (r"\newminted{python}{linenos}", r"\begin{pythoncode}", r"\end{pythoncode}"),
    "newminted named": (r"\newminted[snippet]{latex}{}", r"\begin{snippet}", r"\end{snippet}"),
    "newtcblisting": (r"\newtcblisting{listingbox}{listing only}", r"\begin{listingbox}", r"\end{listingbox}"),
    "excludecomment": (r"\excludecomment{hidden}", r"\begin{hidden}", r"\end{hidden}"),
}


@pytest.mark.parametrize("case", CODE_ENVIRONMENTS)
def test_code_environments_and_the_documents_own_are_left_out_with_their_dollars(case):
    """Code holds `$`, `%` and braces that are no LaTeX: read as LaTeX, lshort's example environments (which
    hold LaTeX code) paired their `$` with the prose's and swallowed the text between."""
    definition, begin, end = CODE_ENVIRONMENTS[case]
    source = (
        f"\\documentclass{{article}}\n{definition}\n\\begin{{document}}\n"
        "Prose before, with $a$ in it.\n"
        f"{begin}\nEnter $x$ or $ alone, 100% {{ of it\n\\section{{no}}\n{end}\n"
        "Prose after, with $b$ in it.\n\n"
        "Last paragraph.\n\\end{document}\n"
    )
    assert texts(source) == ["Prose before, with a in it. Prose after, with b in it.", "Last paragraph."]


def test_an_unpaired_dollar_leaves_its_paragraph_out_and_never_takes_the_next():
    source = "First paragraph, fine.\n\nIt costs $5 and more.\n\nThird paragraph, $z$ fine.\n\nA $\\] wrong."
    assert texts(source) == ["First paragraph, fine.", "Third paragraph, z fine."]


def test_simple_formulae_are_what_a_reader_sees():
    source = (
        r"Values $x^2$, $a_1$, $x_{ij}$, $\alpha \leq \beta$, $3 \times 4$, $-1$, $n-1$, $10^{-3}$, "
        r"$f(x) = \sin x$, $\mathbb{R}^n$, $\hat{x}$, $90^\circ$, $\frac12$, \(y'\) and \ensuremath{\pi r}."
    )
    assert texts(source) == [
        "Values x², a₁, xᵢⱼ, α ≤ β, 3 × 4, −1, n − 1, 10⁻³, f(x) = sin x, ℝⁿ, x̂, 90°, ½, y′ and πr."
    ]


@pytest.mark.parametrize(
    "formula",
    [r"$\frac{a}{b}$", r"$\sum_i x_i$", r"$\int f$", r"$\mathcal{O}(n)$", r"$x_\nu$", r"$\sqrt{x+1}$", r"$e^{i\pi}$"],
)
def test_a_sentence_with_a_formula_that_is_not_simple_goes(formula):
    assert texts(f"Kept here. The value {formula} is large. Kept too.") == ["Kept here. Kept too."]


@pytest.mark.parametrize(
    "display",
    [
        r"$$E = mc^2$$",
        r"\[ E = mc^2 \]",
        r"\begin{equation} E = mc^2 \label{e} \end{equation}",
        r"\begin{equation*} E = mc^2 \end{equation*}",
        r"\begin{align} a &= b \\ c &= d \end{align}",
        r"\begin{align*} a &= b \end{align*}",
        r"\begin{gather} a \end{gather}",
        r"\begin{multline} a \end{multline}",
        r"\begin{eqnarray} a &=& b \end{eqnarray}",
        r"\begin{eqnarray*} a &=& b \end{eqnarray*}",
    ],
)
def test_displayed_formulae(display):
    """In the middle of a sentence, a display takes the sentence; between two, or after a colon, nothing."""
    assert texts(f"Before it. We obtain {display} where $E$ is energy. After it.") == ["Before it. After it."]
    assert texts(f"The law reads: {display} It is famous.") == ["The law reads: It is famous."]


def test_references_and_citations_leave_no_holes():
    """`see ,` or `as shown in Figure ,` must not happen: the sentence goes; a citation in parentheses goes
    alone and the punctuation it leaves is tidied."""
    source = (
        r"This is known \cite{a}. It was shown before~\cite{a,b}, twice \citep{c}; and (\cite{d}) again. "
        r"See \cite{e} for more. As in~\cite{f}, it fails. \citet{g} showed it. Figure~\ref{f} shows it. "
        r"Eq.~\eqref{e} holds. On page~\pageref{p} too. In Section~\autoref{s} and \cref{t}. End."
    )
    assert texts(source) == ["This is known. It was shown before, twice; and again. End."]


def test_formatting_keeps_its_text_and_settings_go():
    source = (
        r"\noindent\emph{One} \textbf{two} \textit{three} \texttt{fo--ur} \underline{five} \mbox{six} "
        r"\textsc{seven} {\bf eight} \textcolor{red}{nine} \href{http://x.org/a%20b}{ten} \vspace{1em} "
        r"\hspace*{2pt}eleven\index{eleven} \url{https://x.org/a_b} \foreignlanguage{french}{douze}."
    )
    assert texts(source) == ["One two three fo--ur five six seven eight nine ten eleven https://x.org/a_b douze."]


def test_lists_figures_tables_and_pictures():
    source = r"""Intro text.
\begin{itemize}
  \item First item.
  \item[--] Second item.
\end{itemize}
\begin{description}
  \item[Term] its meaning.
\end{description}
\begin{figure*}[h]
  \begin{tikzpicture} \node {no text}; \end{tikzpicture}
  \caption[Short]{The long caption.}
\end{figure*}
\begin{table}
  \caption{Results.}
  \begin{tabular}{|l|c|}
    \hline \multicolumn{2}{c}{Header} \\ \hline
    a & \textbf{b} \\
  \end{tabular}
\end{table}
\begin{tabbing} a \= b \\ \end{tabbing}
Outro text.
"""
    assert texts(source) == [
        "Intro text.", "First item.", "Second item.", "Term its meaning.", "The long caption.", "Results.",
        "Header", "a", "b", "Outro text.",
    ]  # fmt: skip


def test_definitions_of_the_document_are_used():
    source = r"""\newcommand{\ours}{OurNet}
\newcommand*{\twice}[1]{#1 and #1}
\newcommand{\greet}[2][Hello]{#1, #2!}
\def\etal{et al.}
\DeclareMathOperator{\Var}{Var}
\NewDocumentCommand{\name}{m}{\textsc{#1}}
\newtheorem{thm}{Theorem}
\newenvironment{note}{\par\textbf{Note.}}{\par}
\ours\ works. \twice{Again}. \greet{World} \greet[Hi]{you} Smith \etal{} wrote $\Var x$ for \name{Ada}.
\begin{thm}[Main] Every $n$ works.\end{thm}
\begin{note} A note here.\end{note}
"""
    assert texts(source) == [
        "OurNet works. Again and Again. Hello, World! Hi, you! Smith et al. wrote Var x for Ada.",
        "Every n works.",
        "A note here.",
    ]


def test_files_are_not_input():
    """A corpus file is read alone: `\\input` and `\\include` read nothing (no path of the source's choosing
    is opened)."""
    assert texts("Before.\n\\input{/etc/passwd}\n\\include{chapter1}\n\\input chapter2\nAfter.") == ["Before. After."]


def test_commands_defined_elsewhere():
    """A command from a class or package this reader does not know: its argument is kept where the
    paragraph has text of its own; without an argument, inside a sentence, the sentence goes."""
    source = (
        "Use the \\pkg{amsmath} package.\n\n\\pkg{alone}\n\nAt start. Then \\mymacro{} is here. Also \\foo\\ here. End."
    )
    assert texts(source) == ["Use the amsmath package.", "At start. End."]


def test_hostile_sources_are_read_in_linear_time():
    """Sources made to cost time: each at most a second (a reading in quadratic time takes minutes)."""
    n = 30_000
    cases = {
        "{" * n: [],
        "}" * n + "\n\nAfter.": ["After."],
        "\\emph{" * n + "deep" + "}" * n: ["deep"],
        "\\section{" * n + "deep": ["deep"],
        "$" * n + "\n\nAfter.": ["After."],
        "\\verb+" * n: [],
        "\\def\\a{\\a\\a}\\a Done.": ["Done."],
        "\\begin{foo}" * n + "x": ["x"],
        "\\begin{verbatim}" + "x $ y\n" * n: [],
        "Word " + "$\\int$ " * n + "end.": [],
        "\\iffalse " + "text " * n: [],
    }
    for source, expected in cases.items():
        start = time.process_time()
        assert texts(source) == expected, source[:40]
        assert time.process_time() - start < 1, source[:40]


def test_a_source_over_the_limit_is_a_clear_error(monkeypatch):
    from synthocr.planner import latex_text

    monkeypatch.setattr(latex_text, "MAX_LATEX_CHARS", 1000)
    with pytest.raises(UserError, match="t.tex holds more than"):
        texts("word " * 300)


# Through the CLI ---------------------------------------------------------------------------------------------


def _plan(cli, root: Path, corpus_file: str, extra: dict | None = None, total: int = 60):
    return plan_corpus(cli, root, corpus_file, {"min_text_length": 1, "max_text_length": 200, **(extra or {})}, total)


_corpus = write_corpus


@pytest.mark.parametrize("name", ["paper.tex", "paper.ltx", "paper.tex.gz"])
def test_plan_draws_a_tex_files_prose(cli, tmp_path, name):
    data = PAPER.encode()
    _corpus(tmp_path, name, gzip.compress(data, mtime=0) if name.endswith(".gz") else data)
    code, err, frame = _plan(cli, tmp_path, name, total=120)
    assert code == 0, err
    assert set(frame.text) == set(PAPER_TEXTS)
    assert not frame.text.str.contains(r"[\\{}$]").any()


def test_a_tex_file_not_in_utf8_is_an_error_or_read_as_its_corpus_encoding(cli, tmp_path):
    _corpus(tmp_path, "latin1.tex", "\\section{Caf\u00e9}\nDer B\u00e4r schl\u00e4ft.\n".encode("latin-1"))
    code, err, _ = _plan(cli, tmp_path, "latin1.tex")
    assert code == 2 and "latin1.tex" in err and "corpus_encoding" in err and "Traceback" not in err
    code, err, frame = _plan(cli, tmp_path, "latin1.tex", {"corpus_encoding": "latin-1"})
    assert code == 0, err
    assert set(frame.text) == {"Café", "Der Bär schläft."}


def test_a_tex_file_with_no_prose_is_a_clear_error(cli, tmp_path):
    _corpus(tmp_path, "braces.tex", b"{{{{{{{{")
    code, err, _ = _plan(cli, tmp_path, "braces.tex")
    assert code == 2 and "braces.tex is a LaTeX file with no prose of its own" in err and "Traceback" not in err
    _corpus(tmp_path, "main.tex", rb"\documentclass{book}\begin{document}\include{ch1}\input{ch2}\end{document}")
    code, err, _ = _plan(cli, tmp_path, "main.tex")
    assert code == 2 and "main.tex is a LaTeX file with no prose" in err and "\\input and \\include are not read" in err


def test_a_compressed_tex_file_extracted_as_text_before_is_read_again(cli, tmp_path):
    """Before LaTeX was read as such, a `.tex.gz` was extracted to its lines, cached by the file's content:
    that extraction must not be reused."""
    import hashlib

    from synthocr.planner import corpus_formats

    data = gzip.compress(PAPER.encode(), mtime=0)
    _corpus(tmp_path, "old.tex.gz", data)
    sha1 = hashlib.sha1(data).hexdigest()
    before = str(int(corpus_formats._FORMAT_VERSION) - 1).encode()
    old_key = hashlib.sha1(b"\0".join((before, sha1.encode(), b""))).hexdigest()
    (tmp_path / "cache" / "corpus").mkdir(parents=True)
    (tmp_path / "cache" / "corpus" / f"{old_key}.txt").write_text("\\section{Introduction}\n", encoding="utf-8")
    code, err, frame = _plan(cli, tmp_path, "old.tex.gz", total=120)
    assert code == 0, err
    assert set(frame.text) == set(PAPER_TEXTS)
