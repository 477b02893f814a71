"""Geometric effects: rotation and perspective as homographies, curvature and elastic waves as point maps.

Each effect returns a Warp in the frame of the text's box; the renderer chains
them, moves every polygon point with the forward map, and resamples the ink
once through the inverse map.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from synthocr.renderer.geometry import IDENTITY, Frame, Warp, along_across, homography_from_box

Points = NDArray[np.float64]


def _warp(frame: Frame, forward, inverse) -> Warp:
    return Warp(along_across(frame, forward), along_across(frame, inverse))


def curvature_arc(sagitta: float, rng: np.random.Generator, frame: Frame) -> Warp:
    """The line bent along a circular arc whose sagitta is `sagitta` x the line's length (0 = identity).

    The middle of the line keeps its place and its arc length; > 0 bends the
    ends up (towards smaller y, or smaller x for vertical text).
    """
    if sagitta == 0:
        return IDENTITY
    length, mid = frame.length, frame.thickness / 2
    s = abs(sagitta) * length
    radius = (length / 2) ** 2 / (2 * s) + s / 2
    sign = 1.0 if sagitta > 0 else -1.0
    cu, cv = length / 2, mid - sign * radius  # centre of the circle

    def forward(p: Points) -> Points:
        theta = (p[:, 0] - cu) / radius
        rho = radius + sign * (p[:, 1] - mid)
        return np.column_stack((cu + rho * np.sin(theta), cv + sign * rho * np.cos(theta)))

    def inverse(q: Points) -> Points:
        du, dv = q[:, 0] - cu, q[:, 1] - cv
        theta = np.arctan2(du, sign * dv)
        rho = np.hypot(du, dv)
        return np.column_stack((cu + radius * theta, mid + sign * (rho - radius)))

    return _warp(frame, forward, inverse)


def curvature_sine(amplitude: float, wavelength: float, phase: float, rng: np.random.Generator, frame: Frame) -> Warp:
    """The line shifted across itself by a sine of `amplitude` x line height (0 = identity).

    The wavelength is `wavelength` line lengths but at least 4 line heights, so one
    character stays nearly straight; `phase` (degrees) is the wave's phase at the
    line's start.
    """
    if amplitude == 0:
        return IDENTITY
    a = amplitude * frame.thickness
    k = 2 * math.pi / max(frame.length * wavelength, 4 * frame.thickness)
    phi = math.radians(phase)

    def forward(p: Points) -> Points:
        return np.column_stack((p[:, 0], p[:, 1] + a * np.sin(k * p[:, 0] + phi)))

    def inverse(q: Points) -> Points:
        return np.column_stack((q[:, 0], q[:, 1] - a * np.sin(k * q[:, 0] + phi)))

    return _warp(frame, forward, inverse)


def elastic_amplitude(amplitude: float, rng: np.random.Generator, frame: Frame) -> Warp:
    """A smooth random wave distortion moving pixels by up to `amplitude` x line height (0 = identity).

    The field is a sum of three plane waves per axis with wavelengths of 2-6
    line heights. It is defined image -> source (what resampling needs); the
    forward map of polygon points solves it by Newton's method, which converges
    because the field's slope stays below 0.5 within the bounds.
    """
    if amplitude == 0:
        return IDENTITY
    h = frame.thickness
    # Per axis (x, then y), three waves: direction, wavelength (2-6 line heights) and phase, drawn as
    # three uniform(0, 2 pi), three uniform(2, 6) and three uniform(0, 2 pi) values (one draw of 18).
    u = rng.random(18).reshape(2, 3, 3)
    angles, k, phase = 2 * math.pi * u[:, 0], 2 * math.pi / (h * (2.0 + 4.0 * u[:, 1])), 2 * math.pi * u[:, 2]
    # As matrices, so each step is a few matrix products over every point at once:
    # wave m's argument is q @ waves[:, m] + phases[m]; `sums` adds each axis's three waves of a/3
    # (three of them never exceed a); `slopes` gives the field's Jacobian (dDx/dx, dDx/dy, dDy/dx, dDy/dy).
    waves, phases = np.stack(((k * np.cos(angles)).ravel(), (k * np.sin(angles)).ravel())), phase.ravel()
    a = amplitude * h / 3
    sums = np.zeros((6, 2))
    sums[:3, 0] = sums[3:, 1] = a
    slopes = np.concatenate((sums[:, :1] * waves.T, sums[:, 1:] * waves.T), axis=1)
    # Bounds for stopping Newton's method early: the field's second derivatives are at most `curvature`,
    # and its Jacobian I + slopes keeps singular values of at least `stiffness` (> 0.5 within the bounds),
    # so the error after a step of length s is at most curvature / (2 stiffness) * s^2.
    norms = np.sqrt((waves**2).sum(axis=0))
    curvature, stiffness = a * float((norms**2).sum()), 1.0 - a * float(norms.sum())

    def inverse(q: Points) -> Points:
        return q + np.sin(q @ waves + phases) @ sums

    def forward(p: Points) -> Points:
        # Newton's method on q + displacement(q) = p, with the field's exact derivatives: quadratic
        # convergence, stopped once the error is below 1e-7 px (usually after one step at the
        # amplitudes of text, where the first guess is already within a hundredth of a pixel).
        q = p - np.sin(p @ waves + phases) @ sums
        for _ in range(20):
            arg = q @ waves + phases
            r = q + np.sin(arg) @ sums - p
            j = np.cos(arg) @ slopes
            j00, j01, j10, j11 = 1.0 + j[:, 0], j[:, 1], j[:, 2], 1.0 + j[:, 3]
            det = j00 * j11 - j01 * j10
            step = np.column_stack((j11 * r[:, 0] - j01 * r[:, 1], j00 * r[:, 1] - j10 * r[:, 0]))
            step /= det[:, None]
            q = q - step
            largest = float(np.abs(step).max())  # per axis; the step's length is at most sqrt(2) x that
            if largest < 1e-7 or (stiffness > 0 and curvature / stiffness * largest * largest < 1e-7):
                break
        return q

    return Warp(forward, inverse)


def perspective_warp_magnitude(
    magnitude: float, corners: tuple[float, ...], rng: np.random.Generator, frame: Frame
) -> Warp:
    """Each corner of the text moved by up to `magnitude` x the text's size (0 = identity).

    `corners` are the moves as fractions of that reach, x and y of each corner clockwise
    from the top left, each in [-1, 1].
    """
    if magnitude == 0:
        return IDENTITY
    width, height = frame.width, frame.height
    # Scale by the larger side so short lines tilt visibly, but keep corners from crossing.
    reach = magnitude * max(width, height)
    rx, ry = min(reach, width / 4), min(reach, height / 4)
    j0, k0, j1, k1, j2, k2, j3, k3 = corners
    moved = (
        (j0 * rx, k0 * ry),
        (width + j1 * rx, k1 * ry),
        (width + j2 * rx, height + k2 * ry),
        (j3 * rx, height + k3 * ry),
    )
    return Warp.homography(homography_from_box(width, height, moved))


def slant_angle(angle: float, rng: np.random.Generator, frame: Frame) -> Warp:
    """The text sheared by `angle` degrees about the middle of its line (0 = identity): x moves by tan(angle)
    per pixel above it, as an oblique face slants its letters; a vertical line's y by tan(angle) per pixel
    left of its middle."""
    if angle == 0:
        return IDENTITY
    t = math.tan(math.radians(angle))
    if frame.vertical:
        cx = frame.width / 2
        return Warp.homography(np.array(((1.0, 0.0, 0.0), (-t, 1.0, t * cx), (0.0, 0.0, 1.0)), np.float64))
    cy = frame.height / 2
    return Warp.homography(np.array(((1.0, -t, t * cy), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)), np.float64))


def rotation_angle(angle: float, rng: np.random.Generator, frame: Frame) -> Warp:
    """Counter-clockwise rotation by `angle` degrees about the text's centre (0 = identity)."""
    if angle == 0:
        return IDENTITY
    a = math.radians(angle)
    c, s = math.cos(a), math.sin(a)
    cx, cy = frame.width / 2, frame.height / 2
    # y points down in images, so a counter-clockwise turn on screen is (c, s; -s, c), here about (cx, cy).
    return Warp.homography(
        np.array(((c, s, cx - (c * cx + s * cy)), (-s, c, cy - (c * cy - s * cx)), (0.0, 0.0, 1.0)), np.float64)
    )


def crop_fraction(
    fraction: float, sides: tuple[float, ...], rng: np.random.Generator, frame: Frame
) -> tuple[int, int, int, int]:
    """Pixels cut from the padded image on each side (top, right, bottom, left): `sides` x `fraction` x line
    height, rounded down (`sides` in [0, 1], in that order)."""
    if fraction == 0:
        return (0, 0, 0, 0)
    top, right, bottom, left = (math.floor(s * fraction * frame.thickness) for s in sides)
    return top, right, bottom, left
