"""What LaTeX commands and environments show, as tables (read by latex_text.py): characters, accents and
logos, which arguments of a command are text, and what an environment holds."""

from __future__ import annotations


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Accents: `\'e` is é. Each is a combining mark put after its letter, then composed (NFC).
ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307",
    "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "d": "\u0323", "b": "\u0331", "r": "\u030a",
    "k": "\u0328",
}  # fmt: skip

# Commands that are a letter: TeX drops the spaces after them (`stra\ss e` is `straße`).
LETTERS = {
    "ss": "ß", "SS": "SS", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ",
    "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ", "ng": "ŋ",
    "NG": "Ŋ", "dj": "đ", "DJ": "Đ",
}  # fmt: skip

# Control symbols (a backslash and one character that is not a letter).
CONTROL_SYMBOLS = {
    "&": "&", "%": "%", "$": "$", "#": "#", "_": "_", " ": " ", "\n": " ", "\t": " ",
    ",": " ", ";": " ", ":": " ", ">": " ", "!": "", "/": "", "-": "", "@": "", "|": "‖",
}  # fmt: skip

# Commands that are a character or a word. A space after a word (`\LaTeX is`) is kept, though TeX drops it:
# the author meant one, and `LaTeXis` is a typo no reader would copy.
WORDS = {
    "textdollar": "$", "textunderscore": "_", "textless": "<", "textgreater": ">", "textbar": "|", "textasciitilde": "~",
    "textasciicircum": "^", "textquotedbl": '"', "textquotesingle": "'", "textquoteleft": "‘",
    "textquoteright": "’", "textquotedblleft": "“", "textquotedblright": "”", "quotedblbase": "„",
    "quotesinglbase": "‚", "guillemotleft": "«", "guillemotright": "»", "guillemetleft": "«",
    "guillemetright": "»", "guilsinglleft": "‹", "guilsinglright": "›", "og": "«\u00a0", "fg": "\u00a0»",
    "glqq": "„", "grqq": "“", "glq": "‚", "grq": "‘", "flqq": "«", "frqq": "»", "flq": "‹", "frq": "›",
    "lq": "‘", "rq": "’", "textendash": "–", "textemdash": "—", "ldots": "…", "dots": "…",
    "textellipsis": "…", "slash": "/", "S": "§", "P": "¶", "textsection": "§", "textparagraph": "¶",
    "dag": "†", "ddag": "‡", "textdagger": "†", "textdaggerdbl": "‡", "copyright": "©",
    "textcopyright": "©", "textregistered": "®", "texttrademark": "™", "pounds": "£", "textsterling": "£",
    "texteuro": "€", "euro": "€", "EUR": "€", "textyen": "¥", "textcent": "¢", "textdegree": "°",
    "degree": "°", "textcelsius": "℃", "textbullet": "•", "textperiodcentered": "·", "textexclamdown": "¡",
    "textquestiondown": "¿", "textordfeminine": "ª", "textordmasculine": "º", "textmu": "µ",
    "textonehalf": "½", "textonequarter": "¼", "textthreequarters": "¾", "texttimes": "×", "textdiv": "÷",
    "textpm": "±", "textminus": "−", "textnumero": "№", "checkmark": "✓", "textasteriskcentered": "*",
    "textperthousand": "‰", "textlangle": "⟨", "textrangle": "⟩",
    "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2ε", "AmS": "AMS", "AMS": "AMS", "AmSTeX": "AMS-TeX",
    "AmSLaTeX": "AMS-LaTeX", "BibTeX": "BibTeX", "BibLaTeX": "BibLaTeX", "biber": "Biber", "XeTeX": "XeTeX",
    "XeLaTeX": "XeLaTeX", "LuaTeX": "LuaTeX", "LuaLaTeX": "LuaLaTeX", "pdfTeX": "pdfTeX",
    "pdfLaTeX": "pdfLaTeX", "ConTeXt": "ConTeXt", "eTeX": "ε-TeX", "MF": "METAFONT", "METAFONT": "METAFONT",
    "MP": "MetaPost", "METAPOST": "MetaPost", "SliTeX": "SliTeX", "PiCTeX": "PiCTeX", "PS": "PostScript",
    "plainTeX": "plain TeX", "KOMAScript": "KOMA-Script", "MiKTeX": "MiKTeX", "TikZ": "TikZ",
    "ie": "i.e.", "eg": "e.g.", "etal": "et al.", "etc": "etc.", "cf": "cf.", "vs": "vs.", "wrt": "w.r.t.",
    "zB": "z. B.", "bzw": "bzw.", "dh": "d. h.", "ua": "u. a.", "usw": "usw.", "ggf": "ggf.", "vgl": "vgl.",
    "mdash": "—", "ndash": "–", "textasciigrave": "`", "officialeuro": "€", "nodata": "…",
}  # fmt: skip
# Horizontal space: a space in the text.
SPACES = _names("quad qquad enspace thinspace enskip hfill hfil hss dotfill hrulefill space nobreakspace nbsp "
                "hspace hskip medspace thickspace")  # fmt: skip

