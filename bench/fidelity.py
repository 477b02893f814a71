"""Fidelity report (make fidelity): our text lines against the same texts drawn whole by Pillow, per script.

Two measures, written as Markdown to --out (build/fidelity.md):

1. Shaping parity. Every text is laid out by our renderer (effects off) and drawn whole by
   Pillow's ImageDraw.text with raqm, same font and size: the ink IoU after aligning within one
   pixel, the share of lines with the very same pixels, and whether the label holds one entry
   per grapheme cluster, each with ink.
2. An independent reader. Where tesseract and its language data are installed, tesseract reads
   each line as `synthocr render` draws it (render_row, effects off, black on white) and the same
   text drawn whole by plain Pillow (the control); the character error rate of each reading
   against the text. A renderer that draws wrong letter forms reads worse than its control.

Scripts whose fonts are not installed (`make fonts`) are listed as skipped. Usage:

    python bench/fidelity.py [--out build/fidelity.md] [--lines 40]
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import platform
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import PIL
import regex
from PIL import Image, ImageDraw, ImageFont

from report import write_report
from synthocr.analysis.cer import levenshtein
from synthocr.analysis.parity import aligned_iou, label_problems, reference_mask
from synthocr.assets import BUILTIN_DIRS
from synthocr.config import config_from_dict
from synthocr.planner.plan import plan_batch
from synthocr.renderer.assets import RenderAssets
from synthocr.renderer.compose import render_row
from synthocr.renderer.layout import layout_line, layout_mask
from synthocr.renderer.limits import RowLimitError
from synthocr.renderer.shaping import FontFile, SizedFont
from synthocr.schemas.params import EFFECTS

BUILTIN = BUILTIN_DIRS["font"]
CORPUS = BUILTIN_DIRS["corpus"]
NOTO = Path("/usr/share/fonts/truetype/noto")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto")
PARITY_SIZES = (20, 28, 40)
OCR_SIZE = 36  # pixels: well inside the text heights tesseract reads best
IOU_BOUND = 0.97


@dataclass(frozen=True)
class Script:
    """One script: its direction, the fonts to draw it with, its texts, tesseract's language for it."""

    name: str
    direction: str
    fonts: tuple[Path, ...]
    corpus: str | None = None  # a built-in corpus file: every line is a text
    extra: tuple[str, ...] = ()  # hard cases
    tesseract: str | None = None


