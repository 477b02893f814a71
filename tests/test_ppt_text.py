"""PowerPoint 97-2003 decks (.ppt) as corpus files: the paragraphs of their slides in the deck's order. They were
refused as "an old Microsoft Office file". The decks in tests/data/ppt were written by LibreOffice 7.4
(make_fixtures.py there): talk.ppt from a deck pandoc wrote (title and body placeholders, a table, speaker
notes), boxes.ppt from an Impress presentation (text boxes, a line break, a table, a hidden slide, notes);
their texts are those of the .pptx each came from and of LibreOffice's reading of them. The decks built here
store text as PowerPoint does: placeholders' texts in the document's slide list, referred to by the slides'
text boxes, 8-bit text, fields, masters, notes, hidden slides, a slide list in another order than the
slides lie in, a fast save, and damaged and hostile records."""

from __future__ import annotations

import io
import random
import struct
import time
from pathlib import Path

import pytest

from compound_file import compound_file
from helpers import plan_corpus
from synthocr.errors import UserError
from synthocr.planner.ppt_text import ppt_texts

olefile = pytest.importorskip("olefile")

DECKS = Path(__file__).parent / "data" / "ppt"
EXPECTED = {
    "talk.ppt": [
        "Annual meeting", "Jane Doe", "Opening", "Welcome to the meeting", "Agenda for today", "Budget review",
        "Numbers", "Region", "Total", "North", "1,204", "South", "987", "Języki świata",
        "Ελληνικά κείμενα και русский текст.", "שלום עולם", "日本語のスライド", "東京は日本の首都です。",
        "한국어 문장입니다.", "हिन्दी में वाक्य।",
    ],
    "boxes.ppt": [
        "Quarterly review", "Sales rose by 12%", "Costs fell", "in every region", "Plain ASCII box text", "Region",
        "Total", "North", "1,204", "مرحبا بالعالم", "你好，世界。東京", "नमस्ते दुनिया",
        "Příliš žluťoučký kůň – “quoted” €3",
    ],
}  # fmt: skip


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNTHOCR_CACHE", str(tmp_path / "cache"))


