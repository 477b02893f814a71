"""Make the photo-like backgrounds of configs/scene.yaml procedurally (no photographs, so no licence to carry).

    .venv/bin/python docs/make_scene_backgrounds.py   # writes configs/backgrounds/scene/*.jpg

Each is a 640 x 480 JPEG of a surface text is often photographed on: brick, wood,
concrete, foliage, sky, denim, a night street, a painted wall, brushed metal,
marble, corrugated cardboard, glazed tiles, asphalt, leather. The same seed
gives the same files (new surfaces are made after the older ones, which stay
as they were).
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np

OUT = Path(__file__).resolve().parents[1] / "configs" / "backgrounds" / "scene"
W, H = 640, 480
rng = np.random.default_rng(20261205)


def smooth_noise(scale: float, octaves: int = 4) -> np.ndarray:
    """Fractal value noise in about [-1, 1], features about `scale` pixels wide."""
    out = np.zeros((H, W), np.float32)
    amp, total = 1.0, 0.0
    for k in range(octaves):
        cells = max(2, int(W / scale * 2**k))
        grid = rng.standard_normal((max(2, int(cells * H / W)), cells)).astype(np.float32)
        out += amp * cv2.resize(grid, (W, H), interpolation=cv2.INTER_CUBIC)
        total += amp
        amp *= 0.5
    return out / total


def lit(image: np.ndarray, strength: float = 0.25) -> np.ndarray:
    """A soft light falling off from a random point, as in a photo."""
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    cx, cy = rng.uniform(0.2, 0.8) * W, rng.uniform(0.2, 0.8) * H
    r = np.sqrt((xs - cx) ** 2 + (ys - cy) ** 2) / math.hypot(W, H)
    return image * (1.0 - strength * r)[:, :, None]


def brick() -> np.ndarray:
    img = np.zeros((H, W, 3), np.float32)
    bh, bw, mortar = 30, 68, 4
    for row in range(H // bh + 1):
        offset = (row % 2) * bw // 2
        for col in range(-1, W // bw + 2):
            x0, y0 = col * bw + offset, row * bh
            base = np.array([150, 70, 50]) * rng.uniform(0.75, 1.15) + rng.normal(0, 8, 3)
            img[y0 : y0 + bh, max(0, x0) : max(0, x0 + bw)] = base
            img[y0 : y0 + mortar, max(0, x0) : max(0, x0 + bw)] = (170, 165, 155)
            img[y0 : y0 + bh, max(0, x0) : max(0, x0 + mortar)] = (170, 165, 155)
    img *= (1 + 0.15 * smooth_noise(8))[:, :, None]
    return lit(img)


def wood() -> np.ndarray:
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    warp = 25 * smooth_noise(120, 2)
    grain = 0.5 + 0.5 * np.sin((ys + warp) * 0.35 + 3 * smooth_noise(60, 2))
    planks = ((xs // 160) % 2).astype(np.float32) * 0.08
    tone = 0.75 + 0.2 * grain - planks
    img = np.stack([190 * tone, 130 * tone, 80 * tone], -1)
    img[:, ::160] *= 0.5
    return lit(img, 0.3)


def concrete() -> np.ndarray:
    n = smooth_noise(30, 5)
    base = 140 + 35 * n + rng.normal(0, 6, (H, W))
    img = np.stack([base, base * 0.98, base * 0.95], -1)
    return lit(img, 0.35)


def foliage() -> np.ndarray:
    img = np.zeros((H, W, 3), np.float32) + (40, 70, 30)
    for _ in range(260):
        x, y, r = rng.uniform(0, W), rng.uniform(0, H), rng.uniform(6, 40)
        color = np.array([60, 120, 40]) * rng.uniform(0.6, 1.6) + rng.normal(0, 15, 3)
        cv2.circle(img, (int(x), int(y)), int(r), color.tolist(), -1, cv2.LINE_AA)
    return cv2.GaussianBlur(img, (0, 0), 6)


def sky() -> np.ndarray:
    ys = np.mgrid[0:H, 0:W][0].astype(np.float32) / H
    top, bottom = np.array([70, 120, 200], np.float32), np.array([170, 200, 235], np.float32)
    img = top + (bottom - top) * ys[:, :, None]
    clouds = np.clip(smooth_noise(160, 5) * 1.6 - 0.2, 0, 1)[:, :, None]
    return img + (250 - img) * clouds


def denim() -> np.ndarray:
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    weave = 0.5 + 0.5 * np.sin((xs + ys) * 1.3) * np.sin((xs - ys) * 0.4)
    tone = 0.7 + 0.25 * weave + 0.1 * smooth_noise(20)
    img = np.stack([50 * tone, 80 * tone, 130 * tone], -1)
    return lit(img)


def night() -> np.ndarray:
    img = np.zeros((H, W, 3), np.float32) + (12, 14, 22)
    for _ in range(40):
        x, y, r = rng.uniform(0, W), rng.uniform(0, H * 0.7), rng.uniform(4, 22)
        color = np.array([255, 190, 90]) if rng.random() < 0.6 else np.array([120, 170, 255])
        cv2.circle(img, (int(x), int(y)), int(r), (color * rng.uniform(0.3, 0.9)).tolist(), -1, cv2.LINE_AA)
    img = cv2.GaussianBlur(img, (0, 0), 8)
    return img + rng.normal(0, 3, img.shape)


def painted_wall() -> np.ndarray:
    base = np.array([215, 200, 170], np.float32)
    img = base * (1 + 0.06 * smooth_noise(40, 4))[:, :, None]
    stains = np.clip(smooth_noise(90, 3) - 0.35, 0, 1)[:, :, None]
    img = img * (1 - 0.4 * stains)
    return lit(img, 0.2)


def brushed_metal() -> np.ndarray:
    """Steel brushed in one direction: fine streaks along x, a broad sheen."""
    streaks = cv2.GaussianBlur(rng.standard_normal((H, W)).astype(np.float32), (0, 0), sigmaX=40, sigmaY=0.6)
    streaks /= max(float(streaks.std()), 1e-6)
    xs = np.arange(W, dtype=np.float32)[None, :]
    sheen = 0.12 * np.sin(xs / W * math.pi * rng.uniform(1.0, 2.0) + rng.uniform(0, math.pi))
    tone = 0.72 + 0.05 * streaks + sheen
    return lit(np.stack([165 * tone, 170 * tone, 178 * tone], -1), 0.15)


def marble() -> np.ndarray:
    """Pale stone with dark veins: turbulence through a sine."""
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    veins = np.abs(np.sin((xs * 0.6 + ys) / 55.0 + 5.0 * smooth_noise(120, 5)))
    tone = 0.93 - 0.35 * (1.0 - veins) ** 6 + 0.03 * smooth_noise(10)
    return lit(np.stack([236 * tone, 232 * tone, 226 * tone], -1), 0.12)


def cardboard() -> np.ndarray:
    """Brown corrugated board: the flutes as soft stripes, fibres and dirt over them."""
    ys = np.arange(H, dtype=np.float32)[:, None]
    flutes = 0.05 * np.sin(ys / 4.5 * math.pi)
    tone = 0.85 + flutes + 0.06 * smooth_noise(6, 3) + 0.05 * smooth_noise(70)
    tone = np.broadcast_to(tone, (H, W))
    return lit(np.stack([190 * tone, 150 * tone, 105 * tone], -1), 0.2)


def tiles() -> np.ndarray:
    """Glazed square tiles with grout lines, each tile a slightly different shade."""
    size, grout = 80, 5
    img = np.zeros((H, W, 3), np.float32)
    colour = np.array([90, 150, 160]) if rng.random() < 0.5 else np.array([225, 225, 215])
    for y0 in range(0, H, size):
        for x0 in range(0, W, size):
            img[y0 : y0 + size, x0 : x0 + size] = colour * rng.uniform(0.9, 1.05)
    ys, xs = np.mgrid[0:H, 0:W]
    img[(ys % size < grout) | (xs % size < grout)] = (150, 148, 140)
    img *= (1 + 0.03 * smooth_noise(15))[:, :, None]
    return lit(img, 0.3)


def asphalt() -> np.ndarray:
    """Dark road surface: grey grit, lighter stones, a worn painted line across."""
    grit = rng.normal(0, 1, (H, W)).astype(np.float32)
    tone = 0.32 + 0.045 * cv2.GaussianBlur(grit, (0, 0), 0.6) + 0.05 * smooth_noise(30)
    stones = rng.random((H, W)) < 0.01
    tone[stones] += 0.25
    img = np.stack([tone * 200] * 3, -1)
    y = int(rng.uniform(0.6, 0.8) * H)
    wear = np.clip(0.8 + 0.3 * smooth_noise(12), 0, 1)[y : y + 24, :, None]
    img[y : y + 24] = img[y : y + 24] * (1 - wear) + np.array([230, 215, 120]) * wear
    return lit(img, 0.2)


def leather() -> np.ndarray:
    """Brown leather: a cellular grain of creases."""
    cells = smooth_noise(5, 2)
    creases = np.clip(1.0 - np.abs(cells) * 3.0, 0, 1)
    tone = 0.8 - 0.25 * creases + 0.08 * smooth_noise(60)
    return lit(np.stack([120 * tone, 70 * tone, 40 * tone], -1), 0.25)


MAKERS = {
    "brick": brick,
    "wood": wood,
    "concrete": concrete,
    "foliage": foliage,
    "sky": sky,
    "denim": denim,
    "night": night,
    "painted_wall": painted_wall,
    "brushed_metal": brushed_metal,
    "marble": marble,
    "cardboard": cardboard,
    "tiles": tiles,
    "asphalt": asphalt,
    "leather": leather,
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in MAKERS.items():
        pixels = np.clip(make() + 0.5, 0, 255).astype(np.uint8)
        path = OUT / f"{name}.jpg"
        cv2.imwrite(str(path), cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85])
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