# What a command's arguments are, one letter each: `s` a star, `o` an [optional argument] and `<` a beamer
# overlay (`<2->`), left out when there; `d` a {mandatory argument} left out, `k` one kept as text of the
# sentence, `t` one that is a text of its own (a heading, a caption, a footnote), `u` a URL (read as typed,
# kept); `+` any further {arguments} right after, left out (settings whose count varies).
_KEPT = ("emph textbf textit textsl textsc textrm textsf texttt textup textmd textnormal underline uline uuline "
         "uwave sout xout mbox hbox fbox text textsuperscript textsubscript enquote strong textsw textnf "
         "textcircled ul hl caps MakeUppercase MakeLowercase MakeTextUppercase MakeTextLowercase textls "
         "lowercase uppercase textbf* emphasize ensuremath")  # fmt: skip
_HEADINGS = "part chapter section subsection subsubsection paragraph subparagraph addchap addsec minisec"
_DROPPED = (
    "label index glossary nomenclature input include subfile includeonly bibliography bibliographystyle "
    "addbibresource pagestyle thispagestyle pagenumbering selectlanguage linespread phantom hphantom "
    "vphantom enlargethispage graphicspath geometry newgeometry theoremstyle newlength markright "
    "hypersetup sisetup lstset setkeys pgfplotsset tikzset usetikzlibrary usepgfplotslibrary usetheme "
    "usecolortheme usefonttheme useinnertheme useoutertheme logo titlegraphic includesvg missingfigure "
    "listoftodos PassOptionsToPackage PassOptionsToClass ProvidesPackage ProvidesFile NeedsTeXFormat "
    "AtBeginDocument AtEndDocument AtEndPreamble DeclareOption ExecuteOptions setmainfont setsansfont "
    "setmonofont setCJKmainfont setCJKsansfont setCJKmonofont fontspec defaultfontfeatures "
    "setdefaultlanguage setmainlanguage setotherlanguage setotherlanguages glsaddall hyphenation vadjust "
    "special citestyle setcitestyle bibpunct subjclass jel dedicatory copyrightyear acmYear acmDOI acmISBN "
    "acmConference acmBooktitle acmJournal acmVolume acmNumber acmArticle acmMonth acmPrice acmSubmissionID "
    "setcopyright headers runningtitle runningauthor shorttitle shortauthors titlerunning authorrunning "
    "tocauthor toctitle pacs preprint received accepted published revised orcid ead tnotetext fntext "
    "cortext affil institute address affiliation author date email dedication vspace vskip fontfamily "
    "fontseries fontshape fontencoding mathversion pdfbookmark bookmark markboth chaptermark sectionmark "
    "footnotemark thanks DeclareGraphicsExtensions numberwithin keywords? IEEEauthorblockN "
    "IEEEauthorblockA IEEEspecialpapernotice IEEEpubid IEEEaftertitletext icmltitle icmlauthor "
    "icmlaffiliation icmlcorrespondingauthor icmlkeywords icmlsetsymbol aclfinalcopy nipsfinalcopy "
    "iclrfinalcopy conference journal coverpage titlehead subject publishers uppertitleback "
    "lowertitleback extratitle frontispiece volume issue pages year month doi issn isbn copyrightnotice "
    "authornote authoraffiliation titlenote subtitlenote additionalaffiliation institution city country "
    "state postcode streetaddress department position collaboration homepage altaffiliation "
    "noaffiliation surname firstname givenname correspondingauthor"
)
COMMANDS: dict[str, str] = {
    **dict.fromkeys(_KEPT.split(), "<k"),
    **dict.fromkeys(_HEADINGS.split(), "sot"),
    **dict.fromkeys(_DROPPED.split(), "so+"),
    "makebox": "ook", "framebox": "ook", "parbox": "ooodk", "raisebox": "doo k", "colorbox": "odk",
    "textcolor": "odk", "fcolorbox": "oddk", "foreignlanguage": "odk", "texorpdfstring": "kd", "href": "odk",
    "hyperlink": "dk", "hypertarget": "dk", "hyperref": "ok", "multicolumn": "ddk", "multirow": "ododk",
    "url": "u", "nolinkurl": "u", "path": "u", "only": "<k", "uncover": "<k", "visible": "<k",
    "invisible": "<d", "alert": "<k", "structure": "<k", "textover": "k", "ensuremath": "k",
    "caption": "sot", "subcaption": "ot", "captionof": "sdot", "footnote": "ot", "footnotetext": "ot",
    "title": "ot", "subtitle": "ot", "frametitle": "<ot", "framesubtitle": "<t", "abstract": "t",
    "keywords": "t", "marginpar": "ot", "marginnote": "ot", "item": "<o", "bibitem": "od",
    "includegraphics": "sod", "includepdf": "od", "setlength": "dd", "addtolength": "dd",
    "settowidth": "dd", "settoheight": "dd", "settodepth": "dd", "setcounter": "dd", "addtocounter": "dd",
    "stepcounter": "d", "refstepcounter": "d", "newcounter": "do", "definecolor": "oddd", "colorlet": "odd",
    "color": "od", "fontsize": "dd", "usefont": "dddd", "usepackage": "od+", "RequirePackage": "od+",
    "documentclass": "od", "documentstyle": "od", "rule": "odd", "hspace": "sd", "cmidrule": "od",
    "cline": "d", "rowcolor": "od", "columncolor": "od", "cellcolor": "od", "rowcolors": "oddd",
    "arrayrulecolor": "od", "specialrule": "ddd", "addlinespace": "o", "addcontentsline": "ddd",
    "addtocontents": "dd", "todo": "od", "setlist": "od", "newlist": "ddd", "setitemize": "od",
    "setenumerate": "od", "captionsetup": "od", "newtheorem": "sdodo", "newacronym": "oddd",
    "newglossaryentry": "dd", "acrodef": "dod", "crefname": "ddd", "Crefname": "ddd", "crefformat": "dd",
    "lettrine": "odd", "ccsdesc": "od", "newsavebox": "d", "sbox": "dd", "savebox": "dood",
    "tag": "sd", "intertext": "d", "selectcolormodel": "d", "pgfdeclareimage": "odd", "vref": "d",
    "newfloat": "dddo", "floatname": "dd", "floatstyle": "d", "restylefloat": "d",
    "DeclareCaptionFormat": "dd", "DeclareCaptionLabelFormat": "dd", "setuptodonotes": "d",
    "setbeamertemplate": "dod", "setbeamercolor": "sdd", "setbeamerfont": "sdd", "setbeamersize": "d",
    "setbeamercovered": "d", "AtBeginSection": "od", "AtBeginSubsection": "od", "titleformat": "sdodddo",
    "titlespacing": "sdddd", "pretitle": "d", "posttitle": "d", "preauthor": "d", "postauthor": "d",
    "predate": "d", "postdate": "d", "fancyhead": "od", "fancyfoot": "od", "lhead": "od", "chead": "od",
    "rhead": "od", "lfoot": "od", "cfoot": "od", "rfoot": "od", "fancypagestyle": "dd",
    "renewcommand": "sdood", "newcommand": "sdood", "providecommand": "sdood",
    # AASTeX (astronomy journals): deluxetable's parts, figure grids, edit marks
    "tablecaption": "ot", "tablehead": "d", "tablenotetext": "dt", "tablecomments": "t", "tablerefs": "t",
    "colhead": "k", "tabletypesize": "d", "tablenum": "d", "plotone": "d", "plottwo": "dd", "gridline": "d",
    "submitjournal": "d", "added": "ok", "deleted": "od", "replaced": "okd", "software": "k",
    "facilities": "k", "facility": "k", "movetabledown": "d", "tablewidth": "d", "sindex": "od", "glsadd": "od",
}  # fmt: skip
COMMANDS.pop("keywords?")

