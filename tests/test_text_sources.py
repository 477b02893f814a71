"""Text sources through the CLI: whole lines, word lists, charsets, templates; small inputs; the window golden."""

from __future__ import annotations

import collections
import datetime
import hashlib
import itertools
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import copy_builtin_assets, plan_requests
from synthocr.config import load_config
from synthocr.errors import UserError
from synthocr.planner.corpus import join_words
from synthocr.planner.plan import plan_batch
from synthocr.planner.templates import TemplateFiller

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
LINES = [
    "Invoice 4471 paid in full",
    "  Rechnung   RE-2021-1205\tvom 3.4.2021  ",
    "Hi",
    "A line far longer than the forty characters that the spec allows at most",
    "",
    "   ",
    "Total: = $3,124.78",
    "Ünïcödé • line ok",
]


def _collapse(line: str) -> str:
    return " ".join(line.replace("\t", " ").split(" ")).strip() if line.strip() else ""


def _setup(tmp_path: Path, specs: list[dict], total: int = 400, **top) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "inv.txt").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    (corpus / "words.txt").write_text("Haus\nBaum\nStraße\nÄpfel\nzwölf\n\n", encoding="utf-8")
    config = {"total_images": total, "seed": 5, "corpus_dir": str(corpus), "specifications": specs, **top}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def _plan(cli, config: Path, *extra: str) -> tuple[pd.DataFrame, str, str]:
    out = config.parent / "plan.parquet"
    code, stdout, stderr = cli("plan", config, "-o", out, *extra)
    assert code == 0, stderr
    return pd.read_parquet(out), stdout, stderr


def test_lines_gives_only_whole_qualifying_lines(cli, tmp_path):
    config = _setup(tmp_path, [{"name": "l", "text_source": "lines", "corpus_file": "inv.txt"}])
    frame, out, _ = _plan(cli, config)
    wanted = {" ".join(x.split()) for x in LINES if 5 <= len(" ".join(x.split())) <= 40}
    assert wanted == {"Invoice 4471 paid in full", "Rechnung RE-2021-1205 vom 3.4.2021", "Total: = $3,124.78",
                      "Ünïcödé • line ok"}  # fmt: skip
    assert set(frame.text) == wanted  # every qualifying line drawn, nothing else (no cut lines)
    lines = (tmp_path / "corpus" / "inv.txt").read_text(encoding="utf-8").split("\n")
    nonempty = [x for x in lines if x]
    for text, line in zip(frame.text, frame.corpus_line):
        assert " ".join(nonempty[line].split()) == text  # the recorded line is the text's line
    assert "inv.txt: 4 of 7 lines qualify (5..40 characters" in out
    assert (frame.template == "").all()


def test_lines_that_cannot_qualify_are_an_error(cli, tmp_path):
    config = _setup(tmp_path, [{"name": "l", "text_source": "lines", "corpus_file": "inv.txt", "min_text_length": 90}])
    code, _, err = cli("plan", config, "-o", tmp_path / "p.parquet", "specifications.0.max_text_length=100")
    assert code == 2
    assert "'l'" in err and "inv.txt" in err and "90 to 100 characters" in err
    assert "the longest line has 72 characters" in err and "Traceback" not in err


def test_window_on_a_corpus_too_short_is_an_error(cli, tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "hi.txt").write_text("Hi\n", encoding="utf-8")
    config = _setup(tmp_path, [{"name": "w", "corpus_file": "hi.txt"}])
    code, _, err = cli("plan", config, "-o", tmp_path / "p.parquet")
    assert code == 2 and "hi.txt" in err and "min_text_length (5)" in err and "longest line has 2" in err


def test_few_distinct_texts_warn_with_both_numbers(cli, tmp_path, caplog):
    config = _setup(tmp_path, [{"name": "l", "text_source": "lines", "corpus_file": "inv.txt"}], total=50)
    _plan(cli, config)
    assert "'l': 50 rows but its qualifying lines can give only 4 distinct texts" in caplog.text


def test_words_come_from_the_list_in_the_asked_counts(cli, tmp_path):
    spec = {"name": "w", "text_source": "words", "corpus_file": "words.txt", "min_words": 2, "max_words": 4}
    frame, out, _ = _plan(cli, _setup(tmp_path, [spec], total=600))
    vocabulary = {"Haus", "Baum", "Straße", "Äpfel", "zwölf"}
    counts = frame.text.str.split(" ").map(len)
    assert frame.text.str.split(" ").map(lambda ws: set(ws) <= vocabulary).all()
    assert set(counts) == {2, 3, 4}
    assert "5 words from words.txt" in out


def test_words_of_scripts_without_spaces_are_joined_without():
    assert join_words(["東京", "大学"]) == "東京大学"
    assert join_words(["ภาษา", "ไทย"]) == "ภาษาไทย"
    assert join_words(["東京", "Tokyo"]) == "東京 Tokyo"


def test_windows_of_text_without_spaces_come_from_anywhere_and_keep_max_length(cli, tmp_path):
    """Text with no spaces (Chinese, Thai, Khmer), or a word longer than max_text_length, is cut between
    grapheme clusters from anywhere in the line, and max_text_length counts code points as for any text.
    Here each cluster is two code points (a letter and U+0301), as in Khmer or Devanagari conjuncts."""

    def line(k: int, n: int) -> str:
        letters = np.random.default_rng(k).integers(0, 26, n)
        return "".join(chr(ord("a") + int(i)) + "\u0301" for i in letters)

    lines = [line(0, 60), line(1, 60), "ok so " + line(2, 50), line(3, 45)]
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "nospace.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = _setup(tmp_path, [{"name": "w", "corpus_file": "nospace.txt", "max_text_length": 12}], total=200)
    frame, _, _ = _plan(cli, config)
    running = " ".join(lines)
    assert frame.text.str.len().between(5, 12).all(), frame.text[frame.text.str.len() > 12].tolist()
    for text in frame.text:
        assert text in running
        assert not text.startswith("\u0301") and (text.endswith("\u0301") or text.endswith("so"))  # whole clusters
    line_starts = sum(any(x.startswith(text) for x in lines) for text in frame.text)
    assert line_starts < 40 and frame.text.nunique() > 100  # not only the first clusters of each line


def test_windows_of_a_script_without_spaces_start_inside_short_lines(cli, tmp_path):
    """A line of Lao (or Chinese, Thai) is one "word" to a space-based cutter: windows were whole lines,
    never one that starts inside a line (3 lines gave 3 distinct texts, and the first line never came,
    as windows began at the first word after the start point). They are cut between grapheme clusters
    from the start point, as long as asked."""
    lines = ["ພາສາລາວເປັນພາສາທາງການຂອງປະເທດລາວ", "ນະຄອນຫຼວງວຽງຈັນແມ່ນເມືອງຫຼວງ", "ຂອບໃຈຫຼາຍໆສະບາຍດີບໍ່"]
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "lo.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = {"name": "lo", "corpus_file": "lo.txt", "font_filter": "DejaVuSans.ttf"}  # lines within max_text_length
    frame, _, _ = _plan(cli, _setup(tmp_path, [spec], total=200))
    assert frame.text.str.len().between(5, 40).all()
    assert frame.text.nunique() > 60
    inside = [t for t in frame.text if not any(x.startswith(t) for x in lines)]
    assert len(inside) > 100 and all(t in " ".join(lines + lines) for t in frame.text)  # running text wraps
    assert any(t in lines[0] for t in frame.text)


def test_windows_of_lao_and_thai_never_split_a_vowel_from_its_consonant(cli, tmp_path):
    """Thai and Lao write some vowels as letters of their own after their consonant (ະ າ ຳ), others before
    it (ເ ແ ໂ ໃ ໄ). Cut between any grapheme clusters, a window of 3000 Thai ones started with such a vowel
    279 times and ended with a vowel of the next syllable 234 times: texts no line of the script has."""
    lines = ["ພາສາລາວເປັນພາສາທາງການຂອງປະເທດລາວ", "ນະຄອນຫຼວງວຽງຈັນແມ່ນເມືອງຫຼວງ", "ຂອບໃຈຫຼາຍໆສະບາຍດີບໍ່ແລະໄປໂຮງຮຽນ"]
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "lo.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = {"name": "lo", "corpus_file": "lo.txt", "font_filter": "DejaVuSans.ttf", "max_text_length": 12}
    frame, _, _ = _plan(cli, _setup(tmp_path, [spec], total=400))
    assert frame.text.str.len().between(5, 12).all()
    assert not frame.text.str.match("[\u0eb0\u0eb2\u0eb3]").any(), frame.text[frame.text.str.match("[ະາຳ]")].tolist()
    assert not frame.text.str.contains("[\u0ec0-\u0ec4]$").any()
    assert frame.text.nunique() > 20  # whole words (test_thai_lao_khmer_and_burmese_windows_fall_at_words)


