"""What a corpus's encoding gets wrong, warned about at plan time from a sample of its lines: text not in
Unicode NFC, presentation forms (ﬁ, Arabic joined forms from PDF text extraction), Arabic in visual order,
Burmese in the Zawgyi encoding, HTML or wiki markup in a text file. Each would be drawn, and labelled, as
no reader of the script types it."""

from __future__ import annotations

import logging
import unicodedata
from typing import Any

import regex

log = logging.getLogger(__name__)


def encoding_warnings(spec: Any, texts: list[str], where: str) -> None:
    """Every warning of this module for the texts `texts` a specification draws from (`where` names them)."""
    _normalization_warning(spec, texts, where)
    _zawgyi_warning(spec, texts, where)
    _markup_warning(spec, texts, where)


# Presentation forms: the ligatures ﬁ ﬂ and Arabic letters in their joined forms (ﺍﻟﻌﺮﺑﻴﺔ), which PDF text
# extraction gives for what a reader types as f i and ا ل ع ر ب ي ة. NFKC gives the letters.
_PRESENTATION_FORMS = regex.compile("[\ufb00-\ufb4f\ufb50-\ufdff\ufe70-\ufefc]")


def _visual_order(texts: list[str]) -> bool:
    """Whether Arabic words in presentation forms mostly start with a final form or end with an initial one,
    which no word in logical order does: text in visual order (reversed), as PDF extraction gives it."""
    reversed_words = logical = 0
    for text in texts:
        for word in _FORM_WORD.findall(text):
            first, last = unicodedata.name(word[0], ""), unicodedata.name(word[-1], "")
            reversed_words += "FINAL FORM" in first or "INITIAL FORM" in last
            logical += "INITIAL FORM" in first or "FINAL FORM" in last
    return reversed_words > 2 * logical and reversed_words >= 3


_FORM_WORD = regex.compile("[\ufe70-\ufefc]{2,}")


def _normalization_warning(spec: Any, texts: list[str], where: str) -> None:
    """Warn when texts a specification draws from are not in Unicode NFC, or hold presentation forms, and it sets
    no unicode_normalization: their labels keep that spelling, so one letter (é, ف) has two across a dataset."""
    if spec.unicode_normalization:
        return
    forms = [m.group() for t in texts if (m := _PRESENTATION_FORMS.search(t))]
    if forms and _visual_order(texts):
        log.warning(
            "specification %r: the Arabic presentation forms in %s are in visual order, as PDF text extraction "
            "often gives them: their words start with final forms and end with initial ones. Read as text, "
            "every word is reversed, in the image and in the label; extract the text again in logical order "
            "(`pdftotext` without -raw, or a tool that gives Unicode letters).",
            spec.name,
            where,
        )
    elif forms:
        example = forms[0]
        log.warning(
            "specification %r: %d of %d texts looked at in %s hold presentation forms (%r U+%04X, as PDF text "
            "extraction gives them for %r): labels keep them, though a reader types the letters. Set "
            "unicode_normalization: NFKC to turn them into letters.",
            spec.name,
            len(forms),
            len(texts),
            where,
            example,
            ord(example),
            unicodedata.normalize("NFKC", example),
        )
    odd = [t for t in texts if not unicodedata.is_normalized("NFC", t)]
    if not odd:
        return
    example = next(c for t in odd for c in regex.findall(r"\X", t) if not unicodedata.is_normalized("NFC", c))
    log.warning(
        "specification %r: %d of %d texts looked at in %s are not in Unicode NFC (%r written as %s, as text "
        "from macOS or PDFs often is): labels keep that spelling, so the same letter is written two ways across "
        "the data. Set unicode_normalization: NFC to compose them (NFKC also turns ligatures such as ﬁ into fi).",
        spec.name,
        len(odd),
        len(texts),
        where,
        unicodedata.normalize("NFC", example),
        " + ".join(f"U+{ord(c):04X}" for c in example),
    )


# Burmese typed in the Zawgyi encoding (most Burmese web text until 2019, and much still): its code points
# are in visual order and reuse Unicode's for other signs. Three patterns no Unicode Burmese has: the vowel
# sign ေ (U+1031) typed before its consonant, the medial ျ (U+103B, Zawgyi's ra) before its consonant, and
# U+1039 ending a syllable (Zawgyi's killer sign; Unicode's is U+103A, and U+1039 stacks the consonant after it).
_MY_CONSONANT = "\u1000-\u102a\u103f\u104e\u1050-\u1055\u105a-\u105d\u1061\u1065\u1066\u106e-\u1070\u1075-\u1081\u108e"
_MY_MEDIAL = "\u103b-\u103e\u105e-\u1060\u1082"
_ZAWGYI = regex.compile(
    rf"(?<![{_MY_CONSONANT}{_MY_MEDIAL}])\u1031|(?<![{_MY_CONSONANT}])\u103B|\u1039(?![\u1000-\u1021])"
)
_MYANMAR = regex.compile("[\u1000-\u109f]")