# Commands that show nothing here: layout, vertical space, fonts and sizes, switches, hooks.
NOTHING = _names(
    "relax noindent indent centering raggedright raggedleft newpage clearpage cleardoublepage pagebreak "
    "nopagebreak linebreak nolinebreak allowbreak nobreak smallskip medskip bigskip smallbreak medbreak "
    "bigbreak vfill vfil maketitle tableofcontents listoffigures listoftables appendix frontmatter "
    "mainmatter backmatter printbibliography printindex printglossary printglossaries makeindex "
    "makeglossaries small footnotesize scriptsize tiny large Large LARGE huge Huge normalsize bf it em rm "
    "sf tt sc sl bfseries itshape mdseries upshape slshape scshape ttfamily rmfamily sffamily normalfont "
    "boldmath unboldmath selectfont protect leavevmode ignorespaces unskip strut hline toprule midrule "
    "bottomrule endfirsthead endhead endfoot endlastfoot makeatletter makeatother onecolumn twocolumn "
    "sloppy fussy flushbottom raggedbottom normalcolor null pause frenchspacing nonfrenchspacing "
    "displaystyle textstyle scriptstyle nocorr nolinenumbers linenumbers IEEEpeerreviewmaketitle "
    "IEEEoverridecommandlockouts IEEEdisplaynontitleabstractindextext IEEEtriggeratref endinput "
    "FloatBarrier balance justifying RaggedRight RaggedLeft Centering noalign filbreak goodbreak eject "
    "nointerlineskip offinterlineskip printacronyms glsresetall acresetall qedhere qed QED columnbreak "
    "newcolumn vfilneg nopunct fi else iftrue maketitlepage fancyhf hrule vrule hbadness vbadness "
    "global long outer expandafter noexpand nonumber notag hypersetup? raggedcolumns flushleft "
    "flushright center itemsep parsep topsep partopsep parskip parindent baselineskip tabcolsep "
    "arraystretch textwidth linewidth columnwidth textheight paperwidth hsize vsize small normalsize "
    "acknowledgments acknowledgements headerfont footerfont DoubleSpacing SingleSpacing OnehalfSpacing "
    "doublespacing singlespacing onehalfspacing clearpage? cleartooddpage tightlist sansmath unsansmath "
    "titlepage endtitlepage PreventPackageFromLoading plainbreak fancypagestyle? thepage? ps@plain "
    "thispdfpagelabel pdfoutput pdfminorversion inputencoding xspace nolinkurl? frontmatter@ "
    "smash stretch minus plus fil fill filll startdata enddata decimals decimalcolnumbers colnumbers "
    "rotate startlongtable twocolhead nocolhead turnoffediting"
)