def _windows(tmp_path, line: str, max_len: int, starts: int) -> set[str]:
    """Every window cut_text gives of one line, for lengths 4 to `max_len` at `starts` start points."""
    from synthocr.planner.corpus import CorpusReader, cut_text, index_corpus_file

    path = tmp_path / "t.txt"
    path.write_text(line + "\n", encoding="utf-8")
    reader = CorpusReader([index_corpus_file(path, "t.txt")])
    try:
        return {cut_text(reader, 0, 0, length, start, 4, max_len, running=False)
                for length in range(4, max_len + 1) for start in np.linspace(0, 0.99, starts)}  # fmt: skip
    finally:
        reader.close()


@pytest.mark.parametrize(
    "line,ends",
    [
        ("ภาษาไทยเป็นภาษาราชการของประเทศไทย มีผู้พูดประมาณหกสิบล้านคน", None),
        ("བོད་ཡིག་ནི་བོད་ཀྱི་ཡི་གེ་ཡིན། བཀྲ་ཤིས་བདེ་ལེགས། ཁྱེད་རང་སྐུ་གཟུགས་བདེ་པོ་ཡིན་པས།", "་། "),
    ],
)
def test_cut_windows_fall_between_syllables(tmp_path, line, ends):
    """Thai (no fonts bundled for it) as the Lao above; Tibetan, whose words run longer than a window, is cut
    after a syllable's tsheg or shad, not inside a syllable (བཀྲ cut to བ | ཀྲ)."""
    texts = _windows(tmp_path, line, 14, 60)
    assert len(texts) > 30
    for text in texts:
        at = line.find(text)
        assert at >= 0 and 4 <= len(text) <= 14, text
        if ends is None:
            assert not text.startswith(("ะ", "า", "ำ")) and not text.endswith(("เ", "แ", "โ", "ใ", "ไ")), text
        else:
            assert at == 0 or line[at - 1] in ends, text
            assert at + len(text) == len(line) or text[-1] in ends or line[at + len(text)] in ends, text


def test_myanmar_windows_keep_a_syllables_final_consonant(tmp_path):
    """A Myanmar syllable ends in a consonant killed by the asat (ကျွန် is ကျွ + န်; kinzi, the killed nga of
    မင်္ဂလာ, sits over the next consonant). Cut between grapheme clusters, 375 of 2000 windows started with such
    a final (န်တော်တို့ for ကျွန်တော်တို့) and 380 ended right before one (...ကျွ): syllables no text has."""
    line = "မြန်မာနိုင်ငံသည် အရှေ့တောင်အာရှတွင် တည်ရှိသည်။ ကျွန်တော်တို့ မင်္ဂလာပါ ရန်ကုန်မြို့တွင် နေထိုင်ကြသည်။"
    texts = _windows(tmp_path, line, 20, 80)
    final = re.compile("[\u1000-\u1021][\u1037\u1038]*\u103a")  # a killed consonant
    assert len(texts) > 30
    for text in texts:
        at = line.find(text)
        assert at >= 0 and not final.match(text), text
        assert not final.match(line[at + len(text) :]), text


@pytest.mark.parametrize(
    "line",
    [
        "東京タワーは、東京都港区芝公園にある総合電波塔である。「日本電波塔」とも呼ばれる。しょっちゅう人々が訪れ、"
        "ちょっとした観光名所になっている。チョコレートやジュースを売っている店もある。",
        "北京是中华人民共和国的首都，也是全国的政治、文化中心。“长城”是世界著名的古迹（之一）。我们今天去看看吧！",
    ],
)
def test_chinese_and_japanese_windows_keep_the_line_break_rules(tmp_path, line):
    """No Chinese or Japanese line starts with a closing bracket or punctuation, a small kana, the long vowel
    mark or an iteration mark, or ends with an opening bracket (JIS X 4051, kinsoku). Cut between any
    characters, 452 of 2000 Japanese windows started with one (々が訪れ, ースを, 。チョコ) and 22 ended
    with 「; of Chinese ones 246 and 78."""
    texts = _windows(tmp_path, line, 16, 80)
    assert len(texts) > 100
    for text in texts:
        assert text in line and 4 <= len(text) <= 16, text
        assert text[0] not in "）」』】、。，・：；？！ーっゃゅょッャュョ々”", text
        assert text[-1] not in "（「『【“", text


@pytest.mark.parametrize(
    "line",
    [
        "ฉันไปกรุงเทพฯ เมื่อวานนี้ และซื้อของต่างๆ มากมาย เด็กๆ ชอบเล่นกันสนุกสนาน ฯลฯ",
        "ខ្ញុំទៅផ្សារ។ គាត់ញ៉ាំបាយរួចហើយ។ ក្មេងៗលេងសប្បាយណាស់៕",
        "တည်ရှိသည်။ ကျွန်တော်တို့၊ မင်္ဂလာပါ။ ရန်ကုန်မြို့တွင် နေထိုင်ကြသည်။",
    ],
)
def test_thai_khmer_and_burmese_windows_start_with_no_repetition_mark_or_full_stop(tmp_path, line):
    """A window started with the mark that repeats the word before it (ๆ ៗ), a full stop (។ ၊ ။) or the
    paiyannoi that shortens the word before it (กรุงเทพฯ): 86, 151 and 83 of 2000 Thai, Khmer and Burmese
    ones. ฯลฯ ("etc.") is a word of its own and may start a text."""
    texts = _windows(tmp_path, line, 14, 80)
    assert len(texts) > 12
    for text in texts:
        assert text in line, text
        assert text[0] not in "ๆៗ។៕၊။" and (text[0] != "ฯ" or text.startswith("ฯลฯ")), text


@pytest.mark.parametrize(
    "words",
    [
        ["ព្រះរាជាណាចក្រ", "កម្ពុជា", "គឺ", "ជា", "ប្រទេស", "មួយ", "នៅ", "អាស៊ី", "អាគ្នេយ៍", "។"],  # Khmer
        ["ประเทศไทย", "ตั้งอยู่", "ใน", "ภูมิภาค", "เอเชีย", "ตะวันออกเฉียงใต้", "มี", "ประชากร", "มาก"],
    ],
)
def test_windows_of_text_with_marked_word_breaks_fall_at_words(tmp_path, words):
    """Khmer text (Khmer Wikipedia, much of the web) and some Thai corpora mark word breaks with ZERO WIDTH
    SPACE. Cut between syllables, windows began and ended inside words; at the marks they fall at words, and
    the marks leave the text (the image never shows them)."""
    line = "\u200b".join(words)
    texts = _windows(tmp_path, line, 24, 80)
    assert len(texts) > 20
    for text in texts:
        inner = text.strip("\u200b")  # a mark at an end goes with the others (texts.one_line)
        assert inner in line, text
        assert all(piece in words for piece in inner.split("\u200b")), text  # whole words, no syllables


