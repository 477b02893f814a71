"""What each config field means: the text of the config reference tables (docs/config.md).

The names, types and defaults come from the dataclasses in schemas/config.py; this module only says what each
field is for. `python docs/generate.py` writes the tables, and tests/test_docs.py fails when a field of the
dataclasses has no entry here (or an entry names no field). Keys name one field or several (`"min_words, max_words"`)
sharing a row; `<param>_min, <param>_max` and `<effect>_probability` stand for the generated range fields. The
texts are Markdown, with links relative to docs/.
"""

from __future__ import annotations

# Top-level fields of BatchConfig, in the order of the table.
CONFIG_FIELD_DOCS: dict[str, str] = {
    "total_images": "number of plan rows (1 … 10⁹), split among the specifications",
    "seed": "seed of every random choice (≥ 0)",
    "font_dir": (
        "folder searched recursively for `.ttf`/`.otf` fonts, `.ttc`/`.otc` collections and `.woff`/`.woff2` web "
        "fonts (with the `webfonts` extra). Empty means the fonts shipped with the package."
    ),
    "corpus_dir": "folder of UTF-8 text files (or UTF-16/32 with a byte-order mark), one text per line. Empty means the corpus shipped with the package.",
    "background_dir": (
        "folder of background images (`.png .jpg .jpeg .jpe .jfif .webp .bmp .tif .tiff .gif .avif`; a "
        "GIF's first frame; AVIF where Pillow has its decoder). Empty means procedural "
        "backgrounds only. It is the background source named `default`."
    ),
    "background_dirs": (
        "more background sources, `name: folder` (`{scans: /data/scans, photos: /data/photos}`). Each "
        "specification weights the sources with `background_dir_weights`. The plan records image files "
        "relative to the deepest folder holding every source, so `background_file` starts with the source's "
        "sub-path."
    ),
    "color_mode": "`RGB`, or `L` (greyscale images)",
    "max_image_pixels": "width x height of one image (1 … 4·10⁷). A specification whose ranges give larger "
    "images is refused when planning; a plan row over it fails alone when rendering. A worker needs about 90 "
    "bytes per pixel. See [Reliability](reliability.md).",
    "specifications": "list of specifications (below), at most 256. Names must be unique.",
}