# Citations and references: TeX prints a number or a name there, which this reader cannot know. A citation
# in parentheses goes (`as shown before~\cite{x}.`); where it is part of the sentence (`see \cite{x}`,
# `\citet{x} showed`) and for every reference (`Figure~\ref{f}`), the sentence goes.
CITATIONS = _names(
    "cite citep parencite autocite supercite citealp citenum smartcite cites parencites autocites citepalias"
)
QUIET_CITATIONS = _names("nocite footcite footcites footfullcite")
TEXTUAL_CITATIONS = _names(
    "citet citealt citeauthor citeyear citeyearpar citetitle textcite textcites Citet Citep Citeauthor "
    "Textcite Cite Parencite Autocite fullcite citeN citeA shortcite citetalias citeurl citefield onlinecite"
)
REFERENCES = _names(
    "ref eqref pageref autoref cref Cref crefrange Crefrange cpageref vref Vref nameref subref fref Fref "
    "vpageref labelcref today thepage Autoref pagerefrange vrefrange ac acs acl acf acp Ac Acl Acs Acf "
    "acsp aclp acfp gls Gls glspl Glspl GLS glsentrytext glsentrylong glsentryshort acrshort acrlong "
    "acrfull Acrlong Acrfull acused acsu aclu glsname glssymbol glsdesc"
)
# Words that need what follows them: a citation after one is part of the sentence (`in [3]`, `by [3]`).
FUNCTION_WORDS = _names(
    "in by of see cf cf. from and or to with following e.g. e.g., i.e. i.e., also as than like at on for via "
    "per unlike within into onto refer nor but is are was were be been the a an its their our "
    "his her these those this that from: see, and, ref. refs. ref reference references"
)

