"""Web fonts (.woff, .woff2) in a font dir: planned and drawn as the TrueType fonts they wrap, pixel for pixel."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from PIL import Image

from synthocr.assets import BUILTIN_DIRS

ttLib = pytest.importorskip("fontTools.ttLib")
pytest.importorskip("brotli")

FONTS = {"DejaVuSans": "woff2", "NotoNaskhArabic-Regular": "woff"}


def web_font(src, dst, flavor: str) -> None:
    font = ttLib.TTFont(src)
    font.flavor = flavor
    font.save(dst)


@pytest.fixture(scope="module")
def dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("webfonts")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SYNTHOCR_CACHE", str(root / "cache"))
        yield _fonts(root)


def _fonts(root):
    for kind in ("ttf", "web"):
        (root / kind).mkdir()
    for stem, flavor in FONTS.items():
        shutil.copy(BUILTIN_DIRS["font"] / f"{stem}.ttf", root / "ttf" / f"{stem}.ttf")
        web_font(BUILTIN_DIRS["font"] / f"{stem}.ttf", root / "web" / f"{stem}.{flavor}", flavor)
    return root


def config(root, kind: str) -> str:
    path = root / f"{kind}.yaml"
    path.write_text(
        f"total_images: 24\nseed: 5\nfont_dir: {root / kind}\nspecifications:\n"
        "  - name: latin\n    corpus_file: latin.txt\n"
        "  - name: arabic\n    corpus_file: arabic.txt\n    text_direction: rtl\n"
    )
    return str(path)


def test_web_fonts_draw_the_same_pixels_as_the_fonts_they_wrap(cli, dirs):
    """Pillow's FreeType (WOFF) and fontTools (WOFF2) are not ours: the planner and renderer see the same fonts."""
    tables = {}
    for kind in ("ttf", "web"):
        plan = dirs / f"{kind}.parquet"
        code, _, err = cli("plan", config(dirs, kind), "-o", plan)
        assert code == 0, err
        code, _, err = cli("render", plan, "-o", dirs / f"out-{kind}", "--workers", "1", "--quiet")
        assert code == 0, err
        tables[kind] = pq.read_table(plan).drop_columns(["font", "font_sha1"]).replace_schema_metadata(None)
    assert tables["ttf"].equals(tables["web"])  # every other column, the text and the look, is the same
    fonts = set(pq.read_table(dirs / "web.parquet").column("font").to_pylist())
    assert fonts == {"DejaVuSans.woff2", "NotoNaskhArabic-Regular.woff"}
    assert len(list((dirs / "cache" / "fonts").glob("*.otf"))) == 2  # unwrapped once, for planner and workers
    images = sorted((dirs / "out-ttf").rglob("image_*.png"))
    assert len(images) == 24
    for image in images:
        other = dirs / "out-web" / image.relative_to(dirs / "out-ttf")
        assert other.read_bytes() == image.read_bytes(), image.name


