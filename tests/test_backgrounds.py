"""Background parameters from the plan: texture strength, gradient angle and image zoom change the pixels."""

from __future__ import annotations

import numpy as np
from PIL import Image

from synthocr.renderer.effects.backgrounds import PROCEDURAL, image_crop

SIZE = (160, 48)
COLOR = (220, 210, 190)
MID = (0.5, 0.5)  # texture offset: the middle of the free space


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image, np.int16)


def test_texture_zero_is_flat_and_strength_grows_with_texture():
    for kind in ("noise", "paper", "gradient"):
        flat = pixels(PROCEDURAL[kind](SIZE, COLOR, 0.0, 0.0, MID, np.random.default_rng(1)))
        assert flat.std(axis=(0, 1)).max() < 0.6, kind
        weak = pixels(PROCEDURAL[kind](SIZE, COLOR, 0.5, 0.0, MID, np.random.default_rng(1))).std()
        strong = pixels(PROCEDURAL[kind](SIZE, COLOR, 2.0, 0.0, MID, np.random.default_rng(1))).std()
        assert strong > weak > 0.3, kind


def test_gradient_darkens_towards_its_angle():
    right = pixels(PROCEDURAL["gradient"](SIZE, COLOR, 1.0, 0.0, MID, np.random.default_rng(0)))
    left = pixels(PROCEDURAL["gradient"](SIZE, COLOR, 1.0, 180.0, MID, np.random.default_rng(0)))
    down = pixels(PROCEDURAL["gradient"](SIZE, COLOR, 1.0, 90.0, MID, np.random.default_rng(0)))
    assert right[:, -1].mean() < right[:, 0].mean()
    assert left[:, 0].mean() < left[:, -1].mean()
    assert down[-1].mean() < down[0].mean()


def test_image_zoom_changes_the_crop_not_its_size():
    ys, xs = np.mgrid[0:120, 0:300]
    source = Image.fromarray(((xs * 3 + ys * 5) % 256).astype(np.uint8), "L").convert("RGB")
    plain = image_crop(source, SIZE, 0.3, 0.6, 1.0)
    zoomed = image_crop(source, SIZE, 0.3, 0.6, 2.5)
    assert plain.size == zoomed.size == SIZE
    assert np.abs(pixels(plain) - pixels(zoomed)).max() > 0


def test_zoomed_crop_matches_zooming_the_whole_image_then_cropping():
    """The crop resamples only what it shows, with the filter positions of the whole zoomed photo."""
    ys, xs = np.mgrid[0:140, 0:330]
    source = Image.fromarray(np.stack([(xs * 3 + ys * 5) % 256, (xs * ys) % 256, xs % 256], -1).astype(np.uint8))
    for zoom, fx, fy in ((1.3, 0.3, 0.6), (2.5, 0.0, 0.0), (1.7, 1.0, 1.0), (1.0, 0.5, 0.5)):
        scale = max(SIZE[0] / source.width, SIZE[1] / source.height, 1.0) * zoom
        whole = source.resize(
            (int(np.ceil(source.width * scale)), int(np.ceil(source.height * scale))), Image.Resampling.BILINEAR
        )
        x, y = int(fx * (whole.width - SIZE[0])), int(fy * (whole.height - SIZE[1]))
        expected = pixels(whole.crop((x, y, x + SIZE[0], y + SIZE[1])))
        assert np.abs(pixels(image_crop(source, SIZE, fx, fy, zoom)) - expected).max() <= 2, (zoom, fx, fy)


def test_paper_is_cut_from_its_texture_at_the_rows_offset():
    """The plan's offset (background_x, background_y) picks the window of the shared texture, not the
    generator; an image larger than the texture square gets a texture of its own, as textured as the others."""
    from synthocr.renderer.effects.backgrounds import PAPER_TILE

    first = pixels(PROCEDURAL["paper"](SIZE, COLOR, 1.0, 0.0, MID, np.random.default_rng(1)))
    again = pixels(PROCEDURAL["paper"](SIZE, COLOR, 1.0, 0.0, MID, np.random.default_rng(2)))
    other = pixels(PROCEDURAL["paper"](SIZE, COLOR, 1.0, 0.0, (0.2, 0.9), np.random.default_rng(1)))
    assert np.array_equal(first, again) and np.abs(first - other).max() > 0
    wide = pixels(PROCEDURAL["paper"]((PAPER_TILE + 7, 30), COLOR, 1.0, 0.0, MID, np.random.default_rng(1)))
    assert wide.shape == (30, PAPER_TILE + 7, 3)
    assert 0.5 * first.std() < wide.std() < 2 * first.std()