# Environments, by what they hold.
# Display formulae: left out (where the sentence around them runs on, it goes too).
MATH_ENVIRONMENTS = _names(
    "equation equation* align align* alignat alignat* flalign flalign* gather gather* multline multline* "
    "eqnarray eqnarray* displaymath dmath dmath* dgroup dgroup* darray darray* IEEEeqnarray IEEEeqnarray* "
    "IEEEeqnarraybox empheq xalignat xalignat* xxalignat numcases subnumcases tikzcd CD prooftree math "
    "dseries dseries* subeqnarray mathpar"
)
# Shown as they are typed (code, comments): not read as LaTeX at all, up to their \end.
CODE_ENVIRONMENTS = _names(
    "verbatim verbatim* Verbatim Verbatim* BVerbatim BVerbatim* LVerbatim LVerbatim* SaveVerbatim "
    "VerbatimOut VerbatimWrite lstlisting minted comment filecontents filecontents* Highlighting alltt "
    "tcblisting tcboutputlisting Sinput Soutput Scode Schunk pycode pyblock pyconsole pyverbatim sagecode "
    "sageblock sagesilent sageverbatim luacode luacode* asy asydef dot2tex gnuplot pythonq mcode "
    "spverbatim verbatimtab verbatimwrite boxedverbatim fverbatim lstlisting* dispExample dispExample* "
    "sourcecode LTXexample"
)
# Left out with all they hold: pictures, bibliographies, tabbing, algorithms' steps, title-page blocks.
DROPPED_ENVIRONMENTS = _names(
    "tikzpicture pgfpicture picture pspicture circuitikz forest axis semilogxaxis semilogyaxis loglogaxis "
    "polaraxis scope thebibliography references tabbing algorithmic algorithmicx pseudocode algpseudocode "
    "overpic dependency chemfig schemestart CCSXML tocentry graphicalabstract authorgrid IEEEbiography "
    "IEEEbiographynophoto thebibliography* bibliography tabbing* titlepage? frontmatter? dtx filecontents? "
    "psmatrix pgfonlayer xy xymatrix bytefield tikzfigure? sageplot asyinclude? titlingpage? tocbibind? "
    "lstinputlisting? minipage? axopicture qcircuit quantikz yquant yquant* circuit? chemscheme? "
    "chemmath? mol? algorithm2e? IEEEkeywords? acmauthors? ccs?"
)
DROPPED_ENVIRONMENTS = frozenset(n for n in DROPPED_ENVIRONMENTS if not n.endswith("?"))
# Floats: only their captions are texts.
FIGURE_ENVIRONMENTS = _names(
    "figure figure* wrapfigure SCfigure sidewaysfigure subfigure subfloat floatrow algorithm algorithm* "
    "algorithm2e listing listing* wrapfloat sidewaysalgorithm marginfigure widefigure figurehere "
    "sidewaysfloat"
)
# Tables: a text per cell.
TABLE_ENVIRONMENTS = _names(
    "tabular tabular* tabularx tabulary longtable longtable* supertabular xtabular tabu longtabu NiceTabular "
    "tblr longtblr talltblr deluxetable deluxetable* splitdeluxetable splitdeluxetable*"
)
LIST_ENVIRONMENTS = _names(
    "itemize enumerate description compactitem compactenum compactdesc list inparaenum asparaenum "
    "inparaitem asparaitem itemize* enumerate* description* enumerate asparadesc"
)
# Environments that change nothing but the look of what they hold, inside a paragraph.
INLINE_ENVIRONMENTS = _names(
    "small footnotesize scriptsize tiny large Large LARGE huge Huge normalsize bfseries itshape em "
    "sffamily ttfamily rmfamily scshape slshape otherlanguage* CJK CJK* color"
)
# Arguments after `\begin{name}`, as in COMMANDS (`t`: a title, a text of its own).
ENVIRONMENT_ARGUMENTS = {
    "tabular": "od", "tabular*": "dod", "tabularx": "dod", "tabulary": "dod", "longtable": "od",
    "longtable*": "od", "NiceTabular": "od", "tblr": "od", "longtblr": "ood", "talltblr": "ood",
    "supertabular": "od", "xtabular": "od", "tabu": "od", "longtabu": "od", "minipage": "oood",
    "multicols": "do", "multicols*": "do", "wrapfigure": "odod", "wrapfloat": "dodod", "subfigure": "od",
    "subtable": "od", "list": "dd", "otherlanguage": "d", "otherlanguage*": "d", "spacing": "d",
    "adjustbox": "d", "thebibliography": "d", "column": "od", "columns": "o", "frame": "<o<tt",
    "block": "<t<", "alertblock": "<t<", "exampleblock": "<t<", "figure": "o", "figure*": "o",
    "table": "o", "table*": "o", "tcolorbox": "o", "mdframed": "o", "itemize": "<o", "enumerate": "<o",
    "description": "<o", "sidewaysfigure": "o", "sidewaystable": "o", "SCfigure": "oo", "algorithm": "o",
    "listing": "o", "abstract": "o", "letter": "d", "textblock": "do", "textblock*": "do", "CJK": "odd",
    "CJK*": "odd", "color": "od", "minted": "od", "deluxetable": "od", "deluxetable*": "od",
    "splitdeluxetable": "od", "splitdeluxetable*": "od", "lstlisting": "o", "Verbatim": "o", "floatrow": "o",
}  # fmt: skip