def _texts(data: bytes) -> list[str]:
    return list(ppt_texts(io.BytesIO(data), "deck.ppt"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_ppt_gives_its_slides_paragraphs_in_order(name):
    """Notes ("Remember to thank the sponsors.", "Say hello to the board."), the hidden slide, the masters'
    "Click to edit Master title style" and the footers' field placeholders are not among them."""
    assert _texts((DECKS / name).read_bytes()) == EXPECTED[name]


# A deck as PowerPoint stores it, record by record ([MS-PPT]).
def _atom(kind: int, body: bytes = b"", instance: int = 0) -> bytes:
    return struct.pack("<HHI", instance << 4, kind, len(body)) + body


def _box(*records: bytes) -> bytes:
    """A shape with a text box holding `records`, in a drawing."""
    textbox = _atom(0xF00D, b"".join(records))
    return b"".join(records) and _container(0xF004, _atom(0xF00A, bytes(8)), textbox)


def _container(kind: int, *children: bytes, instance: int = 0) -> bytes:
    return struct.pack("<HHI", 0xF | instance << 4, kind, sum(map(len, children))) + b"".join(children)


def _chars(text: str) -> bytes:
    return _atom(0x0F9F, struct.pack("<I", 4)) + _atom(0x0FA0, text.encode("utf-16-le"))


def _bytes(text: str) -> bytes:
    return _atom(0x0F9F, struct.pack("<I", 4)) + _atom(0x0FA8, text.encode("latin-1"))


def _slide(*shapes: bytes, hidden: bool = False, kind: int = 0x03EE) -> bytes:
    show = [_atom(0x03F9, bytes(10) + struct.pack("<H", 0x15 if hidden else 0x11) + bytes(4))]
    drawing = _container(0x040C, _container(0xF002, _container(0xF003, *shapes)))
    return _container(kind, _atom(0x03EF, bytes(24)), *show, drawing)


def _persist(persist_id: int) -> bytes:
    return _atom(0x03F3, struct.pack("<5I", persist_id, 0, 0, 256 + persist_id, 0))


def _user_edit(last_edit: int, directory: int, extra: bytes = b"") -> bytes:
    return _atom(0x0FF5, struct.pack("<IHBBIIIIHH", 3, 0, 0, 3, last_edit, directory, 1, 20, 1, 0) + extra)


def _directory(offsets: dict[int, int]) -> bytes:
    return _atom(0x1772, b"".join(struct.pack("<II", 1 << 20 | i, at) for i, at in sorted(offsets.items())))


def _current_user(edit_at: int, token: int = 0xE391C05F) -> bytes:
    body = struct.pack("<IIIHHBBH", 20, token, edit_at, 4, 0x03F4, 3, 0, 0) + b"Anna" + struct.pack("<I", 8)
    return _atom(0x0FF6, body)


def _deck(
    slides: list[bytes], order: list[int], outline: dict[int, list[bytes]] | None = None, token: int = 0xE391C05F
) -> bytes:
    """A compound file of a deck: the document (persist id 1) lists slides `order` (persist ids 2, 3, ... of
    `slides`, which lie in the stream in the order given), each followed by its `outline` texts; a master
    (its own list) and a notes page (the notes list) come with it."""
    master = _slide(_box(_chars("Click to edit Master title style")), kind=0x03F8)
    notes = _slide(_box(_chars("Notes: speak slowly")), kind=0x03F0)
    master_id, notes_id = len(slides) + 2, len(slides) + 3
    lists = [_container(0x0FF0, _persist(master_id), instance=1)]
    lists.append(_container(0x0FF0, *(_persist(i) + b"".join((outline or {}).get(i, [])) for i in order)))
    lists.append(_container(0x0FF0, _persist(notes_id), instance=2))
    stream = _container(0x03E8, _atom(0x03E9, bytes(40)), *lists)
    offsets = {1: 0}
    for i, slide in enumerate([*slides, master, notes]):
        offsets[i + 2] = len(stream)
        stream += slide
    directory = len(stream)
    stream += _directory(offsets)
    edit = len(stream)
    stream += _user_edit(0, directory)
    return compound_file({"Current User": _current_user(edit, token), "PowerPoint Document": stream})


def test_a_deck_as_powerpoint_stores_it_gives_its_texts():
    """Placeholders refer to the outline texts after their slide's entry in the slide list (by number); other
    boxes hold their 8-bit or UTF-16 text; a slide number field's "*" is left out; slides come in the list's
    order, not the stream's; the hidden slide, the master and the notes give nothing."""
    ref = [_box(_atom(0x0F9E, struct.pack("<I", i))) for i in range(2)]
    slides = [
        _slide(ref[0], ref[1], _box(_bytes("Caf\xe9 cr\xe8me \xa35\rs\xe9ance\x0bsuite"))),
        _slide(ref[0], _box(_chars("Page *"), _atom(0x0FD8, struct.pack("<I", 5)))),
        _slide(_box(_chars("Secret")), hidden=True),
    ]
    outline = {2: [_chars("Welcome"), _chars("First point\rSecond point")], 3: [_bytes("Summary"), _chars("Left over")]}
    data = _deck(slides, [3, 2, 4], outline)
    assert _texts(data) == [
        "Summary", "Page", "Left over", "Welcome", "First point", "Second point", "Café crème £5", "séance", "suite",
    ]  # fmt: skip


def test_catppt_reads_the_same_deck(tmp_path):
    """catppt (catdoc 0.95) reads only the slide list's outline texts, which is where PowerPoint keeps them."""
    import shutil
    import subprocess

    if not shutil.which("catppt"):
        pytest.skip("catppt is not installed")
    slides = [_slide(_box(_atom(0x0F9E, struct.pack("<I", 0))))]
    (tmp_path / "d.ppt").write_bytes(_deck(slides, [2], {2: [_chars("Outline title"), _bytes("8-bit line")]}))
    out = subprocess.run(["catppt", "-d", "utf-8", str(tmp_path / "d.ppt")], capture_output=True, text=True).stdout
    assert out.split() == " ".join(_texts((tmp_path / "d.ppt").read_bytes())).split()


def test_a_fast_saved_edit_wins_over_the_older_one():
    """PowerPoint's fast save appends the changed slide, a persist directory for it and a UserEditAtom that
    points back to the previous one: the newest copy of each object is read."""
    old = _deck([_slide(_box(_chars("Old title")))], [2])
    with olefile.OleFileIO(old) as ole:
        stream = ole.openstream("PowerPoint Document").read()
        edit = struct.unpack_from("<I", ole.openstream("Current User").read(), 16)[0]
    new_slide = len(stream)
    stream += _slide(_box(_chars("New title")))
    directory = len(stream)
    stream += _directory({2: new_slide})
    new_edit = len(stream)
    stream += _user_edit(edit, directory)
    data = compound_file({"Current User": _current_user(new_edit), "PowerPoint Document": stream})
    assert _texts(data) == ["New title"]


def _plan(cli, root: Path, name: str):
    return plan_corpus(cli, root, name, {"min_text_length": 1}, total=60)


@pytest.mark.parametrize("name", ["talk.ppt", "talk.pps"])  # a .pps (a show) is a deck that opens as a slide show
def test_a_ppt_corpus_file_plans_through_the_cli(cli, tmp_path, name):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / name).write_bytes((DECKS / "talk.ppt").read_bytes())
    code, err, plan = _plan(cli, tmp_path, name)
    assert code == 0, err
    # DejaVu Sans has no Japanese, Korean or Devanagari: those texts are not drawn
    assert set(plan.text) == {t for t in EXPECTED["talk.ppt"] if max(t) < "\u0800"}


def _encrypted_summary() -> bytes:
    streams = {"Current User": _current_user(0), "PowerPoint Document": bytes(64), "EncryptedSummary": bytes(64)}
    return compound_file(streams)


def _encrypted_session() -> bytes:
    """A deck whose UserEditAtom names a CryptSession10Container, as an encrypted deck's does."""
    stream = _atom(0x03E8) + struct.pack("<HHI", 0xF, 0x2F14, 8) + bytes(8)
    directory = len(stream)
    stream += _directory({1: 0, 2: 8})
    edit = len(stream)
    stream += _user_edit(0, directory, struct.pack("<I", 2))
    return compound_file({"Current User": _current_user(edit), "PowerPoint Document": stream})


def _powerpoint_95() -> bytes:
    name = b"Anna\0"
    return compound_file({"Current User": struct.pack("<I", len(name)) + name, "PowerPoint Document": bytes(600)})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(700), "cannot be read as a PowerPoint 97-2003 deck"),
        (b"Slide 1\nthis was saved as text.\n" * 30, "is not a PowerPoint 97-2003 deck"),
        (b"PK\x03\x04" + bytes(40), "is a .pptx deck named .ppt"),
        (_encrypted_summary(), "is encrypted with a password"),
        (_deck([_slide(_box(_chars("x")))], [2], token=0xF3D1C4DF), "is encrypted with a password"),
        (_encrypted_session(), "is encrypted with a password"),
        (_powerpoint_95(), "saved by PowerPoint 95 or older"),
        (compound_file({"PP40": bytes(100)}), "saved by PowerPoint 95 or older"),
        (compound_file({"Current User": bytes(40), "PowerPoint Document": bytes(100)}), "no valid Current User"),
        (compound_file({"Current User": _current_user(0), "PowerPoint Document": bytes(100)}), "cannot be read"),
        (compound_file({"Hello": b"hi"}), "without a PowerPoint Document stream"),
        ((Path(__file__).parent / "data" / "doc" / "notes.doc").read_bytes(), "is a .doc file named .ppt"),
    ],
    ids=["cut", "text", "pptx", "encrypted-summary", "encrypted-token", "crypt-session", "ppt95", "pp40",
         "no-current-user", "no-user-edit", "other-ole", "word"],
)  # fmt: skip
def test_a_file_that_is_no_readable_ppt_is_a_clear_error(cli, tmp_path, data, message):
    """One paragraph naming the file, exit 2."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "bad.ppt").write_bytes(data)
    code, err, _ = _plan(cli, tmp_path, "bad.ppt")
    assert code == 2 and message in err and "bad.ppt" in err and "Traceback" not in err, err
    assert "\n" not in err.strip().removeprefix("error: "), err


def test_hostile_records_end_and_never_read_past_their_parents():
    """A record longer than its parent, a UserEditAtom chain that loops, a slide listed a thousand times, an
    outline text referred to a thousand times and drawings nested thousands deep: read in bounded time (each
    slide and outline text once), without errors other than UserError."""
    deep = _box(_chars("Deep"))
    for _ in range(3000):
        deep = _container(0xF003, deep)
    refs = [_box(_atom(0x0F9E, struct.pack("<I", 0)))] * 1000
    slides = [_slide(deep), _slide(_box(_chars("Shown")), *refs)]
    data = _deck(slides, [2] * 1000 + [3], {3: [_chars("Outline")]})
    started = time.perf_counter()
    assert _texts(data) == ["Shown", "Outline"]  # what lies deeper than 64 containers is not read
    with olefile.OleFileIO(data) as ole:
        stream = ole.openstream("PowerPoint Document").read()
        edit = struct.unpack_from("<I", ole.openstream("Current User").read(), 16)[0]
    looped = bytearray(stream)
    struct.pack_into("<I", looped, edit + 8 + 8, edit)  # offsetLastEdit: itself
    struct.pack_into("<I", looped, 4, 0xFFFFFFF0)  # the document's length: past the stream's end
    texts = _texts(compound_file({"Current User": _current_user(edit), "PowerPoint Document": bytes(looped)}))
    assert texts[-2:] == ["Shown", "Outline"]
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("seed", range(40))
def test_damaged_decks_give_texts_or_a_user_error(seed):
    """Bytes of a real deck's PowerPoint Document stream overwritten at random: some texts, or a UserError."""
    with olefile.OleFileIO(str(DECKS / "talk.ppt")) as ole:
        streams = {name: ole.openstream(name).read() for name in ("Current User", "PowerPoint Document")}
    rng = random.Random(seed)
    stream = bytearray(streams["PowerPoint Document"])
    for _ in range(rng.choice([1, 8, 64])):
        at = rng.randrange(len(stream) - 4)
        stream[at : at + 4] = rng.choice([b"\xff\xff\xff\xff", b"\x0f\x00", bytes([rng.randrange(256)])])
    data = compound_file({"Current User": streams["Current User"], "PowerPoint Document": bytes(stream)})
    try:
        texts = _texts(data)
    except UserError as exc:
        assert "deck.ppt" in str(exc)
    else:
        assert all(isinstance(t, str) and t for t in texts)


def test_no_text_is_said(cli, tmp_path):
    """A deck whose slides hold no text: the corpus file holds none."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "empty.ppt").write_bytes(_deck([_slide()], [2]))
    code, err, _ = _plan(cli, tmp_path, "empty.ppt")
    assert code == 2 and "holds no text" in err, err