@pytest.mark.parametrize(
    "words",
    [
        ["ประเทศไทย", "มี", "ประชากร", "มาก", "ภาษา", "ราชการ", "คือ", "อาหาร", "เด็ก", "ชอบ", "เล่น", "ฟุตบอล", "ที่"],
        ["ພາສາ", "ລາວ", "ເປັນ", "ພາສາ", "ທາງການ", "ຂອງ", "ປະເທດ", "ລາວ", "ນະຄອນຫຼວງ", "ວຽງຈັນ", "ແມ່ນ", "ເມືອງ"],
        ["ព្រះរាជាណាចក្រ", "កម្ពុជា", "ប្រទេស", "មួយ", "នៅ", "អាស៊ី", "អាគ្នេយ៍", "ខ្ញុំ", "ទៅ", "ផ្សារ", "ក្មេង", "លេង"],
        ["မြန်မာနိုင်ငံ", "သည်", "အရှေ့တောင်", "တွင်", "တည်ရှိသည်", "ကျွန်တော်", "စာအုပ်", "မြို့", "မှာ", "နေ", "ပါ"],
    ],
    ids=["thai", "lao", "khmer", "burmese"],
)
def test_thai_lao_khmer_and_burmese_windows_fall_at_words(tmp_path, words):
    """Thai, Lao, Khmer and Burmese put no space between words, and a printed line breaks only between words.
    Cut between syllables, 1,178 of 1,681 windows of such text from Debian's translations (Thai, Khmer
    without its marks, Lao, Burmese) started or ended inside a word (`ข้อผิดพ` of `ข้อผิดพลาด`); now they fall
    where ICU's dictionaries find words, as browsers break these lines. The words here are split as a
    reader would, and ICU finds no break inside any of them."""
    line = "".join(words)
    texts = _windows(tmp_path, line, 24, 80)
    assert len(texts) > 20
    bounds = {0, *itertools.accumulate(map(len, words))}
    for text in texts:
        at = line.find(text)
        assert at in bounds and at + len(text) in bounds, text


def test_marked_khmer_windows_keep_no_space_at_their_ends_and_no_full_stop_at_their_start(tmp_path):
    """Debian's Khmer translations put ZERO WIDTH SPACE next to spaces (`បរាជ័យ\u200b ។`) and set the full
    stop and colon (។ ៖) off by a space. 20 of 2,000 windows of them kept a space at an end once the marks
    left the text (a label starting with a space the image cannot show), and 23 started with ។ or ៖."""
    from synthocr.planner.texts import one_line

    line = (
        "ពាក្យ\u200bបញ្ជា\u200bស្រាយ បាន\u200bបរាជ័យ\u200b ។ ពាក្យ\u200bសម្ងាត់\u200bរបស់\u200bអ្នក\u200b ៖ "
        "បាន\u200bផុត\u200bកំណត់\u200b ។ សូម\u200bបញ្ចូល\u200bពាក្យ\u200bសម្ងាត់ \u200bម្ដង\u200bទៀត\u200b ។"
    )
    texts = list(_windows(tmp_path, line, 24, 80))
    one_line(texts)
    assert len(texts) > 20
    plain = " ".join(line.replace("\u200b", "").split())
    for text in texts:
        assert text == text.strip() and "  " not in text and text in plain, repr(text)
        assert text[0] not in "។៖", text


@pytest.mark.parametrize(
    ("raw", "drawn"),
    [("\u200b ព្រះ", "ព្រះ"), ("ឡើយ \u200b", "ឡើយ"), ("a \u200bb", "a b"), ("a\u200b \u200bb", "a b"),
     ("Zusammen\u00adarbeit", "Zusammenarbeit"), ("\ufeff", "")],
)  # fmt: skip
def test_invisible_characters_leave_no_space_behind(raw, drawn):
    from synthocr.planner.texts import one_line

    texts = [raw]
    one_line(texts)
    assert texts == [drawn]