SCRIPTS = [
    Script(
        "Latin",
        "ltr",
        (BUILTIN / "DejaVuSans.ttf", BUILTIN / "DejaVuSerif.ttf", NOTO / "NotoSans-Regular.ttf"),
        "latin.txt",
        ("office ﬁne affluent", "re\u0301sume\u0301 noe\u0308l Ångström"),
        "eng",
    ),
    Script("Cyrillic", "ltr", (BUILTIN / "DejaVuSans.ttf", BUILTIN / "DejaVuSerif.ttf"), "cyrillic.txt"),
    Script("Greek", "ltr", (BUILTIN / "DejaVuSerif.ttf",), "greek.txt", ("Ἀθῆναι ά έ ή ί ό ύ ώ", "α\u0301 ὁδός")),
    Script(
        "Arabic",
        "rtl",
        (BUILTIN / "NotoNaskhArabic-Regular.ttf", BUILTIN / "DejaVuSans.ttf", NOTO / "NotoSansArabic-Regular.ttf"),
        "arabic.txt",
        (
            "دب ذب رب زب وب أب إب آب اب ؤب",
            "لا لأ لإ لآ الأطفال يلعبون",
            "كتـــاب جميـــل",
            "كَتَبَ الوَلَدُ الدَّرْسَ",
            "بسم الله الرحمن الرحيم",
        ),
        "ara",
    ),
    Script(
        "Hebrew",
        "rtl",
        (BUILTIN / "NotoSansHebrew-Regular.ttf", BUILTIN / "DejaVuSans.ttf"),
        "hebrew.txt",
        ("שָׁלוֹם עֲלֵיכֶם", "בְּרֵאשִׁית בָּרָא אֱלֹהִים"),
        "heb",
    ),
    Script(
        "Persian and Urdu",
        "rtl",
        (BUILTIN / "NotoNaskhArabic-Regular.ttf", NOTO / "NotoNastaliqUrdu-Regular.ttf"),
        None,
        ("می\u200cخواهم به خانه بروم", "پدر و مادر گچ و ژاله", "اردو ایک خوبصورت زبان ہے", "ٹوپی ڈاک گاڑی"),
    ),
    Script(
        "Devanagari",
        "ltr",
        (NOTO / "NotoSansDevanagari-Regular.ttf", NOTO / "NotoSerifDevanagari-Regular.ttf"),
        None,
        ("क्षत्रिय श्री द्वार", "हिन्दी भाषा प्रत्येक", "कृपया धर्म कर्म", "विद्यालय में स्वागत है"),
    ),
    Script(
        "Thai",
        "ltr",
        (NOTO / "NotoSansThai-Regular.ttf", NOTO / "NotoSerifThai-Regular.ttf"),
        None,
        ("ภาษาไทย น้ำ ที่นี่", "กรุงเทพมหานคร", "สวัสดีครับ ขอบคุณค่ะ"),
    ),
    # Scripts of Debian's Noto fonts beyond the ones above: a line or two each, joining, stacking, reordering.
    *(
        Script(name, direction, (NOTO / font,), None, texts)
        for name, direction, font, texts in (
            ("N'Ko", "rtl", "NotoSansNKo-Regular.ttf", ("ߒߞߏ ߞߊ߲ߜߍ ߓߊ߯ߙߊ",)),
            ("Adlam", "rtl", "NotoSansAdlam-Regular.ttf", ("𞤀𞤣𞤤𞤢𞤥 𞤆𞤵𞤤𞤢𞤪",)),
            ("Syriac", "rtl", "NotoSansSyriac-Regular.ttf", ("ܠܫܢܐ ܣܘܪܝܝܐ ܟܬܒܐ",)),
            ("Thaana", "rtl", "NotoSansThaana-Regular.ttf", ("ދިވެހި ބަސް",)),
            ("Bengali", "ltr", "NotoSansBengali-Regular.ttf", ("বাংলা ভাষা ক্ষমা কর্ম", "স্বাগতম রাষ্ট্র")),
            ("Gurmukhi", "ltr", "NotoSansGurmukhi-Regular.ttf", ("ਪੰਜਾਬੀ ਭਾਸ਼ਾ ਪ੍ਰੇਮ",)),
            ("Gujarati", "ltr", "NotoSansGujarati-Regular.ttf", ("ગુજરાતી ભાષા ક્ષમા",)),
            ("Oriya", "ltr", "NotoSansOriya-Regular.ttf", ("ଓଡ଼ିଆ ଭାଷା କ୍ଷମା",)),
            ("Tamil", "ltr", "NotoSansTamil-Regular.ttf", ("தமிழ் மொழி கொண்டு கௌ",)),
            ("Telugu", "ltr", "NotoSansTelugu-Regular.ttf", ("తెలుగు భాష క్ష్మ",)),
            ("Kannada", "ltr", "NotoSansKannada-Regular.ttf", ("ಕನ್ನಡ ಭಾಷೆ ಕ್ಷಮೆ",)),
            ("Malayalam", "ltr", "NotoSansMalayalam-Regular.ttf", ("മലയാളം ഭാഷ ക്ഷമ",)),
            ("Sinhala", "ltr", "NotoSansSinhala-Regular.ttf", ("සිංහල භාෂාව ශ්‍රී ලංකා",)),
            ("Khmer", "ltr", "NotoSansKhmer-Regular.ttf", ("ភាសាខ្មែរ ក្មេងៗ ស្ត្រី",)),
            ("Myanmar", "ltr", "NotoSansMyanmar-Regular.ttf", ("မြန်မာဘာသာ ကျွန်တော် မင်္ဂလာ",)),
            ("Lao", "ltr", "NotoSansLao-Regular.ttf", ("ພາສາລາວ ນ້ຳ ເຂົ້າ",)),
            ("Tibetan", "ltr", "NotoSerifTibetan-Regular.ttf", ("བོད་ཡིག་ སྒྲུབ་ བསྒྲིགས་",)),
            ("Javanese", "ltr", "NotoSansJavanese-Regular.ttf", ("ꦧꦱꦗꦮ ꦲꦏ꧀ꦱꦫ",)),
            ("Balinese", "ltr", "NotoSansBalinese-Regular.ttf", ("ᬩᬲᬩᬮᬶ ᬅᬓ᭄ᬱᬭ",)),
            ("Ethiopic", "ltr", "NotoSansEthiopic-Regular.ttf", ("አማርኛ ቋንቋ ፊደል",)),
            ("Georgian", "ltr", "NotoSansGeorgian-Regular.ttf", ("ქართული ენა",)),
            ("Armenian", "ltr", "NotoSansArmenian-Regular.ttf", ("Հայերեն լեզու",)),
            ("Tifinagh", "ltr", "NotoSansTifinagh-Regular.ttf", ("ⵜⴰⵎⴰⵣⵉⵖⵜ",)),
            ("Cherokee", "ltr", "NotoSansCherokee-Regular.ttf", ("ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ",)),
        )
    ),
    Script(
        "CJK, vertical",
        "ttb",
        (NOTO_CJK / "NotoSansCJK-Regular.ttc",),
        None,
        ("縦書き「テスト」、。", "日本語の文章です", "中文竖排（测试）"),
    ),
]


