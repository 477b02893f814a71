"""Writes the .ppt decks beside this file for tests/test_ppt_text.py, and prints how their texts agree with
the decks they were made from and with LibreOffice's own reading of them.

Needs LibreOffice (7.4 wrote the committed decks) and pandoc (2.17); the tests need neither. Run from the
repository root: `python tests/data/ppt/make_fixtures.py`. talk.ppt: pandoc writes a .pptx from Markdown
(a title slide, bullets, a table, speaker notes; Polish, Greek, Russian, Hebrew, Japanese, Korean and Hindi
text) and LibreOffice converts it to .ppt; its titles are placeholders. boxes.ppt: LibreOffice converts a
flat OpenDocument presentation (text boxes, a line break, a table, Arabic, Chinese, Devanagari and Czech
text, notes, a hidden slide). LibreOffice puts a preview bitmap of some 440 KB into every file's
SummaryInformation stream; each deck is repacked with only its Current User and PowerPoint Document streams,
which hold all that is read. Agreement is measured against the .pptx each deck came from (pandoc's, or
LibreOffice's export of the .fodp) and against LibreOffice's .pptx of the .ppt, both read by `pptx_texts`.

`python tests/data/ppt/make_fixtures.py --survey FILE.md ...` writes nothing: it has pandoc make a deck of
each Markdown file (and of talk.ppt's source and of MULTI: Chinese, Japanese, Hindi, Thai, Arabic and
Vietnamese text), LibreOffice convert it to .ppt and back to .pptx, and prints how many of the texts of the
pandoc deck and of LibreOffice's reading the .ppt gives, in order (difflib's matching blocks). The figures
in docs/text-sources.md: `--survey docs/*.md README.md src/synthocr/assets/corpus/*.txt`.
"""

from __future__ import annotations

import difflib
import subprocess
import sys
import tempfile
from pathlib import Path

import olefile

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent.parent))  # tests/: compound_file
from compound_file import compound_file  # noqa: E402
from synthocr.planner.document_text import pptx_texts  # noqa: E402
from synthocr.planner.ppt_text import ppt_texts  # noqa: E402

TALK = """---
title: Annual meeting
author: Jane Doe
---

# Opening

- Welcome to the meeting
- Agenda for today
    - Budget review

::: notes
Remember to thank the sponsors.
:::

# Numbers

| Region | Total |
|--------|-------|
| North  | 1,204 |
| South  | 987   |

# Języki świata

Ελληνικά κείμενα και русский текст.

שלום עולם

# 日本語のスライド

- 東京は日本の首都です。
- 한국어 문장입니다.
- हिन्दी में वाक्य।
"""
MULTI = """# 中文

- 我们今天讨论预算。
- 第二季度的销售额增长了百分之十二。

# 日本語

吾輩は猫である。名前はまだ無い。

# हिन्दी

- भारत एक विशाल देश है।
- यहाँ अनेक भाषाएँ बोली जाती हैं।

# ไทย

ภาษาไทยเป็นภาษาราชการของประเทศไทย

# العربية

| المدينة | السكان |
|---|---|
| القاهرة | ٢٠ مليون |

# Tiếng Việt

Tôi yêu tiếng Việt của tôi.
"""
_NS = " ".join(
    f'xmlns:{p}="urn:oasis:names:tc:opendocument:xmlns:{u}"'
    for p, u in [("office", "office:1.0"), ("style", "style:1.0"), ("text", "text:1.0"), ("draw", "drawing:1.0"),
                 ("presentation", "presentation:1.0"), ("svg", "svg-compatible:1.0"), ("table", "table:1.0")]
)  # fmt: skip


def _box(y: int, body: str, attrs: str = "") -> str:
    frame = f'<draw:frame {attrs} svg:x="2cm" svg:y="{y}cm" svg:width="20cm" svg:height="3cm">'
    return f"{frame}<draw:text-box>{body}</draw:text-box></draw:frame>"