@pytest.mark.parametrize(
    "line",
    [
        "我们使用iPhone 15拍摄了这张照片，价格是5999元。Apple公司在2023年发布了这款手机，它支持USB-C接口。",
        "東京タワーはTokyo Towerとも呼ばれ、高さは333メートルです。Wi-Fiは無料で使えます。USB-Cで充電します。",
        "ฉันซื้อ iPhone 15 ราคา 32900 บาท ที่ห้าง Central World เมื่อวาน",
    ],
)
def test_windows_of_chinese_japanese_and_thai_keep_latin_words_and_numbers_whole(tmp_path, line):
    """Cut between any clusters, 893 of 2000 Chinese and 755 of 2000 Japanese windows began or ended inside a
    Latin word or a number (`ple公司在202`, `okyo Tow`, `-Fiは`); no printed line breaks there (UAX #14), and
    ICU's line breaker finds none there either."""
    texts = _windows(tmp_path, line, 16, 80)
    assert len(texts) > 20
    words = [m.span() for m in re.finditer(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*", line)]  # Wi-Fi and USB-C whole
    for text in texts:
        at = line.find(text)
        assert at >= 0, text
        end = at + len(text)
        for w0, w1 in words:
            assert end <= w0 or at >= w1 or (at <= w0 and end >= w1), (text, line[w0:w1])


@pytest.mark.parametrize(
    ("line", "spec", "closing"),
    [
        (
            "Il m'a dit : « Bonjour ! Comment allez-vous ? » Puis il est parti ; je ne l'ai plus revu . "
            "Quelle histoire !",
            {"font_filter": "DejaVuSans.ttf"},
            ["!", "?", ":", ";", "»", "."],
        ),
        (
            "مرحبا ، كيف حالك ؟ أنا بخير ؛ شكرا لك . هذا يوم جميل ، أليس كذلك ؟",
            {"font_filter": "NotoNaskh*", "fallback_fonts": "DejaVuSans.ttf", "text_direction": "rtl"},
            ["،", "؟", "؛", "."],
        ),
    ],
)
def test_punctuation_set_off_by_spaces_stays_with_its_word(cli, tmp_path, line, spec, closing):
    """French sets ! ? : ; » apart with a space, Arabic typists often ، ؟ ؛, Hindi its danda (है ।). Cut at
    spaces, 664 of 2000 French windows started with such a word (`! Comment allez-vous`, `» Puis`) and 13
    ended with « ; 640 of 2000 Arabic ones started with ، or ؟. No printed line breaks there, nor between
    « and its word or a word and its ! (`oui »` cut from `« oui »`, `Comment allez-vous` from `… ?`): a text
    now holds whole words with their punctuation."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "p.txt").write_text(line + "\n", encoding="utf-8")
    spec = {"name": "p", "corpus_file": "p.txt", "max_text_length": 30, **spec}
    frame, _, _ = _plan(cli, _setup(tmp_path, [spec], total=600))
    words = frame.text.str.split()
    assert frame.text.str.len().between(5, 30).all() and frame.text.nunique() > 30
    assert not words.str[0].isin(closing).any(), frame.text[words.str[0].isin(closing)].tolist()
    assert not (words.str[-1] == "«").any()
    line_words = line.split(" ")
    for text in set(frame.text):
        n = len(text.split(" "))
        at = next(i for i in range(len(line_words)) if line_words[i : i + n] == text.split(" "))
        before = line_words[at - 1] if at > 0 else ""
        after = line_words[at + n] if at + n < len(line_words) else ""
        assert before != "«" and after not in closing, (before, text, after)


@pytest.mark.parametrize("source", ["lines", "window"])
def test_line_separators_in_a_corpus_become_spaces(cli, tmp_path, source):
    """U+2028 (Word's and many exports' line break), U+2029, NEL and U+001C-U+001F end a line; U+1680 is a
    space drawn as a stroke. HarfBuzz drew "a\\u2028b" as the one word "ab" while the label said two words:
    the plan now holds a space there, so image, text and words agree."""
    odd = ["Manual\u2028line break here", "Para\u2029graph sep ok", "Next\x85line char ok",
           "Unit\x1fseparator ok", "Ogham\u1680space mark", "Both \u2028 sides ok"]  # fmt: skip
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "odd.txt").write_text("\n".join(odd) + "\n", encoding="utf-8")
    spec = {"name": "o", "text_source": source, "corpus_file": "odd.txt", "font_filter": "DejaVuSans.ttf"}
    config = _setup(tmp_path, [spec], total=60)
    frame, _, _ = _plan(cli, config)
    assert not frame.text.str.contains("[\x0b\x0c\x1c-\x1f\x85\u1680\u2028\u2029]").any()
    if source == "lines":
        assert set(frame.text) == {"Manual line break here", "Para graph sep ok", "Next line char ok",
                                   "Unit separator ok", "Ogham space mark", "Both sides ok"}  # fmt: skip


def test_characters_harfbuzz_hides_need_no_font_that_maps_them(cli, tmp_path):
    """Bidi isolates, a zero-width space and a soft hyphen are not in Noto Sans Hebrew's cmap, but HarfBuzz
    hides them in every font: lines with them are drawn (they were all drawn again and, with nothing else
    in the corpus, an error), and their pixels are those of the line without them. The zero-width space
    and the soft hyphen, which the image never shows, are left out of the planned texts (and so of the
    labels); the isolates, which order the line, stay."""
    from PIL import ImageChops

    from synthocr.assets import BUILTIN_DIRS
    from synthocr.renderer.layout import layout_line, layout_mask
    from synthocr.renderer.shaping import FontFile, SizedFont

    lines = ["שלום \u2066עולם\u2069 טוב", "מילה\u00adארוכה מאוד", "אחת\u200bשתיים שלוש"]
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "he.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = {"name": "he", "text_source": "lines", "corpus_file": "he.txt", "font_filter": "NotoSansHebrew*",
            "text_direction": "rtl"}  # fmt: skip
    frame, _, _ = _plan(cli, _setup(tmp_path, [spec], total=30))
    assert set(frame.text) == {line.replace("\u00ad", "").replace("\u200b", "") for line in lines}
    assert (frame.font == "NotoSansHebrew-Regular.ttf").all()
    path = BUILTIN_DIRS["font"] / "NotoSansHebrew-Regular.ttf"
    font = SizedFont(FontFile(str(path), path.name), 30)
    for line in lines:
        bare = "".join(c for c in line if c not in "\u2066\u2069\u00ad\u200b")
        drawn, plain = (layout_mask(layout_line(t, "rtl", font, 0.0)) for t in (line, bare))
        assert drawn.size == plain.size and ImageChops.difference(drawn, plain).getbbox() is None, line


def test_invisible_characters_leave_drawn_texts_and_labels(cli, tmp_path):
    """A zero-width space, word joiner, byte-order mark or soft hyphen in a corpus line is not in the image
    (its pixels are the line's without it, as the test above shows): it was in the label, glued to the letter
    before it (`o\u200b`), a character no recognizer can learn to read. Drawn texts lose them; a joiner
    that changes the letters drawn (ZWNJ in Persian) stays."""
    import json

    lines = ["foo\u200bbar baz", "Zusammen\u00adarbeit heute", "word\u2060joiner here", "mid\ufeffbom text"]
    lines.append("می\u200cخواهم")
    spec = {"name": "i", "text_source": "lines", "corpus_file": "invisible.txt", "min_text_length": 3}
    config = _setup(tmp_path, [spec], total=40)
    (tmp_path / "corpus" / "invisible.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame, _, _ = _plan(cli, config)
    expected = {"foobar baz", "Zusammenarbeit heute", "wordjoiner here", "midbom text", "می\u200cخواهم"}
    assert set(frame.text) == expected
    code, _, err = cli("render", config.parent / "plan.parquet", "-o", tmp_path / "out", "--workers", "1", "--quiet")
    assert code == 0, err
    labels = [json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / "out").rglob("image_*.json")]
    assert {label["text"] for label in labels} == expected


def test_invisible_charset_entries_are_left_out(cli, tmp_path, caplog):
    """A charset holding U+200B or U+00AD drew texts that lost them (the image never shows them): shorter
    than drawn, or empty, which was then reported as a text no font draws ("lacks ")."""
    spec = {"name": "c", "text_source": "chars", "charset": "ab\u200b\u00ad", "min_text_length": 1}
    spec["max_text_length"] = 3
    frame, _, err = _plan(cli, _setup(tmp_path, [spec], total=200))
    assert set("".join(frame.text)) == {"a", "b"} and frame.text.str.len().min() >= 1
    assert "charset entries U+00AD, U+200B are left out" in caplog.text
    assert "lacks" not in err


def test_chars_follow_the_charset_weights(cli, tmp_path):
    charset, weights = "abcXYZ7", {"X": 6, "7": 3}
    spec = {"name": "c", "text_source": "chars", "charset": charset, "charset_weights": weights}
    spec.update(min_text_length=3, max_text_length=9)
    frame, _, _ = _plan(cli, _setup(tmp_path, [spec], total=10_000))
    lengths = frame.text.str.len()
    assert lengths.between(3, 9).all() and set(lengths) == set(range(3, 10))
    counts = collections.Counter("".join(frame.text))
    assert set(counts) == set(charset)
    w = np.array([weights.get(c, 1) for c in charset], float)
    observed = np.array([counts[c] for c in charset], float)
    expected = w / w.sum() * observed.sum()
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    assert chi2 < 22.5  # chi-square, 6 degrees of freedom: p = 0.001


def test_chars_from_a_charset_file_with_tab_weights(cli, tmp_path):
    config = _setup(tmp_path, [{"name": "c", "text_source": "chars", "corpus_file": "cs.txt"}], total=2000)
    (tmp_path / "corpus" / "cs.txt").write_text("0\n1\n€\t8\n§\n", encoding="utf-8")
    frame, _, _ = _plan(cli, config)
    counts = collections.Counter("".join(frame.text))
    assert set(counts) == set("01€§") and counts["€"] > 3 * counts["§"]
    assert (frame.corpus_file == "cs.txt").all()


BOM = "\ufeff"  # what Notepad's "UTF-8 with BOM" and Excel's "CSV UTF-8" put before the text


@pytest.mark.parametrize(
    ("source", "content", "extra"),
    [
        ("lines", "Invoice 4471 paid in full\r\nTotal due 3,124.78\r\n", {}),
        ("window", "Invoice 4471 paid in full and then some more words here\n", {"min_text_length": 3}),
        ("words", "Haus\r\nBaum\r\n", {"min_words": 1, "max_words": 3}),
        ("chars", "a\nb\n€\n", {}),
    ],
)
def test_a_byte_order_mark_is_not_text(cli, tmp_path, source, content, extra):
    """A corpus file saved "with BOM" gives the same texts as without: U+FEFF is a signature, not a character."""
    texts = {}
    for name, prefix in (("plain", ""), ("bom", BOM)):
        folder = tmp_path / name
        folder.mkdir()
        spec = {"name": "s", "text_source": source, "corpus_file": "f.txt", **extra}
        config = _setup(folder, [spec], total=300)
        (folder / "corpus" / "f.txt").write_text(prefix + content, encoding="utf-8")
        frame, _, _ = _plan(cli, config)
        texts[name] = frame.text.tolist()
        assert not frame.text.str.contains(BOM).any()
    assert texts["bom"] == texts["plain"]


def test_a_charset_character_no_font_draws_is_an_error(cli, tmp_path):
    config = _setup(tmp_path, [{"name": "c", "text_source": "chars", "charset": "ab\u4e2d"}])
    code, _, err = cli("plan", config, "-o", tmp_path / "p.parquet")
    assert code == 2 and "U+4E2D" in err and "'c'" in err


def _iban_valid(iban: str) -> bool:
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def test_templates_parse_back_and_differ_per_locale(cli, tmp_path):
    specs = []
    for locale in ("de_DE", "en_GB"):
        specs.append(
            {
                "name": locale,
                "text_source": "template",
                "template_locale": locale,
                "templates": {"invoice": "Invoice {invoice_number:RE-####} of {date:%d.%m.%Y}", "iban": "{iban}"},
                "template_weights": {"invoice": 1, "iban": 1},
            }
        )
    frame, out, _ = _plan(cli, _setup(tmp_path, specs, total=400))
    assert set(frame.template) == {"invoice", "iban"}
    for locale, group in frame.groupby("spec", observed=True):
        ibans = group[group.template == "iban"].text
        assert len(ibans) > 50 and all(_iban_valid(i) for i in ibans)
        assert set(ibans.str[:2]) == {"DE" if locale == "de_DE" else "GB"}
        for text in group[group.template == "invoice"].text:
            _, number, _, day = text.split(" ")
            assert number.startswith("RE-") and number[3:].isdigit() and len(number) == 7
            assert datetime.datetime.strptime(day, "%d.%m.%Y").year in range(1990, 2036)
    assert "2 template(s), locale de_DE" in out


def test_template_amounts_and_dates_in_the_locale():
    templates = {"t": "{amount:EUR} | {amount} | {date:long}"}
    de = TemplateFiller("de_DE", templates, {}).fill(0, 42)
    en = TemplateFiller("en_US", templates, {}).fill(0, 42)
    assert de != en and "€" in de and "€" in en
    assert de.split(" | ")[1].count(",") == 1  # German decimal comma
    assert en.split(" | ")[1].count(".") == 1
    months = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
              "November", "Dezember")  # fmt: skip
    assert any(m in de.split(" | ")[2] for m in months)


def test_template_rows_depend_only_on_their_seed():
    filler = TemplateFiller("de_DE", {"a": "{name} {iban} {invoice_number}"}, {})
    first = [filler.fill(0, s) for s in (5, 6, 7)]
    assert [filler.fill(0, s) for s in (7, 6, 5)] == first[::-1]


@pytest.mark.parametrize(
    ("templates", "locale", "expected"),
    [
        ({"a": "{nope}"}, "de_DE", "neither one of"),
        ({"a": "{date_time}"}, "de_DE", "depends on today's date"),
        ({"a": "{iban"}, "de_DE", "templates.a"),
        ({"a": "{iban}"}, "xx_XX", "template_locale"),
        ({"a": "{words:0}"}, "de_DE", "counts must be from 1 to 50"),
    ],
)
def test_bad_templates_are_config_errors(cli, tmp_path, templates, locale, expected):
    spec = {"name": "t", "text_source": "template", "templates": templates, "template_locale": locale}
    code, _, err = cli("plan", _setup(tmp_path, [spec]), "-o", tmp_path / "p.parquet")
    assert code == 2 and expected in err and "Traceback" not in err


def test_template_fields_faker_fills_from_another_language_are_named(cli, tmp_path, caplog):
    """Faker fills a field its locale lacks from en_US without a word: ar_EG names are English names, and
    ar_SA cities English formats around Arabic names; ja_JP keeps an English street format of its own
    ('048 加藤 Street'). The warning names them; the texts bear it out."""
    import regex

    specs = [
        {"name": "eg", "text_source": "template", "template_locale": "ar_EG", "templates": {"a": "{name}"}},
        {"name": "sa", "text_source": "template", "template_locale": "ar_SA", "templates": {"a": "{name} {city}"}},
        {"name": "de", "text_source": "template", "template_locale": "de_DE", "templates": {"a": "{name} {iban}"}},
        {"name": "ja", "text_source": "template", "template_locale": "ja_JP", "templates": {"a": "{street_name}"}},
    ]
    (tmp_path / "cjk").mkdir()
    cjk = copy_builtin_assets(tmp_path / "cjk")
    font = next(Path("/usr/share/fonts").rglob("NotoSansCJK-Regular.ttc"), None)
    if font is None:  # the ja_JP rows need a Japanese font: left out where there is none
        specs.pop()
    else:
        shutil.copy(font, cjk.fonts)
    frame, _, _ = _plan(cli, _setup(tmp_path, specs, total=120, font_dir=str(cjk.fonts)))
    warnings = [r.getMessage() for r in caplog.records if "Faker has no" in r.getMessage()]
    assert len(warnings) == len(specs) - 1
    assert "'eg': Faker has no ar_EG text" in warnings[0] and "{name} gives Faker's en_US data" in warnings[0]
    assert "'sa': Faker has no ar_SA text" in warnings[1] and "{city} gives Faker's en_US data" in warnings[1]
    assert "{name}" not in warnings[1]  # ar_SA has names of its own
    if font is not None:
        assert "'ja': Faker has no ja_JP text" in warnings[2] and "{street_name} gives Latin words" in warnings[2]
        assert frame[frame.spec == "ja"].text.str.endswith(" Street").all()
    latin = frame.text.map(lambda t: bool(regex.search(r"\p{Latin}", t)))
    assert latin[frame.spec == "eg"].all()
    sa_cities = frame[frame.spec == "sa"].text
    assert sa_cities.map(lambda t: bool(regex.search(r"\p{Arabic}", t))).all() and latin[frame.spec == "sa"].any()


def test_a_frequency_list_as_word_list_is_named(cli, tmp_path, caplog):
    """FrequencyWords' en_50k.txt is `word count` per line: the counts were drawn into the texts silently."""
    config = _setup(tmp_path, [{"name": "f", "text_source": "words", "corpus_file": "en_50k.txt"}], total=50)
    counts = [("you", 28787591), ("i", 27086011), ("the", 22761659), ("to", 17099834), ("a", 14484562)]
    (tmp_path / "corpus" / "en_50k.txt").write_text("".join(f"{w} {n}\n" for w, n in counts), encoding="utf-8")
    frame, _, _ = _plan(cli, config)
    assert frame.text.str.contains("28787591|27086011|22761659").any()  # what the warning says happens
    warned = [r.getMessage() for r in caplog.records if "frequency list" in r.getMessage()]
    assert len(warned) == 1 and "5 of 5 entries of the word list en_50k.txt" in warned[0] and "'" in warned[0]
    caplog.clear()
    _plan(cli, _setup(tmp_path, [{"name": "w", "text_source": "words", "corpus_file": "words.txt"}], total=50))
    assert "frequency list" not in caplog.text


@pytest.mark.parametrize("form", ["", "NFC", "NFKC"])
def test_unicode_normalization_gives_one_spelling_per_letter(cli, tmp_path, caplog, form):
    """Text from macOS or PDFs is often decomposed (e + U+0301): its labels kept that spelling beside the
    composed one of other lines, silently. plan warns; unicode_normalization composes (NFKC: ﬁ too)."""
    import unicodedata

    lines = ["Le café est très bon", "Le café est très bon", "The ﬁnal oﬃce ﬁle", "plain ascii line"]
    spec = {"name": "n", "text_source": "lines", "corpus_file": "mixed.txt", "unicode_normalization": form}
    config = _setup(tmp_path, [spec], total=60)
    text = "\n".join([unicodedata.normalize("NFD", lines[0]), *lines[1:]]) + "\n"
    (tmp_path / "corpus" / "mixed.txt").write_text(text, encoding="utf-8")
    frame, _, _ = _plan(cli, config)
    warned = [r.getMessage() for r in caplog.records if "not in Unicode NFC" in r.getMessage()]
    if not form:
        assert len(warned) == 1 and "1 of 4 texts looked at in mixed.txt" in warned[0]
        assert "'é' written as U+0065 + U+0301" in warned[0]
        assert frame.text.map(lambda t: unicodedata.is_normalized("NFC", t)).value_counts()[False] > 5
        return
    assert not warned
    assert frame.text.map(lambda t: unicodedata.is_normalized(form, t)).all()
    assert set(frame.text) <= {unicodedata.normalize(form, t) for t in lines}
    assert ("The final office file" in set(frame.text)) == (form == "NFKC")


def test_english_formats_of_a_locale_of_another_script_are_found_by_filling():
    """ja_JP's street formats are English ('前田 Street'), though the provider is ja_JP's own; its names are not.
    Fields of a Latin-script locale are never judged by their Latin words."""
    from synthocr.planner.templates import foreign_fields, parse_template

    ja = TemplateFiller("ja_JP", {"a": "{street_name} {name} {city}"}, {})
    found = foreign_fields(ja, parse_template("a", "{street_name} {name} {city}").fields)
    assert set(found) == {"street_name"} and found["street_name"][0] == "Latin words"
    assert found["street_name"][1].endswith(" Street")
    de = TemplateFiller("de_DE", {"a": "{street_name} {catch_phrase}"}, {})
    assert foreign_fields(de, parse_template("a", "{street_name} {catch_phrase}").fields) == {}


def test_presentation_forms_from_pdf_text_are_named(cli, tmp_path, caplog):
    """PDF text extraction gives Arabic in its joined presentation forms (ﺍﻟﻌﺮﺑﻴﺔ, U+FExx) and the ligature ﬁ:
    NFC keeps them, so they came into the labels without a word, though a reader types the letters."""
    arabic = "\ufe8d\ufedf\ufecc\ufeae\ufe91\ufef4\ufe94"  # العربية in presentation forms
    spec = {"name": "p", "text_source": "lines", "corpus_file": "pdf.txt", "min_text_length": 3}
    config = _setup(tmp_path, [spec], total=20)
    (tmp_path / "corpus" / "pdf.txt").write_text(f"{arabic} {arabic}\nThe \ufb01nal o\ufb03ce\n", encoding="utf-8")
    _plan(cli, config)
    assert "2 of 2 texts looked at in pdf.txt hold presentation forms ('\ufe8d' U+FE8D" in caplog.text
    caplog.clear()
    spec["unicode_normalization"] = "NFKC"
    frame, _, _ = _plan(cli, _setup(tmp_path, [spec], total=20))
    assert "presentation forms" not in caplog.text
    assert set(frame.text) == {"العربية العربية", "The final office"}
    # In visual order (reversed words), as PDF extraction often gives Arabic: the words start with final forms.
    caplog.clear()
    (tmp_path / "corpus" / "pdf.txt").write_text(f"{arabic[::-1]} {arabic[::-1]} {arabic[::-1]}\n", encoding="utf-8")
    spec["unicode_normalization"] = ""
    _plan(cli, _setup(tmp_path, [spec], total=20))
    assert "are in visual order" in caplog.text and "every word is reversed" in caplog.text


# Burmese lines in Unicode and the same lines in Zawgyi, as python-myanmar's converter gives them; Google's
# myanmar-tools gives each Zawgyi line a Zawgyi probability of 1.0, each Unicode line 0.0.
BURMESE_UNICODE = ["မြန်မာနိုင်ငံ", "နေကောင်းလား", "ကျေးဇူးတင်ပါတယ်", "ရန်ကုန်မြို့", "စာအုပ်ကို ဖတ်နေသည်",
                   "ကျောင်းသားများ စာမေးပွဲ ဖြေကြသည်", "မိုးရွာနေပြီ"]  # fmt: skip
BURMESE_ZAWGYI = ["ျမန္မာႏိုင္ငံ", "ေနေကာင္းလား", "ေက်းဇူးတင္ပါတယ္", "ရန္ကုန္ၿမိဳ႕", "စာအုပ္ကို ဖတ္ေနသည္",
                  "ေက်ာင္းသားမ်ား စာေမးပြဲ ေျဖၾကသည္", "မိုး႐ြာေနၿပီ"]  # fmt: skip


def test_a_zawgyi_corpus_is_named(cli, tmp_path, caplog):
    """Much Burmese web text is typed in Zawgyi, not Unicode: vowel signs before their consonant, U+1039 as
    the killer sign. Unicode fonts draw it wrong and its labels are not Unicode Burmese; it was drawn without
    a word (the lines with a vowel sign first were only drawn again, as broken). `plan` now names it. There is
    no Burmese font in the bundled set, so the plan itself stops after the warning: at the fonts, or, where
    every line drawn is broken, at that, naming Zawgyi too."""
    spec = {"name": "my", "text_source": "lines", "corpus_file": "my.txt", "min_text_length": 3}
    config = _setup(tmp_path, [spec], total=20)
    for lines, zawgyi in ((BURMESE_ZAWGYI, True), (BURMESE_UNICODE, False)):
        caplog.clear()
        (tmp_path / "corpus" / "my.txt").write_text("\n".join(lines + ["Latin line"]) + "\n", encoding="utf-8")
        code, _, err = cli("plan", config, "-o", tmp_path / "p.parquet")
        assert code == 2 and (
            "is broken" in err and "Zawgyi" in err if zawgyi else "no font" in err and "is broken" not in err
        )
        assert ("7 of 7 Burmese texts looked at in my.txt look typed in the Zawgyi encoding" in caplog.text) is zawgyi
        assert "Zawgyi" not in caplog.text or zawgyi


@pytest.mark.parametrize(
    ("lines", "kind", "example"),
    [
        (["<p>The museum opens at 9.</p>", "Tickets &amp; tours", "<br>Closed on Mondays", "Plain line here"],
         "HTML", "'<p>'"),
        (["'''Paris''' is the [[capital city|capital]] of [[France]].", "{{Infobox city|name=Paris}}",
          "The [[Seine]] runs through it.", "Plain line here"], "wiki", "\"'''Paris'''\""),
        (["# Getting started", "Install the **latest** version", "See [the docs](https://example.com) here",
          "Plain line here"], "Markdown", "'# Getting'"),
        (["\\section{Introduction}", "We study \\emph{things} here", "\\begin{itemize}", "Plain line here"],
         "LaTeX", "'\\\\section'"),
        (["吾輩《わがはい》は猫である。", "どこで生れたか見当《けんとう》がつかぬ。", "［＃８字下げ］一［＃「一」は中見出し］",
          "Plain line here"], "Aozora Bunko", "'輩《わがはい》'"),
    ],
)  # fmt: skip
def test_markup_in_a_text_corpus_is_named(cli, tmp_path, caplog, lines, kind, example):
    """A page saved as .txt, or a Wikipedia dump's article source, was drawn with its tags and brackets,
    under labels that hold them. `plan` names the markup and what to do; a .html file is read as a page."""
    spec = {"name": "m", "text_source": "lines", "corpus_file": "m.txt", "min_text_length": 3}
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "m.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _plan(cli, _setup(tmp_path, [spec], total=20))
    assert f"3 of 4 texts looked at in m.txt hold {kind} markup ({example})" in caplog.text
    caplog.clear()
    _plan(cli, _setup(tmp_path, [{**spec, "corpus_file": "inv.txt"}], total=20))
    assert "markup" not in caplog.text


def test_template_corpus_fields(cli, tmp_path):
    spec = {"name": "t", "text_source": "template", "corpus_file": "words.txt", "templates": {"a": "{word}: {line}"}}
    frame, _, _ = _plan(cli, _setup(tmp_path, [spec], total=200))
    vocabulary = {"Haus", "Baum", "Straße", "Äpfel", "zwölf"}
    word, line = zip(*frame.text.str.split(": "))
    assert set(word) <= vocabulary and set(line) <= {"Straße", "Äpfel", "zwölf"}  # lines of 5..40 characters


def test_retired_corpus_mode_maps_onto_text_source(cli, tmp_path, caplog):
    config = _setup(tmp_path, [{"name": "l", "corpus_mode": "lines", "corpus_file": "inv.txt"}])
    frame, _, _ = _plan(cli, config)
    assert "corpus_mode: lines is replaced by text_source: lines" in caplog.text
    assert frame.text.isin(["Invoice 4471 paid in full", "Rechnung RE-2021-1205 vom 3.4.2021",
                            "Total: = $3,124.78", "Ünïcödé • line ok"]).all()  # fmt: skip
    clash = _setup(tmp_path, [{"name": "l", "corpus_mode": "lines", "text_source": "window"}])
    code, _, err = cli("plan", clash, "-o", tmp_path / "p.parquet")
    assert code == 2 and "contradicts text_source 'window'" in err


def test_unknown_text_source_names_the_choices(cli, tmp_path):
    code, _, err = cli("plan", _setup(tmp_path, [{"name": "x", "text_source": "line"}]), "-o", tmp_path / "p.parquet")
    assert code == 2 and "did you mean 'lines'?" in err


def test_window_texts_unchanged_from_before_text_sources():
    """The default window source plans the same texts as before text sources existed (sha1 of the columns)."""
    as_is = [f"specifications.{i}.text_case_weights={{}}" for i in range(3)]  # the texts as cut, not cased
    table = plan_batch(load_config(CONFIGS / "default.yaml", ["total_images=5000", *as_is]))
    digest = hashlib.sha1()
    for column in ("text", "corpus_file", "corpus_line"):
        digest.update(repr(table.column(column).to_pylist()).encode())
    assert digest.hexdigest() == "ef616cf62a21fc9e25917afe63fe149ef3f9c593"


def test_mixed_sources_plan_the_same_bytes_twice(tmp_path):
    specs = [
        {"name": "w", "corpus_file": "inv.txt", "min_text_length": 3},
        {"name": "l", "text_source": "lines", "corpus_file": "inv.txt"},
        {"name": "c", "text_source": "chars", "charset": "0123456789"},
        {"name": "t", "text_source": "template", "templates": {"a": "{phone_number}"}},
    ]
    config = load_config(_setup(tmp_path, specs, total=9000))
    assert plan_batch(config).equals(plan_batch(config))


ORPHANS = [  # a mark with no base letter: first, after a space, a punctuation mark or a bidi mark
    "\u0301\u0301 marks only",
    "kein \u0308Umlaut hier",
    "\u05b8 point first",
    "Noch ein (\u0308Umlaut",
    "zwei\u200f\u0301 Marken",
]
OVERRIDDEN = ["\u202eTotal due 3,124.78", "Invoice \u202d4471\u202c paid"]  # drawn in an order the label does not read


def test_texts_with_a_mark_that_has_no_base_are_drawn_again(cli, tmp_path):
    """Such a text is broken; a line drawing it bare (or on HarfBuzz's dotted circle) is not planned."""
    config = _setup(tmp_path, [{"name": "l", "text_source": "lines", "corpus_file": "inv.txt"}], total=300)
    # on a letter, on a no-break space, on a symbol (a not-equals sign), after a joiner
    fine = ["Cafe\u0301 with its e\u0301 ok", "the acute \u00a0\u0301 shown alone", "a =\u0338 b", "x\u200d\u0301 y"]
    lines = [*LINES, *ORPHANS, *OVERRIDDEN, *fine]
    (tmp_path / "corpus" / "inv.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame, out, _ = _plan(cli, config)
    assert not set(frame.text) & {*ORPHANS, *OVERRIDDEN}
    assert set(fine) <= set(frame.text)
    assert "texts were drawn again because no eligible font covered them, or they were broken" in out


def test_a_corpus_of_only_broken_texts_is_a_clear_error(cli, tmp_path):
    config = _setup(tmp_path, [{"name": "l", "text_source": "lines", "corpus_file": "inv.txt"}])
    (tmp_path / "corpus" / "inv.txt").write_text("\n".join(ORPHANS) + "\n", encoding="utf-8")
    code, _, err = cli("plan", config, "-o", tmp_path / "p.parquet")
    assert code == 2 and "Traceback" not in err
    assert "'l'" in err and "inv.txt" in err and "is broken" in err and "combining mark with no base letter" in err
    places = ("U+0301 at character 1", "U+0308 at character 6", "U+05B8 at character 1", "U+0308 at character 11")
    assert any(place in err for place in (*places, "U+0301 at character 6")), err


def test_a_corpus_of_only_overridden_texts_is_a_clear_error(cli, tmp_path):
    config = _setup(tmp_path, [{"name": "l", "text_source": "lines", "corpus_file": "inv.txt"}])
    (tmp_path / "corpus" / "inv.txt").write_text("\n".join(OVERRIDDEN) + "\n", encoding="utf-8")
    code, _, err = cli("plan", config, "-o", tmp_path / "p.parquet")
    assert code == 2 and "Traceback" not in err and "bidi override" in err
    assert "U+202E at character 1" in err or "U+202D at character 9" in err


def test_a_requested_text_with_a_mark_that_has_no_base_is_kept(cli, tiny_config_path, tmp_path):
    plan, _ = plan_requests(cli, tiny_config_path, tmp_path, "text,font\n\u0301\u0301 marks only,DejaVuSans.ttf\n")
    assert pd.read_parquet(plan).text.tolist() == ["\u0301\u0301 marks only"]
    code, _, err = cli("render", plan, "-o", tmp_path / "out")
    assert code == 0, err
    label = json.loads(next((tmp_path / "out").rglob("image_*.json")).read_text(encoding="utf-8"))
    assert [c["text"] for c in label["chars"]][:2] == ["\u0301\u0301", "m"]


def test_auto_direction_follows_each_texts_first_strong_letter(cli, tmp_path):
    """One corpus of English, Arabic and Hebrew lines: `auto` gives each line its own paragraph direction, so an
    Arabic sentence's full stop is drawn at its left end (its end), not at its right end."""
    lines = ["Invoice 4471 paid in full.", "مرحبا بكم في المدينة.", "(2024) שלום לכולם.", "12 apples, 3 pears."]
    spec = {"name": "mixed", "text_source": "lines", "corpus_file": "inv.txt", "text_direction": "auto"}
    config = _setup(tmp_path, [spec], total=40)
    (tmp_path / "corpus" / "inv.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame, _, _ = _plan(cli, config)
    want = {lines[0]: "ltr", lines[1]: "rtl", lines[2]: "rtl", lines[3]: "ltr"}
    assert set(frame.text) == set(lines)
    assert all(want[t] == d for t, d in zip(frame.text, frame.text_direction.astype(str)))
    code, _, err = cli("render", config.parent / "plan.parquet", "-o", tmp_path / "out", "--rows", "0-39")
    assert code == 0, err
    for path in (tmp_path / "out").rglob("image_*.json"):
        label = json.loads(path.read_text(encoding="utf-8"))
        if label["text"] == lines[1]:
            chars = label["chars"]
            stop, first = chars[-1], chars[0]  # the full stop, and the first letter in logical order
            assert stop["text"] == "." and stop["bbox"][2] <= first["bbox"][0]  # left of the first letter
            break
    else:
        raise AssertionError("no Arabic row was rendered")


def test_auto_is_a_direction_weight_and_in_the_error_choices(cli, tmp_path):
    spec = {
        "name": "w",
        "text_source": "lines",
        "corpus_file": "inv.txt",
        "text_direction_weights": {"auto": 3, "ttb": 1},
    }
    frame, _, _ = _plan(cli, _setup(tmp_path, [spec], total=400))
    assert set(frame.text_direction.astype(str)) == {"ltr", "ttb"}  # every line of inv.txt is left to right
    assert 0.65 < (frame.text_direction.astype(str) == "ltr").mean() < 0.85
    bad = _setup(tmp_path, [{"name": "b", "text_source": "lines", "corpus_file": "inv.txt", "text_direction": "up"}])
    code, _, err = cli("plan", bad, "-o", tmp_path / "p.parquet")
    assert code == 2 and "'auto'" in err and "'up'" in err and "Traceback" not in err


def test_auto_direction_agrees_with_fribidi_on_every_corpus_line():
    """An independent reference: FriBidi resolving each text's paragraph direction itself (base direction
    ON, rules P2-P3 with isolates), on every line of the shipped corpora and on isolate and mark cases."""
    import ctypes

    from synthocr.assets import BUILTIN_DIRS
    from synthocr.planner.directions import rtl_texts
    from synthocr.renderer.bidi import _fribidi

    lib, u32 = _fribidi(), ctypes.c_uint32
    types, brackets, levels = (
        lib.fribidi_get_bidi_types,
        lib.fribidi_get_bracket_types,
        lib.fribidi_get_par_embedding_levels_ex,
    )
    types.restype = brackets.restype = None
    types.argtypes = [ctypes.POINTER(u32), ctypes.c_int, ctypes.POINTER(u32)]
    brackets.argtypes = [ctypes.POINTER(u32), ctypes.c_int, ctypes.POINTER(u32), ctypes.POINTER(u32)]
    levels.restype = ctypes.c_int8
    levels.argtypes = [
        ctypes.POINTER(u32),
        ctypes.POINTER(u32),
        ctypes.c_int,
        ctypes.POINTER(u32),
        ctypes.POINTER(ctypes.c_int8),
    ]
    par_on, par_rtl = 0x40, 0x111  # FRIBIDI_PAR_ON, FRIBIDI_PAR_RTL

    def fribidi_rtl(text: str) -> bool:
        n = len(text)
        chars, kinds, pairs, out = (u32 * n)(*map(ord, text)), (u32 * n)(), (u32 * n)(), (ctypes.c_int8 * n)()
        types(chars, n, kinds)
        brackets(chars, n, kinds, pairs)
        base = u32(par_on)
        levels(kinds, pairs, n, ctypes.byref(base), out)
        return base.value == par_rtl

    texts = [
        line.strip()
        for path in sorted(BUILTIN_DIRS["corpus"].glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    texts += ["(« 2024 »)", "\u2067abc\u2069 שלום", "\u2067שלום\u2069 abc", "\u200fabc", "123 שלום", "\u2067abc"]
    texts += ["\u2068\u2067x\u2069\u2069 ب", "  .، مرحبا", "\u2066\u2069ب"]
    assert rtl_texts(texts).tolist() == [fribidi_rtl(t) for t in texts]


def test_template_tabs_and_line_breaks_are_one_space(cli, tmp_path):
    """A template's tab was kept (a missing-glyph character in most fonts: the template was never drawn,
    silently) and so were U+2028 and \\r; like line breaks, they are one space."""
    templates = {"a": "Total:\t{invoice_number:##}", "b": "Line one\r\nline two\u2028three"}
    spec = {"name": "t", "text_source": "template", "templates": templates, "font_filter": "DejaVuSans.ttf"}
    frame, _, _ = _plan(cli, _setup(tmp_path, [spec], total=40))
    assert set(frame.template) == {"a", "b"}
    assert frame.text[frame.template == "a"].str.fullmatch(r"Total: \d\d").all()
    assert set(frame.text[frame.template == "b"]) == {"Line one line two three"}


def test_a_specs_language_is_a_plan_column_and_changes_the_drawing(cli, tmp_path):
    """`language: sr` reaches the plan and the renderer: the Serbian forms of DejaVu Sans (locl), where
    the same rows without it draw the Russian ones. A tag that is no BCP 47 tag is a config error."""
    import pyarrow.parquet as pq

    from synthocr.renderer.assets import RenderAssets
    from synthocr.renderer.compose import render_row
    from synthocr.schemas.plan import asset_roots, plan_metadata

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "sr.txt").write_text("Београд бгдпт\nдобар дан\n", encoding="utf-8")
    spec = {"name": "sr", "text_source": "lines", "corpus_file": "sr.txt", "font_filter": "DejaVuSans.ttf",
            "language": "sr", "min_text_length": 3}  # fmt: skip
    config = _setup(tmp_path, [spec], total=4)
    frame, _, _ = _plan(cli, config)
    assert (frame.language == "sr").all()
    table = pq.read_table(tmp_path / "plan.parquet")
    assets = RenderAssets(asset_roots(plan_metadata(table.schema)))
    for row in table.to_pylist():
        serbian = render_row(row, assets)[0]
        russian = render_row({**row, "language": ""}, assets)[0]
        assert serbian.tobytes() != russian.tobytes(), row["text"]
    code, _, err = cli("plan", config, "-o", tmp_path / "bad.parquet", "specifications.0.language=serbian latin")
    assert code == 2 and "language" in err and "BCP 47" in err and "Traceback" not in err


def test_a_character_the_font_maps_to_a_blank_glyph_is_not_covered(cli, tmp_path):
    """Fonts map some characters to glyphs with no ink: U+FFFC in DejaVu Sans, ǎ ǐ ǒ ǔ and ℃ in WQY MicroHei,
    80 Arabic letters in KacstQurn. Drawn, the label holds a character the image does not show; such a font
    does not cover it. Characters blank by design (spaces, joiners, U+2800) stay covered."""
    from synthocr.assets import BUILTIN_DIRS
    from synthocr.planner.fonts import inspect_font

    info = inspect_font(BUILTIN_DIRS["font"] / "DejaVuSans.ttf", "DejaVuSans.ttf")
    assert 0xFFFC not in info.codepoints and "a" in map(chr, info.codepoints)
    assert {0x20, 0xA0, 0x200D, 0x2800} <= info.codepoints
    lines = ["Figure \ufffc shows it", "An object \ufffc here"]
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "obj.txt").write_text("\n".join(lines) + "\nPlain text line\n", encoding="utf-8")
    spec = {"name": "o", "text_source": "lines", "corpus_file": "obj.txt", "font_filter": "DejaVu*"}
    frame, _, _ = _plan(cli, _setup(tmp_path, [spec], total=20))
    assert set(frame.text) == {"Plain text line"}
    (tmp_path / "corpus" / "obj.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = cli("plan", tmp_path / "c.yaml", "-o", tmp_path / "p2.parquet")
    assert code == 2 and "U+FFFC OBJECT REPLACEMENT CHARACTER" in err


_PIECES = ["a", "bb", "é", "日本", "😀", " ", "  ", "\t", "\r", "\n", "\n\n", "\r\n", "\x0b", "\x0c", "word", "\u00a0",
           "\u2028", "x" * 90, "\ufeff"]  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.sampled_from(_PIECES), min_size=1, max_size=80), bom=st.booleans(),
       chunk=st.sampled_from([7, 64, 1 << 22]))  # fmt: skip
def test_line_lengths_are_the_lengths_of_the_whole_lines(tmp_path, monkeypatch, pieces, bom, chunk):
    """The `lines` source picks lines by a length measured from the bytes, in chunks, for every line of the
    file at once: it must be the length of the text whole_lines gives (whitespace runs one space, trimmed),
    and the index must hold every non-empty line, whatever the chunking."""
    from synthocr.planner import corpus

    monkeypatch.setattr(corpus, "_CHUNK", chunk)
    monkeypatch.setattr(corpus, "_LENGTH_CHUNK", max(chunk, 150))
    monkeypatch.setattr(corpus, "MAX_LINE_BYTES", 150)  # as 64 KiB in 4 MiB chunks: longer lines are TOO_LONG
    raw = corpus.UTF8_BOM * bom + "".join(pieces).encode("utf-8")
    body = raw[len(corpus.UTF8_BOM) :] if raw.startswith(corpus.UTF8_BOM) else raw
    path = tmp_path / "t.txt"
    path.write_bytes(raw)
    if not body.strip(b"\n"):
        with pytest.raises(UserError, match="is empty"):
            corpus.index_corpus_file(path, "t.txt")
        return
    f = corpus.index_corpus_file(path, "t.txt")
    reader = corpus.CorpusReader([f])
    try:
        assert [raw[s:e] for s, e in zip(f.starts, f.ends)] == [x for x in body.split(b"\n") if x]
        assert f.n_chars == len(body.decode("utf-8"))
        lines = reader.whole_lines(0, np.arange(f.n_lines))
        too_long = (f.ends - f.starts > 150).tolist()
        assert reader.line_lengths(0).tolist() == [corpus.TOO_LONG if t else len(x) for x, t in zip(lines, too_long)]
    finally:
        reader.close()


@pytest.mark.parametrize("mapped", [False, True])
def test_a_corpus_of_many_small_files_plans_within_the_open_file_limit(cli, tmp_path, monkeypatch, mapped):
    """A corpus of one file per document: every file was kept open (a memory map each) and 1500 files broke
    the usual limit of 1024 open files with a traceback; `plan` printed a line per file and spent most of its
    time matching files (quadratic) and cutting each file's rows apart. Now small files are read whole and
    cut together, mapped ones are at most OPEN_MAPS, and the report sums the files up."""
    import resource

    from synthocr.planner.corpus import CorpusReader

    if mapped:  # every file through a memory map, as large files are
        monkeypatch.setattr(CorpusReader, "SMALL_FILE", 0)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    docs = {}
    for i in range(1500):
        docs[f"doc{i:04d}.txt"] = [f"document {i} line one says hello", f"line two of document {i} ends here"]
        (corpus / f"doc{i:04d}.txt").write_text("\n".join(docs[f"doc{i:04d}.txt"]) + "\n", encoding="utf-8")
    specs = [{"name": "w", "corpus_file": "doc*.txt", "max_text_length": 20},
             {"name": "l", "text_source": "lines", "corpus_file": "doc*.txt"}]  # fmt: skip
    config = _setup(tmp_path, specs, total=3000)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, 400), hard))
    try:
        frame, out, _ = _plan(cli, config)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert "l: 1,500 files (doc0000.txt, doc0001.txt, doc0002.txt, doc0003.txt, doc0004.txt and 1495 more): " \
           "3,000 of 3,000 lines qualify" in out and out.count("text source") == 1  # fmt: skip
    assert frame.corpus_file.nunique() > 1000
    for text, name, line, spec in zip(frame.text, frame.corpus_file, frame.corpus_line, frame.spec):
        lines = docs[name]
        assert text == lines[line] if spec == "l" else text in " ".join(lines[line:]), (text, name, line)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_few_unlucky_rows_draw_on_where_most_lines_are_usable(cli, tmp_path, seed):
    """A corpus three quarters of whose lines no allowed font draws (Chinese under DejaVu): a row finds no usable
    line in 20 draws one time in 300, and a plan of 2,000 rows failed ("after 20 tries"). The few rows left draw on
    (up to 200 draws); a corpus of no usable line still fails, and says so."""
    chinese = ["今天天气很好啊", "我们去公园散步", "这是一本好书呢"]
    config = _setup(tmp_path, [{"name": "l", "text_source": "lines", "corpus_file": "mix.txt"}], total=2000)
    (tmp_path / "corpus" / "mix.txt").write_text("\n".join(["Latin words here", *chinese]) + "\n", encoding="utf-8")
    config.write_text(config.read_text().replace("seed: 5", f"seed: {seed}"))
    frame, _, _ = _plan(cli, config)
    assert set(frame.text) == {"Latin words here"} and len(frame) == 2000
    (tmp_path / "corpus" / "mix.txt").write_text("\n".join(chinese) + "\n", encoding="utf-8")
    code, _, err = cli("plan", config, "-o", tmp_path / "none.parquet")
    assert code == 2 and "after 20 tries" in err and "Traceback" not in err