# --- shaping parity -------------------------------------------------------------


def texts_of(script: Script) -> list[str]:
    lines = []
    if script.corpus:
        lines = [s.strip() for s in (CORPUS / script.corpus).read_text(encoding="utf-8").splitlines() if s.strip()]
    return lines + list(script.extra)


@dataclass
class Parity:
    fonts: list[str] = field(default_factory=list)
    ious: list[float] = field(default_factory=list)
    same: int = 0
    labels: int = 0
    uncovered: int = 0  # (font, size, text) left out: the font lacks a character (the planner never pairs them)
    worst: tuple[float, str, str] = (1.0, "", "")


def parity(script: Script) -> Parity | None:
    fonts = [p for p in script.fonts if p.exists()]
    if not fonts:
        return None
    out = Parity(fonts=[p.name for p in fonts])
    for path in fonts:
        for size in PARITY_SIZES:
            sized = SizedFont(FontFile(str(path), path.name), size)
            for text in texts_of(script):
                try:
                    layout = layout_line(text, script.direction, sized, 0.0)
                except RowLimitError:  # a missing-glyph box on both sides would compare nothing
                    out.uncovered += 1
                    continue
                mask = layout_mask(layout)
                iou, same = aligned_iou(mask, reference_mask(path, size, text, script.direction))
                out.ious.append(iou)
                out.same += same
                out.labels += not label_problems(layout, mask)
                if iou < out.worst[0]:
                    out.worst = (iou, f"{path.name} {size}px", text)
    return out


# --- tesseract ------------------------------------------------------------------


def normalise(s: str) -> str:
    return " ".join(regex.sub(r"\p{Default_Ignorable_Code_Point}", "", s).split())


def tesseract(image: Image.Image, lang: str, folder: Path, name: str) -> str:
    path = folder / f"{name}.png"
    image.save(path)
    done = subprocess.run(
        ["tesseract", str(path), "stdout", "-l", lang, "--psm", "7"], capture_output=True, text=True, check=False
    )
    return done.stdout


@functools.cache
def _planned_row() -> tuple[tuple[str, Any], ...]:
    spec: dict[str, Any] = {"name": "fidelity", "corpus_file": "latin.txt", "background_weights": {"plain": 1.0}}
    spec.update({f"{e.name}_probability": 0.0 for e in EFFECTS})
    row = plan_batch(config_from_dict({"total_images": 1, "seed": 1, "specifications": [spec]})).to_pylist()[0]
    return tuple(row.items())


def template_row(rel: str, sha1: str, text: str, direction: str) -> dict[str, Any]:
    """A plan row that draws `text` black on white with every effect off: a row the planner made
    (so it has every column of this version's plan), with the text, font and look set here."""
    row = dict(_planned_row())
    row.update(
        text=text,
        text_direction=direction,
        font=rel,
        font_sha1=sha1,
        font_size=OCR_SIZE,
        padding_top=12,
        padding_right=16,
        padding_bottom=12,
        padding_left=16,
        ink_r=0,
        ink_g=0,
        ink_b=0,
        background_r=255,
        background_g=255,
        background_b=255,
        color_mode="L",
    )
    return row


def control_image(path: Path, text: str, direction: str) -> Image.Image:
    """The text drawn whole by plain Pillow (raqm layout), black on white, with the same padding."""
    font = ImageFont.truetype(str(path), OCR_SIZE, layout_engine=ImageFont.Layout.RAQM)
    x0, y0, x1, y1 = font.getbbox(text, direction=direction, anchor="ls")
    image = Image.new("L", (int(x1 - x0) + 32 + 1, int(y1 - y0) + 24 + 1), 255)
    ImageDraw.Draw(image).text((16 - x0, 12 - y0), text, fill=0, font=font, direction=direction, anchor="ls")
    return image


@dataclass
class Reading:
    fonts: list[str] = field(default_factory=list)
    lines: int = 0
    chars: int = 0
    ours: int = 0  # edits
    control: int = 0


