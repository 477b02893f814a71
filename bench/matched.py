"""The matched contender: a plain Pillow/numpy program doing the renderer's steps on the same plan rows.

It reads the same plan columns as render_row and does the same work the straightforward way, as a
careful user of Pillow would write it without synthocr: the background the row names (plain, noise,
paper, gradient, a crop of an image), the text drawn whole by Pillow (raqm) in the row's font, size
and ink (character by character where a spacing effect moves the letters), the text styles, the
geometric effects on the ink mask (Pillow's MESH, PERSPECTIVE and rotate transforms), ink bleed, the
page effects, the ink composited through the mask, the overlays and image effects the row turns on
(ImageEnhance, ImageFilter, numpy), the image encoded by synthocr's PNG encoder and written with a
label JSON (characters', words' and the line's polygons moved through the same transforms) as two
files. Its pixels are not ours: it is the honest baseline of the same amount of work, not a reference
for how the images should look (bench/fidelity.py does that).
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter, ImageFont

Font = ImageFont.FreeTypeFont
Points = np.ndarray  # (n, 2) float x, y

_SMOOTHING = ("motion_blur_length", "blur_radius", "downscale_factor", "jpeg_quality")
_GRAINY = frozenset({"plain", "noise", "paper"})


def _on(row: dict[str, Any], name: str) -> bool:
    """Whether the row applies effect `name` (its strength is not the declared neutral value)."""
    from synthocr.schemas.params import EFFECTS

    if not _NEUTRAL:
        _NEUTRAL.update({e.name: float(e.neutral) for e in EFFECTS})
    return float(row[name]) != _NEUTRAL[name]


_NEUTRAL: dict[str, float] = {}


def _font(fonts: dict[tuple[str, int], Font], root: Path, name: str, size: int) -> Font:
    key = (name, size)
    font = fonts.get(key)
    if font is None:
        font = fonts[key] = ImageFont.truetype(str(root / name), size)
    return font


# --- background ---------------------------------------------------------------------


def _background(row: dict[str, Any], size: tuple[int, int], rng: np.random.Generator, root: Path) -> Image.Image:
    """The row's background kind at `size`, each made directly with numpy and Pillow."""
    w, h = size
    colour = np.array((row["background_r"], row["background_g"], row["background_b"]), np.float32)
    kind, texture = row["background_kind"], float(row["background_texture"])
    if kind == "plain":
        return Image.new("RGB", size, tuple(int(c) for c in colour))
    if kind == "noise":
        grain = rng.normal(0.0, 6.0 * texture, (h, w, 1)).astype(np.float32)
        return Image.fromarray(np.clip(colour + grain, 0, 255).astype(np.uint8), "RGB")
    if kind == "paper":
        cells = Image.fromarray(rng.normal(0.0, 1.0, (h // 24 + 2, w // 24 + 2)).astype(np.float32), "F")
        blotches = np.asarray(cells.resize(size, Image.Resampling.BICUBIC)) * (7.0 * texture)
        grain = rng.normal(0.0, 2.5 * texture, (h, w)).astype(np.float32)
        return Image.fromarray(np.clip(colour + (blotches + grain)[:, :, None], 0, 255).astype(np.uint8), "RGB")
    if kind == "gradient":
        a = math.radians(float(row["background_angle"]))
        t = np.arange(w, dtype=np.float32)[None, :] * math.cos(a) + np.arange(h, dtype=np.float32)[:, None] * math.sin(
            a
        )
        t = 1.0 - min(0.2 * texture, 1.0) * (t - t.min()) / max(float(t.max() - t.min()), 1.0)
        return Image.fromarray(np.clip(t[:, :, None] * colour, 0, 255).astype(np.uint8), "RGB")
    source = Image.open(root / row["background_file"]).convert("RGB")  # a photo: zoomed, then cropped
    scale = max(w / source.width, h / source.height, 1.0) * float(row["background_scale"])
    source = source.resize((math.ceil(source.width * scale), math.ceil(source.height * scale)))
    x = int(float(row["background_x"]) * (source.width - w))
    y = int(float(row["background_y"]) * (source.height - h))
    return source.crop((x, y, x + w, y + h))


# --- text ----------------------------------------------------------------------------


def _draw_text(row: dict[str, Any], font: Font, margin: int) -> tuple[Image.Image, list[Image.Image], Points, str]:
    """The ink mask of the line ("L"), the masks of the style layers under it (stroke, extrusion, shadow), the four
    corners of every character's box (its advance cell) and the text as drawn."""
    text, direction = row["text"], row["text_direction"]
    if direction == "ttb-mixed":  # Pillow has no sideways runs: the same work, upright
        direction = "ttb"
    size = int(row["font_size"])
    tracking = float(row["letter_spacing"]) * size - float(row["glyph_overlap_intensity"]) * size
    word_gap = float(row["word_spacing"]) * size
    ascent, descent = font.getmetrics()
    if direction == "ttb":
        advances = [float(size)] * len(text)
    else:
        advances = [font.getlength(ch) for ch in text]
    spaced = tracking != 0.0 or word_gap != 0.0
    if spaced:
        advances = [a + tracking + (word_gap if ch.isspace() else 0.0) for a, ch in zip(advances, text)]
    along = np.concatenate(([0.0], np.cumsum(advances)))
    length = max(1, math.ceil(along[-1]))
    if direction == "ttb":
        w, h = size + 2 * margin, length + 2 * margin
    else:
        w, h = length + 2 * margin + size // 2, ascent + descent + 2 * margin
    mask = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(mask)
    pillow_direction = {"ltr": "ltr", "rtl": "rtl", "ttb": "ttb"}[direction]
    stroke = int(round(float(row["stroke_width"]) * size)) if _on(row, "stroke_width") else 0
    layers: list[Image.Image] = []
    if spaced:  # Pillow has no tracking: each character at its own pen position
        for ch, x in zip(text, along[:-1] if direction != "rtl" else along[-2::-1]):
            draw.text((margin + x, margin), ch, fill=255, font=font)
    else:
        draw.text((margin, margin), text, fill=255, font=font, direction=pillow_direction)
    if _on(row, "emphasis_words"):  # the emphasised words again, emboldened by a stroke
        words = text.split(" ")
        n = max(1, min(int(float(row["emphasis_words"])), len(words)))
        start = int(float(row["emphasis_start"]) * (len(words) - n))
        prefix = " ".join(words[:start]) + (" " if start else "")
        x = font.getlength(prefix) if direction != "ttb" else 0.0
        draw.text((margin + x, margin), " ".join(words[start : start + n]), fill=255, font=font, stroke_width=1)
    if stroke:
        outline = Image.new("L", (w, h), 0)
        ImageDraw.Draw(outline).text((margin, margin), text, fill=255, font=font, stroke_width=stroke)
        layers.append(outline)
    if _on(row, "extrusion_depth"):  # raised letters: the text pasted at every pixel along the angle
        a, depth = math.radians(float(row["extrusion_angle"])), float(row["extrusion_depth"]) * size
        sides = Image.new("L", (w, h), 0)
        for k in range(1, max(1, math.ceil(depth)) + 1):
            step = min(k, depth)
            sides = ImageChops.lighter(
                sides, ImageChops.offset(mask, round(step * math.cos(a)), round(step * math.sin(a)))
            )
        layers.append(sides)
    if _on(row, "shadow_opacity"):
        dx, dy = (round(float(row[c]) * size) for c in ("shadow_dx", "shadow_dy"))
        shadow = ImageChops.offset(mask, dx, dy).filter(ImageFilter.GaussianBlur(float(row["shadow_blur"]) * size))
        layers.append(shadow.point(lambda v: int(v * float(row["shadow_opacity"]))))
    for rule, at in (("underline_thickness", ascent + 2), ("strikethrough_thickness", ascent * 2 // 3)):
        if _on(row, rule):
            t = max(1, round(float(row[rule]) * size / 14))  # x the font's rule, about a 14th of its size
            draw.line((margin, margin + at, margin + length, margin + at), fill=255, width=t)
    lo, hi = along[:-1], along[1:]
    if direction == "ttb":
        x0, x1 = np.full_like(lo, margin), np.full_like(lo, margin + size)
        y0, y1 = lo + margin, hi + margin
    else:
        if direction == "rtl":
            lo, hi = along[-1] - hi, along[-1] - lo
        x0, x1 = lo + margin, hi + margin
        y0, y1 = np.full_like(lo, margin), np.full_like(lo, margin + ascent + descent)
    corners = np.stack([np.stack([x0, y0], 1), np.stack([x1, y0], 1), np.stack([x1, y1], 1), np.stack([x0, y1], 1)], 1)
    return mask, layers, corners.reshape(-1, 2), text


# --- geometric effects -----------------------------------------------------------------


def _perspective_coefficients(src: list[tuple[float, float]], dst: list[tuple[float, float]]) -> list[float]:
    """The 8 coefficients of Image.transform's PERSPECTIVE mapping output points `dst` to input points `src`."""
    a = []
    b = []
    for (x, y), (u, v) in zip(dst, src):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b += [u, v]
    return np.linalg.solve(np.array(a, np.float64), np.array(b, np.float64)).tolist()


def _geometric(
    row: dict[str, Any], images: list[Image.Image], points: Points, rng: np.random.Generator
) -> tuple[list[Image.Image], Points]:
    """Slant, curvature, elastic waves, perspective and rotation applied to every mask, the points moved alike."""
    w, h = images[0].size
    size = float(row["font_size"])
    if _on(row, "slant_angle"):  # x moves by t per pixel above the middle; Pillow's affine maps output to input
        t = math.tan(math.radians(float(row["slant_angle"])))
        pad = int(math.ceil(abs(t) * h / 2)) + 1
        shear = (1.0, t, -pad - t * h / 2, 0.0, 1.0, 0.0)
        images = [
            im.transform((w + 2 * pad, h), Image.Transform.AFFINE, shear, Image.Resampling.BICUBIC) for im in images
        ]
        points = points + np.stack([t * (h / 2 - points[:, 1]) + pad, np.zeros(len(points))], 1)
        w += 2 * pad
    bends: list[np.ndarray] = []  # per column, how far down the line moves
    xs = np.arange(0, w + 16, 16, dtype=np.float64)
    if _on(row, "curvature_arc"):
        sagitta = float(row["curvature_arc"]) * w
        bends.append(4 * sagitta * (xs / w) * (1 - xs / w))
    if _on(row, "elastic_amplitude"):
        amplitude = float(row["elastic_amplitude"]) * h
        phase = rng.uniform(0, 2 * math.pi, 2)
        bends.append(amplitude * np.sin(xs / (2.5 * size) + phase[0]) * np.cos(xs / (7.0 * size) + phase[1]))
    if bends:
        shift = np.sum(bends, axis=0)
        pad = int(math.ceil(np.abs(shift).max())) + 1
        out_h = h + 2 * pad
        mesh = []
        for i in range(len(xs) - 1):  # one quad per strip of 16 columns: the straightforward Pillow mesh
            a, b = xs[i], xs[i + 1]
            sa, sb = shift[i], shift[i + 1]
            box = (int(a), 0, int(b), out_h)
            quad = (a, -pad + sa, a, out_h - pad + sa, b, out_h - pad + sb, b, -pad + sb)
            mesh.append((box, quad))
        images = [im.transform((w, out_h), Image.Transform.MESH, mesh, Image.Resampling.BILINEAR) for im in images]
        points = points + np.stack([np.zeros(len(points)), pad - np.interp(points[:, 0], xs, shift)], 1)
        h = out_h
    if _on(row, "perspective_warp_magnitude"):
        offsets = [float(row[f"perspective_{c}{i}"]) for i in range(4) for c in "xy"]
        reach = float(row["perspective_warp_magnitude"]) * max(w, h)
        rx, ry = min(reach, w / 4), min(reach, h / 4)
        src = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)]
        dst = [(x + dx * rx, y + dy * ry) for (x, y), dx, dy in zip(src, offsets[0::2], offsets[1::2])]
        xs_d, ys_d = [p[0] for p in dst], [p[1] for p in dst]
        left, top = min(xs_d), min(ys_d)
        dst = [(x - left, y - top) for x, y in dst]
        out = (math.ceil(max(xs_d) - left), math.ceil(max(ys_d) - top))
        coefficients = _perspective_coefficients(src, dst)
        images = [
            im.transform(out, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC) for im in images
        ]
        forward = _perspective_coefficients(dst, src)  # input -> output, for the points
        a, b, c, d, e, f, g, k = forward
        denominator = g * points[:, 0] + k * points[:, 1] + 1
        points = np.stack(
            [
                (a * points[:, 0] + b * points[:, 1] + c) / denominator,
                (d * points[:, 0] + e * points[:, 1] + f) / denominator,
            ],
            1,
        )
        w, h = out
    if _on(row, "rotation_angle"):
        angle = float(row["rotation_angle"])
        images = [im.rotate(angle, Image.Resampling.BICUBIC, expand=True) for im in images]
        nw, nh = images[0].size
        t = math.radians(angle)
        centred = points - (w / 2, h / 2)
        rotated = np.stack(
            [
                centred[:, 0] * math.cos(t) + centred[:, 1] * math.sin(t),
                -centred[:, 0] * math.sin(t) + centred[:, 1] * math.cos(t),
            ],
            1,
        )
        points = rotated + (nw / 2, nh / 2)
    return images, points


# --- page, overlay and image effects -------------------------------------------------------


def _page(row: dict[str, Any], page: Image.Image, mask: Image.Image, font: Font, rng: np.random.Generator) -> None:
    """The page effects the row turns on, drawn into `page` (before the ink)."""
    w, h = page.size
    draw = ImageDraw.Draw(page)
    ink = (row["ink_r"], row["ink_g"], row["ink_b"])
    if _on(row, "fibre_density"):
        n = int(float(row["fibre_density"]) * w * h / 10_000) + 1  # per 10,000 px², as the plan column says
        length = float(row["fibre_length"])
        tone = int(255 * (1 - float(row["fibre_darkness"])))
        for x, y, a in zip(rng.uniform(0, w, n), rng.uniform(0, h, n), rng.uniform(0, math.pi, n)):
            draw.line((x, y, x + length * math.cos(a), y + length * math.sin(a)), fill=(tone, tone, tone))
    if _on(row, "fleck_density"):
        n = int(float(row["fleck_density"]) * w * h / 10_000) + 1
        r = max(0.5, float(row["fleck_size"]) / 2)
        for x, y in zip(rng.uniform(0, w, n), rng.uniform(0, h, n)):
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(90, 90, 90))
    if _on(row, "laid_lines_strength"):
        spacing = max(2.0, float(row["laid_lines_spacing"]))
        tone = int(255 * (1 - float(row["laid_lines_strength"])))
        for y in np.arange(0, h, spacing):
            draw.line((0, y, w, y), fill=(tone, tone, tone))
    if _on(row, "stain_opacity"):
        stain = Image.new("L", page.size, 0)
        cx, cy = float(row["stain_x"]) * w, float(row["stain_y"]) * h
        r = float(row["stain_radius"]) * h
        ImageDraw.Draw(stain).ellipse((cx - r, cy - r, cx + r, cy + r), fill=int(255 * float(row["stain_opacity"])))
        stain = stain.filter(ImageFilter.GaussianBlur(max(1.0, r / 4)))
        page.paste(Image.new("RGB", page.size, (150, 120, 70)), (0, 0), stain)
    if _on(row, "show_through_opacity"):
        ghost = mask.transpose(Image.Transpose.FLIP_LEFT_RIGHT).filter(
            ImageFilter.GaussianBlur(float(row["show_through_blur"]) * float(row["font_size"]))
        )
        ghost = ghost.point(lambda v: int(v * float(row["show_through_opacity"])))
        full = Image.new("L", page.size, 0)
        full.paste(ghost, (0, int(float(row["show_through_offset"]) * h)))
        page.paste(Image.new("RGB", page.size, ink), (0, 0), full)
    if _on(row, "table_rule_width"):
        t = max(1, round(float(row["table_rule_width"])))
        tone = int(255 * (1 - float(row["table_rule_tone"])))
        draw.line((0, 1, w, 1), fill=(tone, tone, tone), width=t)
        draw.line((0, h - 2, w, h - 2), fill=(tone, tone, tone), width=t)
    if _on(row, "neighbour_lines"):
        gap = float(row["neighbour_gap"]) * float(row["font_size"])
        shift = float(row["neighbour_shift"]) * w
        for y in (-float(row["font_size"]) + gap * 0.2, h - gap):
            draw.text((shift, y), row["text"], fill=ink, font=font)


def _overlay(row: dict[str, Any], image: Image.Image, font: Font, rng: np.random.Generator) -> Image.Image:
    """A stamp's word and a pen mark, over the composed image."""
    w, h = image.size
    if _on(row, "stamp_opacity"):
        layer = Image.new("L", (w, h), 0)
        ImageDraw.Draw(layer).text(
            (float(row["stamp_x"]) * w, float(row["stamp_y"]) * h),
            "PAID",
            fill=int(255 * float(row["stamp_opacity"])),
            font=font,
        )
        layer = layer.rotate(float(row["stamp_angle"]), Image.Resampling.BILINEAR)
        image.paste(Image.new("RGB", (w, h), (190, 30, 40)), (0, 0), layer)
    if _on(row, "pen_mark_width"):
        x, y = float(row["pen_mark_x"]) * w, float(row["pen_mark_y"]) * h
        r = float(row["pen_mark_size"]) * h
        ImageDraw.Draw(image).line(
            (x - r, y, x, y + r / 2, x + r, y - r / 2),
            fill=(20, 40, 160),
            width=max(1, round(float(row["pen_mark_width"]))),
        )
    return image


def _image_effects(row: dict[str, Any], image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """The image effects the row turns on, in the renderer's order, each the plain Pillow/numpy way."""
    w, h = image.size
    if _on(row, "lighting_strength") or _on(row, "vignette_strength") or _on(row, "crease_strength"):
        pixels = np.asarray(image, np.float32)
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        gain = np.ones((h, w), np.float32)
        if _on(row, "lighting_strength"):
            a = math.radians(float(row["lighting_angle"]))
            t = (xs * math.cos(a) + ys * math.sin(a)) / max(w, h)
            gain *= 1.0 - float(row["lighting_strength"]) * (t - t.min())
        if _on(row, "vignette_strength"):
            cx, cy = float(row["vignette_x"]) * w, float(row["vignette_y"]) * h
            d = np.hypot((xs - cx) / w, (ys - cy) / h)
            gain *= 1.0 - float(row["vignette_strength"]) * d**2
        if _on(row, "crease_strength"):
            a = math.radians(float(row["crease_angle"]))
            d = (xs - float(row["crease_position"]) * w) * math.cos(a) + ys * math.sin(a)
            gain *= 1.0 - float(row["crease_strength"]) * np.exp(-((d / max(1.0, float(row["crease_width"]) * h)) ** 2))
        image = Image.fromarray(np.clip(pixels * gain[:, :, None], 0, 255).astype(np.uint8), "RGB")
    if _on(row, "glare_strength"):  # a soft bright spot: the image blended towards white through a falloff
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        sigma = max(1.0, float(row["glare_size"]) * h)
        d2 = ((xs - float(row["glare_x"]) * w) ** 2 + (ys - float(row["glare_y"]) * h) ** 2) / sigma**2
        lift = Image.fromarray((255 * float(row["glare_strength"]) * np.exp(-0.5 * d2)).astype(np.uint8), "L")
        image = Image.composite(Image.new("RGB", (w, h), (255, 255, 255)), image, lift)
    if _on(row, "contrast_factor"):
        image = ImageEnhance.Contrast(image).enhance(float(row["contrast_factor"]))
    if _on(row, "brightness_offset"):
        offset = float(row["brightness_offset"])
        image = image.point(lambda v: min(255, max(0, round(v + offset))))
    if _on(row, "halftone_amount"):
        pixels = np.asarray(image, np.float32)
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        period = max(2.0, float(row["halftone_period"]))
        screen = (
            (np.sin(xs * 2 * math.pi / period) * np.sin(ys * 2 * math.pi / period)) * 40 * float(row["halftone_amount"])
        )
        image = Image.fromarray(np.clip(pixels + screen[:, :, None], 0, 255).astype(np.uint8), "RGB")
    if _on(row, "dust_density"):
        draw = ImageDraw.Draw(image)
        n = int(float(row["dust_density"]) * w * h / 10_000) + 1
        r = max(0.5, float(row["dust_size"]) / 2)
        for x, y in zip(rng.uniform(0, w, n), rng.uniform(0, h, n)):
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(40, 40, 40))
    if _on(row, "motion_blur_length"):
        k = max(3, int(float(row["motion_blur_length"])) | 1)
        k = min(k, 5)
        kernel = [1.0 if j == k // 2 else 0.0 for i in range(k) for j in range(k)]
        image = image.filter(ImageFilter.Kernel((k, k), kernel))
    if _on(row, "blur_radius"):
        image = image.filter(ImageFilter.GaussianBlur(float(row["blur_radius"])))
    if _on(row, "downscale_factor"):
        f = float(row["downscale_factor"])
        small = image.resize((max(1, round(w * f)), max(1, round(h * f))), Image.Resampling.BILINEAR)
        image = small.resize((w, h), Image.Resampling.BILINEAR)
    if _on(row, "noise_sigma"):
        pixels = np.asarray(image, np.float32)
        pixels = pixels + rng.normal(0.0, float(row["noise_sigma"]), (h, w, 1)).astype(np.float32)
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    if _on(row, "salt_pepper_amount"):
        pixels = np.array(image)
        hits = rng.random((h, w)) < float(row["salt_pepper_amount"])
        pixels[hits] = np.where(rng.random(int(hits.sum())) < 0.5, 0, 255)[:, None]
        image = Image.fromarray(pixels, "RGB")
    if _on(row, "binarize_amount"):
        threshold = 128 + float(row["binarize_offset"])
        hard = image.convert("L").point(lambda v: 255 if v > threshold else 0).convert("RGB")
        image = Image.blend(image, hard, float(row["binarize_amount"]))
    if _on(row, "jpeg_quality"):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=int(float(row["jpeg_quality"])))
        buffer.seek(0)
        image = Image.open(buffer).convert("RGB")
    return image


# --- one row ---------------------------------------------------------------------------------


def matched_row(
    row: dict[str, Any], font_root: Path, background_root: Path, fonts: dict[tuple[str, int], Font]
) -> tuple[Image.Image, dict[str, Any]]:
    """One plan row drawn the plain Pillow/numpy way: the image and its label."""
    rng = np.random.default_rng(int(row["seed"]))
    font = _font(fonts, font_root, row["font"], int(row["font_size"]))
    margin = int(row["font_size"]) // 4 + 2
    mask, layers, corners, text = _draw_text(row, font, margin)
    images, corners = _geometric(row, [mask, *layers], corners, rng)
    mask, layers = images[0], images[1:]
    if _on(row, "ink_bleed_radius"):
        mask = mask.filter(ImageFilter.GaussianBlur(float(row["ink_bleed_radius"])))
    top, right, bottom, left = (int(row[f"padding_{s}"]) for s in ("top", "right", "bottom", "left"))
    size = (mask.width + left + right, mask.height + top + bottom)
    page = _background(row, size, rng, background_root)
    full = Image.new("L", size, 0)
    full.paste(mask, (left, top))
    _page(row, page, full, font, rng)
    if _on(row, "plate_opacity"):  # a sign's plate around the line, a border in the ink
        m = float(row["plate_margin"]) * int(row["font_size"])
        plate = page.copy()
        ImageDraw.Draw(plate).rounded_rectangle(
            (left - m, top - m, left + mask.width + m, top + mask.height + m),
            radius=float(row["plate_radius"]) * int(row["font_size"]),
            fill=(200, 200, 200),
            outline=(int(row["ink_r"]), int(row["ink_g"]), int(row["ink_b"])),
            width=max(0, round(float(row["plate_border"]) * int(row["font_size"]))),
        )
        page = Image.blend(page, plate, float(row["plate_opacity"]))
    if _on(row, "highlight_opacity"):  # a marker stroke across the line, multiplied into the paper
        band = Image.new("RGB", size, (255, 255, 255))
        middle, half = top + mask.height / 2, float(row["highlight_height"]) * int(row["font_size"]) / 2
        ImageDraw.Draw(band).rectangle((left, middle - half, left + mask.width, middle + half), fill=(255, 238, 50))
        marked = ImageChops.multiply(page, band)
        page = Image.blend(page, marked, float(row["highlight_opacity"]))
    ink = (int(row["ink_r"]), int(row["ink_g"]), int(row["ink_b"]))
    for layer in layers:
        under = Image.new("L", size, 0)
        under.paste(layer, (left, top))
        page = Image.composite(Image.new("RGB", size, (60, 60, 60)), page, under)
    fill = Image.new("RGB", size, ink)
    if _on(row, "ink_gradient_strength"):  # a two-colour fill across the image, turned to the row's angle
        end = (170, 25, 25) if int(row["ink_gradient_color"]) else (200, 200, 200)
        ramp = Image.linear_gradient("L").rotate(-float(row["ink_gradient_angle"]) - 90).resize(size)
        fill = Image.composite(Image.new("RGB", size, end), fill, ramp)
    image = Image.composite(fill, page, full)
    image = _overlay(row, image, font, rng)
    image = _image_effects(row, image, rng)
    if row["color_mode"] == "L":
        image = image.convert("L")
    if row["background_kind"] in _GRAINY and not any(_on(row, n) for n in _SMOOTHING):
        image.info["synthocr.png_filter"] = "none"  # the same row filter choice as ours
    polygons = np.round(corners + (left, top), 2).reshape(-1, 4, 2)
    chars = [{"text": ch, "polygon": p.tolist()} for ch, p in zip(text, polygons)]
    words = []
    start = 0
    for word in text.split(" "):
        if word:
            part = polygons[start : start + len(word)].reshape(-1, 2)
            words.append({"text": word, "bbox": [*part.min(0).tolist(), *part.max(0).tolist()]})
        start += len(word) + 1
    flat = polygons.reshape(-1, 2)
    label = {
        "image_id": int(row["image_id"]),
        "text": text,
        "width": size[0],
        "height": size[1],
        "chars": chars,
        "words": words,
        "line": {"bbox": [*flat.min(0).tolist(), *flat.max(0).tolist()]},
        "params": {k: v for k, v in row.items()},
    }
    return image, label


def matched_pass(
    rows: list[dict[str, Any]], font_root: Path, background_root: Path, fonts: dict[tuple[str, int], Font], folder: Path
) -> None:
    """matched_row, synthocr's PNG encoder, and the image and its label written as two files, for every row."""
    from synthocr.renderer.imaging import encode_png

    for row in rows:
        image, label = matched_row(row, font_root, background_root, fonts)
        data = encode_png(image, 1)
        stem = folder / f"matched_{row['image_id']:08d}"
        with open(f"{stem}.png", "wb") as fh:
            fh.write(data)
        with open(f"{stem}.json", "w", encoding="utf-8") as fh:
            fh.write(json.dumps(label, ensure_ascii=False, default=str))  # dumps: the C encoder