_TABLE = (
    '<draw:frame svg:x="2cm" svg:y="5cm" svg:width="20cm" svg:height="6cm"><table:table><table:table-column/>'
    "<table:table-column/>"
    + "".join(
        f"<table:table-row><table:table-cell><text:p>{a}</text:p></table:table-cell><table:table-cell><text:p>{b}"
        "</text:p></table:table-cell></table:table-row>"
        for a, b in [("Region", "Total"), ("North", "1,204")]
    )
    + "</table:table></draw:frame>"
)
_PAGES = [
    ("", _box(1, "<text:p>Quarterly review</text:p>")
     + _box(5, "<text:list><text:list-item><text:p>Sales rose by 12%</text:p></text:list-item><text:list-item>"
               "<text:p>Costs fell<text:line-break/>in every region</text:p></text:list-item></text:list>")
     + '<presentation:notes>' + _box(15, "<text:p>Say hello to the board.</text:p>", 'presentation:class="notes"')
     + "</presentation:notes>"),
    ("", _box(1, "<text:p>Plain ASCII box text</text:p>") + _TABLE),
    ('draw:style-name="hidden"', _box(1, "<text:p>Hidden slide text</text:p>")),
    ("", _box(1, "<text:p>مرحبا بالعالم</text:p>")
     + _box(5, "<text:p>你好，世界。東京</text:p><text:p>नमस्ते दुनिया</text:p>"
               "<text:p>Příliš žluťoučký kůň – “quoted” €3</text:p>")),
]  # fmt: skip
BOXES = (
    f'<?xml version="1.0" encoding="UTF-8"?><office:document {_NS} office:version="1.3" '
    'office:mimetype="application/vnd.oasis.opendocument.presentation"><office:automatic-styles>'
    '<style:style style:name="hidden" style:family="drawing-page"><style:drawing-page-properties '
    'presentation:visibility="hidden"/></style:style></office:automatic-styles><office:master-styles>'
    '<style:master-page style:name="Default"/></office:master-styles><office:body><office:presentation>'
    + "".join(f'<draw:page draw:name="p{i}" draw:master-page-name="Default" {a}>{p}</draw:page>'
              for i, (a, p) in enumerate(_PAGES))
    + "</office:presentation></office:body></office:document>"
)  # fmt: skip


def _convert(source: Path, to: str) -> Path:
    subprocess.run(["soffice", "--headless", "--convert-to", to, "--outdir", str(source.parent), str(source)],
                   check=True, capture_output=True)  # fmt: skip
    return source.with_suffix(f".{to}")


def _texts(read, path: Path) -> list[str]:
    with path.open("rb") as fh:
        return list(read(fh, path.name))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "talk.md").write_text(TALK, encoding="utf-8")
        subprocess.run(["pandoc", str(work / "talk.md"), "-o", str(work / "talk.pptx")], check=True)
        (work / "boxes.fodp").write_text(BOXES, encoding="utf-8")
        sources = {"talk": work / "talk.pptx", "boxes": _convert(work / "boxes.fodp", "pptx")}
        for name, source in sources.items():
            ppt = _convert(source, "ppt")
            with olefile.OleFileIO(str(ppt)) as ole:
                streams = {s: ole.openstream(s).read() for s in ("Current User", "PowerPoint Document")}
            out = HERE / f"{name}.ppt"
            out.write_bytes(compound_file(streams))
            ours = _texts(ppt_texts, out)
            again = work / f"{name}-again"
            again.mkdir()
            (again / f"{name}.ppt").write_bytes(ppt.read_bytes())
            for what, texts in [("its source .pptx", _texts(pptx_texts, source)),
                                ("LibreOffice's reading", _texts(pptx_texts, _convert(again / f"{name}.ppt", "pptx")))]:  # fmt: skip
                same = sum(a == b for a, b in zip(ours, texts, strict=False))
                print(f"{out.name} ({out.stat().st_size} bytes): {same} of {len(texts)} texts of {what} in order, "
                      f"{len(ours)} read{'' if ours == texts else ': ' + repr((ours, texts))}")  # fmt: skip


def survey(sources: list[Path]) -> None:
    totals = [0, 0, 0, 0, 0]  # our texts; the pandoc deck's and how many agree; LibreOffice's and how many agree
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in (("talk.md", TALK), ("multi.md", MULTI)):  # and the decks of two texts of this script
            (Path(tmp) / name).write_text(text, encoding="utf-8")
            sources.append(Path(tmp) / name)
        for i, source in enumerate(sources):
            work = Path(tmp) / str(i)
            (work / "again").mkdir(parents=True)
            pptx = work / "deck.pptx"
            made = subprocess.run(["pandoc", "-f", "markdown", str(source), "-o", str(pptx)], capture_output=True)
            if made.returncode:  # a missing image
                print(f"{source}: pandoc cannot make a deck of it ({made.stderr.decode().strip()})")
                continue
            ppt = _convert(pptx, "ppt")
            (work / "again" / "deck.ppt").write_bytes(ppt.read_bytes())
            ours = _texts(ppt_texts, ppt)
            row = [len(ours)]
            for texts in (_texts(pptx_texts, pptx), _texts(pptx_texts, _convert(work / "again" / "deck.ppt", "pptx"))):
                blocks = difflib.SequenceMatcher(None, ours, texts, autojunk=False).get_matching_blocks()
                row += [len(texts), sum(b.size for b in blocks)]
            totals = [t + r for t, r in zip(totals, row, strict=True)]
            print(f"{source}: {row[0]} texts; pandoc's deck {row[2]} of {row[1]}; LibreOffice's {row[4]} of {row[3]}")
    print(
        f"all: {totals[0]} texts; pandoc's decks {totals[2]} of {totals[1]}; LibreOffice's {totals[4]} of {totals[3]}"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--survey"]:
        survey([Path(a) for a in sys.argv[2:]])
    else:
        main()
