"""Window cuts against ICU's line breaker (make line-breaks): where our text windows start and end, per script.

A window is a text cut from a corpus line; a recognizer learns from it what a printed line looks like, so it
should start and end where a printed line can break. ICU's LineBreaker (UAX #14 with ICU's tailorings and,
for Thai, Lao, Khmer and Burmese, its word dictionaries) is the reference: for every window cut_text gives
of one line (lengths 4 to 20 at 80 start points), whether its start is a break opportunity and its end is one
(past the spaces after it). The planner asks ICU where Thai, Lao, Khmer and Burmese words are
(planner/line_breaks.py), so for those the table checks that it is asked and heeded; for the other scripts
it checks our own rules against ICU's.

ICU comes from the `icu4py` wheel, a dependency of synthocr. Usage:

    python bench/line_breaks.py [--out build/line_breaks.md]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from report import write_report
from synthocr.planner.corpus import CorpusReader, cut_text, index_corpus_file

# (ICU locale, a line written for the occasion: each holds the cases the window rules are about).
LINES = [
    ("ja", "東京タワーは、東京都港区芝公園にある総合電波塔である。「日本電波塔」とも呼ばれる。"
     "しょっちゅう人々が訪れ、ちょっとした観光名所になっている。Wi-Fiは無料、高さは333メートルです。"),
    ("zh", "北京是中华人民共和国的首都，也是全国的政治、文化中心。“长城”是世界著名的古迹（之一）。"
     "我们使用iPhone 15拍摄，价格是5999元。"),
    ("fr", "Il m'a dit : « Bonjour ! Comment allez-vous ? » Puis il est parti ; je ne l'ai plus revu . "
     "Quelle histoire !"),
    ("hi", "यह मेरा घर है । मैं यहाँ रहता हूँ । क्या आप आएँगे ? हाँ , ज़रूर ॥"),
    ("ar", "مرحبا ، كيف حالك ؟ أنا بخير ؛ شكرا لك . هذا يوم جميل ، أليس كذلك ؟"),
    ("th", "ฉันไปกรุงเทพฯ เมื่อวานนี้ และซื้อของต่างๆ มากมาย เด็กๆ ชอบเล่นกันสนุกสนาน"),
    ("km", "ខ្ញុំទៅផ្សារ។ គាត់ញ៉ាំបាយរួចហើយ។ ក្មេងៗលេងសប្បាយណាស់៕"),
    ("my", "မြန်မာနိုင်ငံသည် အရှေ့တောင်အာရှတွင် တည်ရှိသည်။ ကျွန်တော်တို့၊ မင်္ဂလာပါ။ ရန်ကုန်မြို့တွင် နေထိုင်ကြသည်။"),
]  # fmt: skip


def windows(line: str, folder: Path) -> set[str]:
    """Every window cut_text gives of `line`: lengths 4 to 20 at 80 start points."""
    path = folder / "line.txt"
    path.write_text(line + "\n", encoding="utf-8")
    reader = CorpusReader([index_corpus_file(path, path.name)])
    try:
        return {
            cut_text(reader, 0, 0, length, start, 4, 20, running=False)
            for length in range(4, 21)
            for start in np.linspace(0, 0.99, 80)
        }
    finally:
        reader.close()


def off_breaks(line: str, texts: set[str], breaks: set[int]) -> list[str]:
    """The windows that start, or end (past the spaces after them), where ICU has no line break."""

    def end_ok(j: int) -> bool:
        while j < len(line) and line[j] == " ":
            j += 1
        return j in breaks

    return sorted(t for t in texts if (i := line.find(t)) < 0 or i not in breaks or not end_ok(i + len(t)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="build/line_breaks.md")
    args = parser.parse_args(argv)
    from icu4py.breakers import LineBreaker

    rows = ["| locale | windows | off ICU's line breaks | share | e.g. |", "|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for locale, line in LINES:
            breaks = {start for start, _ in LineBreaker(line, locale).segments()} | {len(line)}
            texts = windows(line, Path(tmp))
            bad = off_breaks(line, texts, breaks)
            example = ", ".join(f"`{t}`" for t in bad[:2]) or "—"
            rows.append(f"| {locale} | {len(texts)} | {len(bad)} | {len(bad) / len(texts):.0%} | {example} |")
    return write_report("# Window cuts against ICU's line breaker\n\n" + "\n".join(rows) + "\n", args.out)


if __name__ == "__main__":
    sys.exit(main())