def test_without_a_writable_cache_web_fonts_are_unwrapped_in_memory(cli, dirs, tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("SYNTHOCR_CACHE", str(tmp_path / "file"))
    code, _, err = cli("plan", config(dirs, "web"), "-o", tmp_path / "p.parquet")
    assert code == 0, err
    assert (tmp_path / "p.parquet").read_bytes() == (dirs / "web.parquet").read_bytes()
    code, _, err = cli("render", tmp_path / "p.parquet", "-o", tmp_path / "out", "--workers", "1", "--quiet")
    assert code == 0, err
    for image in sorted((dirs / "out-web").rglob("image_*.png")):
        assert (tmp_path / "out" / image.relative_to(dirs / "out-web")).read_bytes() == image.read_bytes()


def test_pillow_reads_the_woff_as_we_do(dirs):
    """An independent reader of WOFF: Pillow's FreeType draws the .woff file as the .ttf it came from."""
    from PIL import ImageDraw, ImageFont

    def draw(path) -> bytes:
        font = ImageFont.truetype(str(path), 28, layout_engine=ImageFont.Layout.RAQM)
        image = Image.new("L", (400, 60), 255)
        ImageDraw.Draw(image).text((10, 10), "مرحبا بكم", font=font, fill=0, direction="rtl")
        return image.tobytes()

    stem = "NotoNaskhArabic-Regular"
    assert draw(dirs / "web" / f"{stem}.woff") == draw(dirs / "ttf" / f"{stem}.ttf")


def test_fonts_command_lists_web_fonts(cli, dirs):
    code, out, err = cli("fonts", dirs / "web", "--corpus", BUILTIN_DIRS["corpus"])
    assert code == 0, err
    assert "NotoNaskhArabic-Regular.woff" in out and "DejaVuSans.woff2" in out


def test_woff2_without_its_extra_names_the_extra(cli, dirs, tmp_path, monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "brotli", None)  # as if not installed
    code, _, err = cli("plan", config(dirs, "web"), "-o", tmp_path / "p.parquet")
    assert code == 2, err
    assert "DejaVuSans.woff2 left out" in caplog.text and "pip install 'synthocr[webfonts]'" in caplog.text


def test_a_damaged_web_font_is_left_out_with_its_reason(cli, dirs, tmp_path, caplog):
    folder = tmp_path / "fonts"
    shutil.copytree(dirs / "web", folder)
    data = (folder / "DejaVuSans.woff2").read_bytes()
    (folder / "DejaVuSans.woff2").write_bytes(data[: len(data) // 2])  # cut in half, as a failed download
    path = tmp_path / "c.yaml"
    path.write_text(
        f"total_images: 4\nseed: 1\nfont_dir: {folder}\nspecifications:\n"
        "  - name: arabic\n    corpus_file: arabic.txt\n    text_direction: rtl\n"
    )
    code, _, err = cli("plan", path, "-o", tmp_path / "p.parquet")
    assert code == 0, err
    assert "DejaVuSans.woff2 left out: cannot be loaded" in caplog.text
    assert set(pq.read_table(tmp_path / "p.parquet").column("font").to_pylist()) == {"NotoNaskhArabic-Regular.woff"}


def _woff1_bomb(path, declared: int) -> None:
    """DejaVu Sans as WOFF whose `name` table declares `declared` bytes and holds a zlib stream of that many
    zeros: a few hundred KB that fontTools would unwrap into all of them."""
    import struct
    import zlib

    font = ttLib.TTFont(BUILTIN_DIRS["font"] / "DejaVuSans.ttf")
    font.flavor = "woff"
    buf = io.BytesIO()
    font.save(buf)
    data = bytearray(buf.getvalue())
    bomb = zlib.compress(bytes(declared), 1)
    offset = len(data)
    data += bomb + bytes(-len(bomb) % 4)
    for p in range(44, 44 + 20 * struct.unpack(">H", data[12:14])[0], 20):
        if data[p : p + 4] == b"name":
            struct.pack_into(">III", data, p + 4, offset, len(bomb), declared)
    struct.pack_into(">I", data, 8, len(data))
    path.write_bytes(bytes(data))


def test_a_web_font_declaring_too_much_is_refused_before_unwrapping(cli, dirs, tmp_path, caplog):
    folder = tmp_path / "fonts"
    shutil.copytree(dirs / "web", folder)
    _woff1_bomb(folder / "Bomb.woff", 100 << 20)  # 100 MiB of zeros in 100 KiB
    path = tmp_path / "c.yaml"
    path.write_text(
        f"total_images: 4\nseed: 1\nfont_dir: {folder}\nspecifications:\n  - name: a\n    corpus_file: latin.txt\n"
    )
    code, _, err = cli("plan", path, "-o", tmp_path / "p.parquet")
    assert code == 0, err
    assert "Bomb.woff left out" in caplog.text and "a decompression bomb, or a damaged file" in caplog.text
    assert "Bomb.woff" not in set(pq.read_table(tmp_path / "p.parquet").column("font").to_pylist())


@pytest.mark.parametrize("flavor", ["woff", "woff2"])
def test_declared_size_is_what_fonttools_unwraps(dirs, flavor):
    from synthocr.web_fonts import declared_size, unwrap

    stem = "NotoNaskhArabic-Regular"
    font = ttLib.TTFont(BUILTIN_DIRS["font"] / f"{stem}.ttf")
    font.flavor = flavor
    buf = io.BytesIO()
    font.save(buf)
    data = buf.getvalue()
    assert abs(declared_size(data) - len(unwrap(data, stem))) < 0.01 * len(unwrap(data, stem))
    with pytest.raises(ValueError, match="cut short"):
        declared_size(data[:60])


def test_a_variable_web_font_draws_its_instances_as_the_ttf(cli, dirs, tmp_path):
    """Google Fonts serves variable fonts as WOFF2: every named instance draws the pixels of the .ttf's."""
    inter = Path(__file__).parent / "fonts" / "Inter-subset.var.ttf"
    images = {}
    for kind in ("ttf", "woff2"):
        folder = tmp_path / kind / "fonts"
        folder.mkdir(parents=True)
        if kind == "ttf":
            shutil.copy(inter, folder / "Inter.ttf")
        else:
            web_font(inter, folder / "Inter.woff2", "woff2")
        config = tmp_path / kind / "c.yaml"
        config.write_text(
            f"total_images: 30\nseed: 2\nfont_dir: {folder}\nspecifications:\n  - name: a\n    corpus_file: latin.txt\n"
            '    font_instances: ["*"]\n    min_text_length: 4\n    max_text_length: 12\n'
        )
        code, _, err = cli("plan", config, "-o", tmp_path / kind / "p.parquet")
        assert code == 0, err
        code, _, err = cli("render", tmp_path / kind / "p.parquet", "-o", tmp_path / kind / "out", "--workers", "1")
        assert code == 0, err
        images[kind] = {p.name: p.read_bytes() for p in (tmp_path / kind / "out").rglob("image_*.png")}
    assert len(images["ttf"]) == 30 and images["ttf"] == images["woff2"]
    instances = set(pq.read_table(tmp_path / "woff2" / "p.parquet").column("font_instance").to_pylist())
    assert len(instances) > 5