def test_a_photo_stored_sideways_is_used_upright(tmp_path):
    """A phone stores a portrait photo as a landscape one with an EXIF orientation; the background is the
    photo as viewers show it (white on the left, black on the right), not its stored pixels."""
    from synthocr.renderer.assets import RenderAssets

    upright = np.zeros((120, 80, 3), np.uint8)  # 80 wide, 120 tall
    upright[:, :40] = 255
    stored = np.rot90(upright, -1)  # turned a quarter clockwise, as the camera held sideways wrote it
    exif = Image.Exif()
    exif[0x0112] = 8  # Orientation: turn a quarter counter-clockwise to view
    Image.fromarray(np.ascontiguousarray(stored)).save(tmp_path / "portrait.jpg", exif=exif, quality=95)
    image = RenderAssets({"background": str(tmp_path)}).background("portrait.jpg")
    assert image.size == (80, 120)
    grey = np.asarray(image.convert("L"), np.int16)
    assert grey[:, :30].mean() > 240 and grey[:, 50:].mean() < 15


def test_transparent_backgrounds_lie_on_white_paper(tmp_path):
    """A PNG texture with alpha, a transparent palette PNG and a GIF: transparent pixels were their stored
    colour (black in most files) and now show white paper, as under the image on a page."""
    from synthocr.renderer.assets import RenderAssets

    stains = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    stains.paste((120, 80, 40, 255), (0, 0, 20, 40))
    stains.save(tmp_path / "stains.png")
    palette = Image.new("P", (60, 40), 0)
    palette.putpalette([0, 0, 0, 120, 80, 40])
    palette.paste(1, (0, 0, 20, 40))
    palette.save(tmp_path / "palette.png", transparency=0)
    palette.save(tmp_path / "palette.gif", transparency=0)
    assets = RenderAssets({"background": str(tmp_path)})
    for name in ("stains.png", "palette.png", "palette.gif"):
        rgb = np.asarray(assets.background(name), np.int16)
        assert (rgb[:, 25:] == 255).all(), name  # transparent: white
        assert (rgb[:, :20] == (120, 80, 40)).all(), name  # opaque: as stored


def test_grey_images_of_more_than_8_bits_show_as_a_viewer_shows_them(tmp_path):
    """A 16-bit PNG (scans, microscopy, depth maps) and a float TIFF: Pillow's convert("RGB") clipped them at
    255, a 16-bit image came out white and a float one black. Now v / 257 and v * 255, as GIMP shows them."""
    from synthocr.renderer.assets import RenderAssets

    ramp = np.linspace(0, 1, 64 * 40).reshape(40, 64)
    Image.fromarray(np.rint(ramp * 65535).astype(np.uint16)).save(tmp_path / "scan16.png")
    Image.fromarray(ramp.astype(np.float32)).save(tmp_path / "depth.tif")
    assets = RenderAssets({"background": str(tmp_path)})
    for name in ("scan16.png", "depth.tif"):
        grey = np.asarray(assets.background(name).convert("L"), np.int16)
        assert np.abs(grey - np.rint(ramp * 255)).max() <= 1, name


def test_background_files_of_every_kind_people_download(cli, tmp_path, caplog):
    """.jfif (Chrome on Windows), .gif, .avif and upper-case .JPG are backgrounds; a phone's .heic is named
    in a warning (a folder of nothing else is a config error), never passed over without a word."""
    from PIL import features

    folder = tmp_path / "bgs"
    folder.mkdir()
    kinds = {"a.jfif": "JPEG", "b.gif": "GIF", "c.JPG": "JPEG", "d.png": "PNG"}
    if features.check("avif"):
        kinds["e.avif"] = "AVIF"
    for name, fmt in kinds.items():
        Image.new("RGB", (90, 60), (200, 180, 160)).save(folder / name, format=fmt)
    (folder / "IMG_0001.HEIC").write_bytes(b"\0\0\0\x18ftypheic")
    config = tmp_path / "c.yaml"
    config.write_text(
        f"total_images: 60\nseed: 1\nbackground_dir: {folder}\nspecifications:\n"
        "  - name: a\n    corpus_file: latin.txt\n    background_weights: {image: 1}\n"
    )
    code, _, err = cli("plan", config, "-o", tmp_path / "p.parquet")
    assert code == 0, err
    import pyarrow.parquet as pq

    assert set(pq.read_table(tmp_path / "p.parquet").column("background_file").to_pylist()) == set(kinds)
    assert "its 1 .heic file(s) cannot be read" in caplog.text and "they are left out" in caplog.text
    code, _, err = cli("render", tmp_path / "p.parquet", "-o", tmp_path / "out", "--workers", "1", "--quiet")
    assert code == 0, err
    for name in kinds:
        (folder / name).unlink()
    code, _, err = cli("plan", config, "-o", tmp_path / "q.parquet")
    assert code == 2 and "holds no image file" in err and "its 1 .heic file(s) cannot be read" in err