def zawgyi(text: str) -> bool:
    """Whether `text` has a pattern of Burmese typed in the Zawgyi encoding (_ZAWGYI)."""
    return _ZAWGYI.search(text) is not None


def _zawgyi_warning(spec: Any, texts: list[str], where: str) -> None:
    """Warn when a fifth or more of the Burmese texts looked at (and at least 3) are in the Zawgyi encoding.

    On 2,655 Unicode Burmese lines (the Burmese translations of Debian's GTK, PAM and iso-codes) the patterns
    match 2, both lines cut inside a word (ောက်); on the same lines converted to Zawgyi by python-myanmar,
    2,324 (88%), where Google's myanmar-tools gives 2,563 a Zawgyi probability over 0.95."""
    burmese = [t for t in texts if _MYANMAR.search(t)]
    zawgyi = [m for t in burmese if (m := _ZAWGYI.search(t))]
    if len(zawgyi) < 3 or len(zawgyi) < 0.2 * len(burmese):
        return
    m = zawgyi[0]
    example = m.string[max(0, m.start() - 3) : m.end() + 3]
    log.warning(
        "specification %r: %d of %d Burmese texts looked at in %s look typed in the Zawgyi encoding, not "
        "Unicode (%r: U+%04X where Unicode Burmese never has it, typed in Zawgyi's visual order or as its "
        "killer sign). Unicode fonts draw such text with misplaced vowel signs, dotted circles and lost killer "
        "signs, and the labels are not Unicode Burmese. Convert the corpus to Unicode first (ICU's Zawgyi-my "
        "transform, Rabbit, or python-myanmar; Google's myanmar-tools tells Zawgyi lines apart).",
        spec.name,
        len(zawgyi),
        len(burmese),
        where,
        example,
        ord(m.group()),
    )


# Markup a text file may hold, drawn as text: HTML tags and entities (a page saved as .txt, scraped text not
# stripped), wikitext (a Wikipedia dump's article source: [[links]], {{templates}}, '''bold'''), Markdown
# (# headings, **bold**, [links](url), ``` fences) and LaTeX (\section, \emph, \begin).
_MARKUP = {
    "HTML": regex.compile(
        r"</?(?:p|div|span|br|a|b|i|em|strong|td|tr|th|li|ul|ol|h[1-6]|html|body|head|img|script|style|table)"
        r"(?:\s[^<>]*)?/?>|&(?:amp|lt|gt|quot|apos|nbsp|#[0-9]{2,6}|#x[0-9a-fA-F]{2,5});",
        regex.IGNORECASE,
    ),
    "wiki": regex.compile(r"\[\[[^\[\]]+\]\]|\{\{[^{}]+(?:\}\}|\|)|'''[^']+'''"),
    "Markdown": regex.compile(r"^#{1,6} \S+|^```|\*\*[^*\s][^*]*\*\*|!?\[[^\[\]]+\]\((?:https?://|/|#|\.)[^()\s]*\)"),
    "LaTeX": regex.compile(r"\\(?:section|subsection|chapter|textbf|textit|emph|begin|end|cite|ref|label|item)\b"),
    # Aozora Bunko's plain-text notation: a reading in double angle brackets after its kanji (漢字《かんじ》,
    # ｜ marking where the word starts) and editor's notes (［＃「…」に傍点］), printed as ruby and styles.
    "Aozora Bunko": regex.compile(r"[\p{Han}々〆ヶ]《[\p{Hiragana}\p{Katakana}ー]+》|［＃[^］]*］"),
}
_MARKUP_HELP = {
    "HTML": "name the file .html (or .htm) to read the page's text as a browser shows it, or strip the markup",
    "wiki": "give the wiki's XML dump itself (such as enwiki-latest-pages-articles.xml.bz2), whose articles' text "
    "is read as a reader sees it, or take the text out with a wikitext extractor (WikiExtractor)",
    "Markdown": "name the file .md to read the text its rendered page shows",
    "LaTeX": "name the file .tex to read the prose of the typeset document",
    "Aozora Bunko": "remove the readings, markers and notes first (`sed -E 's/《[^》]*》//g; s/［＃[^］]*］//g; "
    "s/｜//g' FILE.txt`), which a page prints as ruby, not as text",
}


def _markup_warning(spec: Any, texts: list[str], where: str) -> None:
    """Warn when a tenth or more of the texts looked at (and at least 3) hold one kind of markup: it would be
    drawn, and labelled, as text (`<p>The museum`, `[[Paris|the capital]]`, `**Note:**`)."""
    for kind, pattern in _MARKUP.items():
        found = [m.group() for t in texts if (m := pattern.search(t))]
        if len(found) >= 3 and len(found) >= 0.1 * len(texts):
            log.warning(
                "specification %r: %d of %d texts looked at in %s hold %s markup (%r), which would be drawn as "
                "text; %s.",
                spec.name,
                len(found),
                len(texts),
                where,
                kind,
                found[0],
                _MARKUP_HELP[kind],
            )