# Fields of BatchSpecification, in the order of the table.
SPEC_FIELD_DOCS: dict[str, str] = {
    "name": "name, stored in the plan's `spec` column",
    "proportion": (
        "relative share of `total_images` (≥ 0). Shares are exact (largest remainder) and interleaved, so "
        "every prefix of the plan has close to the configured mix."
    ),
    "text_direction": (
        "`ltr`, `rtl` (paragraph direction; mixed runs such as digits inside Arabic follow the Unicode bidi "
        "algorithm), `ttb` (vertical, top to bottom, every letter upright), `ttb-mixed` (vertical, runs of "
        "horizontal scripts such as Latin and the digits among them turned sideways, as Chinese and Japanese books "
        "set them; Han, kana and Hangul upright; Arabic and Hebrew turned too, joined, reading bottom up) or `auto` (per text, `rtl` when its first strong letter "
        "is right-to-left, else `ltr`, as Unicode's bidi rules P2-P3 and HTML's `dir=auto`: for a corpus that "
        "mixes scripts)"
    ),
    "corpus_file": (
        "glob relative to the corpus dir, matched from the right like `pathlib`'s `match` (so `latin.txt` "
        "also matches `sub/latin.txt`; letter case counts: a file it leaves out only for its case, `NOTES.TXT` for "
        "`*.txt`, is named in a warning, and `*.[tT][xX][tT]` takes both); or an absolute path, or one starting "
        "with `~` (`/data/mytext.txt`, "
        "`~/texts/*.txt`), read where it lies whatever the corpus dir, and named in the plan by its absolute path"
    ),
    "corpus_column": (
        "for a tabular corpus file (`.csv`, `.tsv`, `.jsonl`/`.ndjson`, `.json`, `.parquet`, `.xlsx` with the `excel` "
        "extra, `.ods`, whose sheets' header rows name it): the column (JSON key) "
        "that holds the texts, one per row; the other columns are ignored, empty cells and nulls left out, and "
        "a line break inside a text becomes a space. A CSV's separator is read from its header (comma, "
        "semicolon or tab). A compressed file (`.gz`, `.bz2`, `.xz`, `.zst` with the `zstd` extra: "
        "`corpus.txt.gz`, `pile.jsonl.zst`) is read decompressed. A web page (`.html`, `.htm`, `.xhtml`) gives "
        "the text a browser shows, one text per block, and so does Markdown (`.md`, with the `markdown` extra); a book or document (`.epub`, `.docx`, `.odt`, `.rtf`, `.pptx`, `.odp`) its "
        "paragraphs, a PDF (`.pdf`, with the `pdf` extra) the lines of its pages; subtitles (`.srt`, `.vtt`, "
        "`.ass`, `.ssa`) their lines: these need no column. Extracted once, then cached by the file's "
        "content (see "
        "[Your own data](text-sources.md#tables))."
    ),
    "corpus_encoding": (
        "the encoding the specification's text corpus files are written in, as Python names it (`cp1252`, "
        "`cp1251`, `iso-8859-2`, `shift_jis` or Windows' `cp932`, `euc-kr`, `gb18030`, `big5`): each file is converted once into UTF-8 "
        "in the corpus cache and read from there. Empty means UTF-8 (UTF-16 or UTF-32 where a byte-order mark "
        "says so); a file that starts with a byte-order mark is read as it says whatever this is. Text, tables "
        "(CSV, JSON), web pages, Markdown and subtitles, compressed or not; binary formats (Parquet, PDF, "
        "Office, EPUB) say their own encoding. A byte that is not text in the encoding is an error naming its "
        "offset."
    ),
    "text_source": (
        "where texts come from (see [Your own data](text-sources.md)): `window` (a window of running text cut"
        " from the corpus, running on from one line into the next), `lines` (one whole corpus line per text),"
        " `words` (words from a word list), `chars` (random strings from a charset) or `template` (fields "
        "filled by Faker). The retired `corpus_mode` is still read: `running` means `window`, `lines` means "
        "`lines` (with a warning)."
    ),
    "min_words, max_words": "`words`: the number of words per text, drawn uniformly from `min_words..max_words` (1 … 100)",
    "charset": (
        '`chars`: the characters to draw from, inline (`"0123456789€$.,-"`; each grapheme cluster is one '
        "character, a space in it is drawn too). Empty means: read the charset from the `corpus_file` files "
        "(one character per line, optionally `<TAB>weight`; a line of several characters adds each of them)."
    ),
    "charset_weights": (
        '`chars`: relative weight of characters (`{"§": 5}`); characters not named weigh 1 (or their weight '
        "in the charset file)"
    ),
    "templates": (
        '`template`: name → template text, such as `{invoice: "Rechnung {invoice_number} vom {date:%d.%m.%Y} '
        '{amount:EUR}"}`. The fields are listed in [Your own data](text-sources.md).'
    ),
    "template_weights": "`template`: relative weight of each template (names not given weigh 1)",
    "template_locale": (
        "`template`: the Faker locale (`de_DE`, `fr_FR`, `ar_AA`, …) of the fields; amounts and named date "
        "formats follow it too"
    ),
    "text_direction_weights": (
        "relative weight of each direction (`{ltr: 3, ttb: 1}`, or `{auto: 3, ttb: 1}`), drawn per image. "
        "Empty means always `text_direction`."
    ),
    "combine_upright_digits": (
        "tate-chu-yoko (縦中横, CSS `text-combine-upright: digits N`): in vertical rows (`ttb`, `ttb-mixed`), "
        "each run of at most this many ASCII digits 0-9 stands upright, its digits side by side left to right in the "
        "em square of one character (12月7日, 第23章, 2026年), compressed to the em with the font's half-, third- or "
        "quarter-width forms (`hwid`, `twid`, `qwid`) where HarfBuzz applies them, else narrowed; the column moves "
        "on by one em. 0 to 4; 0 is off. A run stays as the column sets it (a digit per em, or turned with a word "
        "in `ttb-mixed`) when a neighbour holds it to a longer word or number: a letter of a script written "
        "sideways (A4, 4K), another digit or number (full-width ０, ², Arabic-Indic), a combining mark or format "
        "character, or `.` `,` `:` `/` with a digit beyond it (3.14, 1,000, 12:30, 12/7); and in `ttb-mixed`, when "
        "it is turned with the word of a horizontal script before it (iPhone 15). Full-width digits are not "
        "combined (they stand upright one to an em), nor digits in a column of Mongolian or Phags-pa. In the label "
        "each digit keeps its own box, its share of the em square. Stored per row in the plan's "
        "`combine_upright_digits` column."
    ),
    "combine_upright_digits_probability": (
        "share of the vertical rows (0 to 1) that combine their digits (`combine_upright_digits`); the others "
        "(and every horizontal row) have 0 in the plan's `combine_upright_digits` column and stack one digit per "
        "em. Drawn from a random stream of its own: turning combining on changes no other column of the plan."
    ),
    "text_case_weights": (
        "relative weight of each way of casing a row's text before it is drawn, drawn per image: `as_is` (as "
        "the source has it), `upper` (ALL CAPITALS, as headings and signs are printed), `lower`, `title` (Each "
        "Word Capitalised: its first cased letter in title case, the rest small). `{as_is: 8, upper: 1, title: 1}`"
        " gives a tenth of the lines in capitals. Fonts are chosen for the cased text (a capital ẞ or Ǳ the font "
        "lacks sends the row to another font). Texts of scripts without case (Arabic, Hebrew, CJK) are drawn "
        "unchanged. Empty means `as_is` for every row. Stored in the plan's `text_case` column; the `text` "
        "column and the label hold the cased text."
    ),
    "language": (
        "the texts' language as a BCP 47 tag (`zh-Hans`, `zh-Hant`, `ja`, `ko`, `sr`, `fa`), given to HarfBuzz "
        "so the font draws that language's forms of shared characters (its `locl` feature): Simplified Chinese "
        "forms from Noto Sans CJK, whose first face is Japanese; Serbian б. Empty means none: the font's default "
        "forms. Stored in the plan's `language` column."
    ),
    "background_dir_weights": (
        "relative weight of each background source for the `image` kind (`{default: 1, photos: 3}`). Empty "
        "means equal weights. Sources whose images all failed to decode get no rows."
    ),
    "ink_color_weights": (
        "relative weight of each ink colour mode ([Colour and contrast](backgrounds.md#colour-and-contrast))."
        " A mapping you give replaces the default."
    ),
    "background_color_weights": (
        "relative weight of each background palette (the colour of procedural backgrounds; light ink always "
        "gets `dark`)"
    ),
    "min_contrast": (
        "least WCAG contrast ratio (1 … 21) of the ink over the background under the line ([Colour and "
        "contrast](backgrounds.md#colour-and-contrast))"
    ),
    "min_char_height": (
        "[readability guard](effects.md#readability-guard): the least share (0 … 1) of its undistorted height"
        " and width a character keeps under a perspective warp"
    ),
    "degradation_budget": (
        "[readability guard](effects.md#readability-guard): what blur, motion blur, downscaling, JPEG and "
        "noise may cost together (1 = one line's worth of unreadable)"
    ),
    "unicode_normalization": (
        "`NFC`, `NFD`, `NFKC` or `NFKD`: every drawn text of the specification (not a request file's) is put "
        "in that Unicode form before its font is chosen, so one letter has one spelling in the labels: `NFC` "
        "composes `e` + U+0301 into `é` (text from macOS or PDFs is often decomposed); `NFKC` also turns "
        "compatibility characters into plain ones (the ligature `ﬁ` into `fi`, full-width `Ａ` into `A`, `²` "
        "into `2`). Empty (the default) keeps each text as its source has it; `plan` warns when a corpus holds "
        "text not in NFC, or presentation forms (ﬁ, Arabic joined forms such as ﺍﻟﻌﺮﺑﻴﺔ, as PDF text extraction "
        "gives them; NFKC turns them into letters). Lengths are measured before."
    ),
    "font_filter": (
        'a glob, or a list of globs, relative to the font dir, matched the same way (`"DejaVuSerif*"`, '
        '`["Noto*Arabic*", "DejaVuSans.ttf"]`). A font matching any of them may be used. A file\'s name as '
        "written matches too, brackets and all (Google Fonts' `Roboto[wdth,wght].ttf`, where `[wdth,wght]` as "
        "a glob is one letter). A glob of a list that matches no font is a warning; a filter that matches none "
        "is an error."
    ),
    "font_exclude": (
        'globs of fonts never used by this specification, even if `font_filter` matches them (`["*Naskh*", "*Mono*"]`)'
    ),
    "font_weights": (
        'relative weight of fonts, glob → weight (`{"Noto*": 3, "*Bold*": 0.5}`); a font takes the weight of '
        "the first glob that matches it, in the order written, and fonts no glob matches weigh 1. Empty means"
        " every eligible font is equally likely."
    ),
    "font_instances": (
        "named instances of variable fonts (`Light`, `Bold Italic`) and faces of font collections (`.ttc`, `.otc`: "
        '`Noto Sans CJK SC`) to draw in, as globs over their names (`["*"]` for every one; '
        '`["Light", "Regular", "*Bold"]`): each row of such a font is drawn in one matching instance or '
        "face, chosen uniformly. Rows of other fonts, or of a font none of whose instances match, use the "
        "font's default instance (a collection's first face), as they do when this is empty. The names are "
        "in `synthocr fonts` and the `instances` column of `synthocr plan --font-report`. Stored in the "
        "plan's `font_instance` column."
    ),
    "fallback_fonts": (
        "globs of fonts, in order of preference, that draw the characters a row's font lacks, as browsers "
        'and word processors do (`["NotoSans-Regular.ttf", "NotoSansSymbols*"]`; the fonts one glob matches '
        "in name order). Each character (grapheme cluster) is drawn by the row's font when it covers it, else "
        "by the first fallback font that does: an Arabic or Hebrew corpus's Latin words, digits and brackets "
        "in an Arabic or Hebrew font that lacks them, a symbol in a Latin font. A row's font is then chosen "
        "among those that draw its text with that help and every letter of its main script (the script most "
        "of its letters are in) by themselves, so such lines are no longer left out. The fonts a "
        "row needs are stored in the plan's `fallback_fonts` column (`|`-separated; empty for most rows), "
        "each drawn at the row's font size in its default instance. A glob that matches no font is an error."
    ),
    "min_text_length, max_text_length": (
        "text length in characters (`max_text_length` ≤ 1000). `window`: a window of text is cut from a "
        "random corpus line, at word boundaries (punctuation set off by a space, French `allez-vous ?` and "
        "`« oui »` or Hindi `है ।`, stays with its word: no window starts with `?` or `»` or right after `«`, "
        "nor ends with `«` or right before `?`); in Thai, Lao, Khmer and Burmese, which put no space between "
        "words, at the words ICU's line breaker finds with its dictionaries (as browsers wrap such lines; "
        "at the ZERO WIDTH SPACEs where the text marks its word breaks); between grapheme clusters, from "
        "anywhere in the line, in Chinese and Japanese and inside a "
        "word longer than `max_text_length`, never between a Thai or Lao vowel and its consonant (a text does "
        "not start with ะ า ำ or end with เ แ โ ใ ไ), nor before a Burmese syllable's final consonant (န်), "
        "nor before a repetition mark, full stop or paiyannoi (ๆ ៗ ។ ။ ฯ), "
        "nor inside a Tibetan syllable (cuts follow its tsheg or shad); Chinese and Japanese windows keep "
        "their line-break rules (none starts with a closing bracket or punctuation, a small kana, ー or 々, "
        "none ends with an opening bracket), and the Latin words and numbers in such text stay whole; it can run on into the following lines. `lines`: lines of other lengths are skipped. "
        "`chars`: the string length. `words` and `template` do not use them (a `{line}` field does)."
    ),
    "background_weights": (
        "relative weight of each background kind. A mapping you give **replaces** the default, so kinds you "
        "leave out get weight 0. `image` only counts when the background sources hold images; if nothing else"
        " is left, `paper` is used."
    ),
    "<param>_min, <param>_max": (
        "one range for each parameter below and each parameter of each effect ([Effects](effects.md)). A "
        "value is drawn uniformly for each image: for integers from `min..max` inclusive, for decimals from "
        "`[min, max)`. Setting `min == max` gives a fixed value."
    ),
    "<effect>_probability": (
        "for each effect (named by its first parameter, its strength): the share of images the effect is "
        "applied to, 0 … 1. The other images get the neutral value in every column of the effect, so "
        "`(plan.blur_radius > 0).mean()` shows the share. The mild effects that are on by default apply to "
        "part of the rows (a default batch holds clean images as well as degraded ones); every other effect "
        "defaults to 1. **A specification that sets an effect's strength `_min` or `_max` and no "
        "`_probability` gets probability 1**: a range you ask for applies to every image of that "
        "specification."
    ),
}