def reading(script: Script, limit: int) -> Reading | None:
    if script.tesseract is None or shutil.which("tesseract") is None:
        return None
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False).stdout
    if script.tesseract not in langs.split():
        return None
    fonts = [p for p in script.fonts if p.exists()]
    texts = texts_of(script)[:limit]
    out = Reading(fonts=[p.name for p in fonts])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        font_dir = folder / "fonts"
        font_dir.mkdir()
        for p in fonts:
            shutil.copy(p, font_dir / p.name)
        assets = RenderAssets({"font": str(font_dir), "corpus": "", "background": ""})
        jobs = []
        for path in fonts:
            sha1 = hashlib.sha1(path.read_bytes()).hexdigest()
            for text in texts:
                try:
                    image, label = render_row(template_row(path.name, sha1, text, script.direction), assets)
                except RowLimitError:  # the font lacks a character: the planner never gives it this text
                    continue
                jobs.append((label.text, image, control_image(path, text, script.direction)))

        def read(k_job: tuple[int, tuple[str, Image.Image, Image.Image]]) -> tuple[str, str, str]:
            k, (text, ours, control) = k_job
            return (
                text,
                tesseract(ours, script.tesseract or "", folder, f"o{k}"),
                tesseract(control, script.tesseract or "", folder, f"c{k}"),
            )

        with ThreadPoolExecutor(2) as pool:
            for text, ours, control in pool.map(read, enumerate(jobs)):
                truth = normalise(text)
                out.lines += 1
                out.chars += len(truth)
                out.ours += levenshtein(truth, normalise(ours))
                out.control += levenshtein(truth, normalise(control))
    return out


# --- report ---------------------------------------------------------------------


def report(limit: int) -> str:
    lines = [
        "# Fidelity report",
        "",
        f"- Python {platform.python_version()}, Pillow {PIL.__version__}, "
        f"tesseract: {subprocess.run(['tesseract', '--version'], capture_output=True, text=True, check=False).stdout.splitlines()[0] if shutil.which('tesseract') else 'not installed'}",
        "",
        "## Shaping parity against Pillow/raqm drawing the whole string",
        "",
        f"Effects off, sizes {', '.join(map(str, PARITY_SIZES))} px, every text in every font listed. IoU: ink "
        "coverage, sum of minima over sum of maxima, after aligning within one pixel. Labels: one `chars` entry "
        "per grapheme cluster, together the text without whitespace, each with ink and at least 1 px². A text "
        "a font lacks a character of is left out for that font (the planner never gives it that font).",
        "",
        f"| script | fonts | lines | left out | mean IoU | min IoU | IoU ≥ {IOU_BOUND} | same pixels | labels ok | "
        "worst line |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for script in SCRIPTS:
        got = parity(script)
        if got is None:
            lines.append(f"| {script.name} | not installed: {', '.join(p.name for p in script.fonts)} | — ||||||||")
            continue
        n = len(got.ious)
        ok = sum(i >= IOU_BOUND for i in got.ious)
        worst = f"{got.worst[0]:.3f} {got.worst[1]} `{got.worst[2]}`" if got.worst[2] else "—"
        lines.append(
            f"| {script.name} | {', '.join(got.fonts)} | {n} | {got.uncovered} | {np.mean(got.ious):.4f} | "
            f"{min(got.ious):.4f} | "
            f"{ok}/{n} | {got.same}/{n} | {got.labels}/{n} | {worst} |"
        )
    lines += [
        "",
        "## Tesseract's reading: our lines against the same texts drawn whole by plain Pillow",
        "",
        f"Each text at {OCR_SIZE} px, black on white, effects off: ours as `synthocr render` draws it "
        "(render_row), the control drawn whole by Pillow's ImageDraw.text. CER: edit distance of tesseract's "
        "reading (`--psm 7`) from the text, over all characters (whitespace collapsed, default-ignorables "
        "left out).",
        "",
        "| script | language | fonts | lines | characters | CER ours | CER control | ours − control |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for script in SCRIPTS:
        if script.tesseract is None:
            continue
        got = reading(script, limit)
        if got is None:
            lines.append(
                f"| {script.name} | {script.tesseract} | tesseract or its `{script.tesseract}` data missing |||||"
            )
            continue
        ours, control = got.ours / got.chars, got.control / got.chars
        lines.append(
            f"| {script.name} | {script.tesseract} | {', '.join(got.fonts)} | {got.lines} | {got.chars} | "
            f"{ours:.4f} | {control:.4f} | {ours - control:+.4f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="build/fidelity.md")
    parser.add_argument("--lines", type=int, default=40, help="texts per script and font read by tesseract")
    args = parser.parse_args()
    return write_report(report(args.lines), args.out)


if __name__ == "__main__":
    sys.exit(main())