# Formulae (latex_math.py): what a reader sees of the commands of a simple formula, by their class: an
# ordinary symbol, a binary operator, a relation, an opening or closing delimiter, punctuation.
GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ",
    "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς",
    "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
    "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "upmu": "μ", "micro": "µ", "umu": "μ",
    "varGamma": "Γ", "varDelta": "Δ", "varTheta": "Θ", "varLambda": "Λ", "varXi": "Ξ", "varPi": "Π",
    "varSigma": "Σ", "varUpsilon": "Υ", "varPhi": "Φ", "varPsi": "Ψ", "varOmega": "Ω", "upalpha": "α",
    "upbeta": "β", "upgamma": "γ", "updelta": "δ", "uppi": "π", "upphi": "ϕ", "upepsilon": "ϵ",
}  # fmt: skip
MATH_ORD = {
    **GREEK,
    "infty": "∞", "partial": "∂", "nabla": "∇", "emptyset": "∅", "varnothing": "∅", "forall": "∀",
    "exists": "∃", "nexists": "∄", "neg": "¬", "lnot": "¬", "ell": "ℓ", "hbar": "ℏ", "prime": "′",
    "angle": "∠", "triangle": "△", "top": "⊤", "bot": "⊥", "ldots": "…", "dots": "…", "cdots": "⋯",
    "dotsc": "…", "dotsb": "⋯", "aleph": "ℵ", "Re": "ℜ", "Im": "ℑ", "wp": "℘", "dagger": "†",
    "ddagger": "‡", "%": "%", "$": "$", "#": "#", "&": "&", "_": "_", "vert": "|", "|": "‖", "Vert": "‖",
    "degree": "°", "circ": "∘", "bullet": "•", "star": "⋆", "clubsuit": "♣", "diamondsuit": "♢",
    "heartsuit": "♡", "spadesuit": "♠", "sharp": "♯", "flat": "♭", "natural": "♮", "checkmark": "✓",
    "square": "□", "Box": "□", "blacksquare": "■", "surd": "√", "imath": "ı", "jmath": "ȷ", "S": "§",
    "P": "¶", "textdegree": "°", "vdots": "⋮", "ddots": "⋱", "dotsm": "⋯", "dotsi": "⋯", "dotso": "…",
    "upartial": "∂", "mho": "℧", "Finv": "Ⅎ", "complement": "∁", "backprime": "‵", "varkappa": "ϰ",
}  # fmt: skip
MATH_BIN = {
    "times": "×", "cdot": "·", "pm": "±", "mp": "∓", "div": "÷", "cup": "∪", "cap": "∩", "wedge": "∧",
    "land": "∧", "vee": "∨", "lor": "∨", "oplus": "⊕", "otimes": "⊗", "ominus": "⊖", "odot": "⊙",
    "setminus": "∖", "ast": "∗", "bmod": "mod", "uplus": "⊎", "sqcup": "⊔", "sqcap": "⊓", "amalg": "⨿",
}  # fmt: skip
MATH_REL = {
    "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼",
    "simeq": "≃", "equiv": "≡", "cong": "≅", "propto": "∝", "in": "∈", "notin": "∉", "ni": "∋",
    "subset": "⊂", "subseteq": "⊆", "supset": "⊃", "supseteq": "⊇", "subsetneq": "⊊", "to": "→",
    "rightarrow": "→", "leftarrow": "←", "gets": "←", "Rightarrow": "⇒", "Leftarrow": "⇐",
    "leftrightarrow": "↔", "Leftrightarrow": "⇔", "iff": "⟺", "implies": "⟹", "impliedby": "⟸",
    "mapsto": "↦", "longrightarrow": "⟶", "longmapsto": "⟼", "Longrightarrow": "⟹", "uparrow": "↑",
    "downarrow": "↓", "perp": "⊥", "parallel": "∥", "mid": "∣", "nmid": "∤", "ll": "≪", "gg": "≫",
    "lesssim": "≲", "gtrsim": "≳", "leqslant": "⩽", "geqslant": "⩾", "models": "⊨", "vdash": "⊢",
    "dashv": "⊣", "asymp": "≍", "doteq": "≐", "prec": "≺", "succ": "≻", "preceq": "⪯", "succeq": "⪰",
    "coloneqq": "≔", "coloneq": "≔", "triangleq": "≜", "hookrightarrow": "↪", "rightleftharpoons": "⇌",
    "nearrow": "↗", "searrow": "↘", "colon": ":",
}  # fmt: skip
MATH_OPEN = {"langle": "⟨", "lfloor": "⌊", "lceil": "⌈", "lbrack": "[", "lvert": "|", "lVert": "‖"}
MATH_CLOSE = {"rangle": "⟩", "rfloor": "⌋", "rceil": "⌉", "rbrack": "]", "rvert": "|", "rVert": "‖"}
MATH_FUNCTIONS = _names(
    "sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh coth log ln lg exp max min sup inf det dim "
    "ker deg gcd lcm arg Pr hom lim liminf limsup argmax argmin Tr tr rank diag sgn"
)
# Spacing in formulae: `\,` is thin; a reader sees one gap.
MATH_SPACES = {",": " ", ";": " ", ":": " ", ">": " ", " ": " ", "quad": " ", "qquad": " ", "!": "",
               "enspace": " ", "thinspace": " ", "medspace": " ", "thickspace": " ", "negthinspace": ""}  # fmt: skip
# Commands of a formula that change its look, not its text (`\left(` is `(`, `\mathrm{d}` is `d`).
MATH_IGNORED = _names(
    "left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr displaystyle "
    "textstyle scriptstyle limits nolimits nonumber notag mathstrut strut label"
)
MATH_STYLES = _names("mathrm mathit mathbf mathsf mathtt mathnormal boldsymbol bm pmb mathup mathbfit "
                     "operatorname")  # fmt: skip
# Double-struck capitals in the Basic Multilingual Plane (`\mathbb{R}` is ℝ); others are not simple.
DOUBLE_STRUCK = {"C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"}
SUPERSCRIPTS = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyzT",
                        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀ", strict=True))  # fmt: skip
SUBSCRIPTS = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
# Combining marks over one letter (`\hat{x}` is x̂).
MATH_ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "dot": "\u0307", "ddot": "\u0308",
                "vec": "\u20d7", "acute": "\u0301", "grave": "\u0300", "check": "\u030c", "breve": "\u0306"}  # fmt: skip
VULGAR_FRACTIONS = {("1", "2"): "½", ("1", "3"): "⅓", ("2", "3"): "⅔", ("1", "4"): "¼", ("3", "4"): "¾",
                    ("1", "8"): "⅛"}  # fmt: skip
