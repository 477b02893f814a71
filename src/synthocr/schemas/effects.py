"""Every effect the renderer offers, declared once, in the order it runs (config fields, plan columns, docs)."""

from __future__ import annotations

from synthocr.schemas.declarations import Effect, RangeParam

EFFECTS: tuple[Effect, ...] = (
    # --- layout ---------------------------------------------------------------------------
    Effect(
        "layout",
        0.5,
        (
            RangeParam(
                "glyph_overlap_intensity",
                "float32",
                (0.0, 0.05),
                (0.0, 1.0),
                "fraction of font size",
                "space removed between neighbouring characters (0 = normal spacing, kerning kept)",
                neutral=0.0,
            ),
        ),
        "removes space between clusters (kerning kept; joined Arabic letters stay joined)",
    ),
    # --- geometric ------------------------------------------------------------------------
    Effect(
        "geometric",
        0.3,
        (
            RangeParam(
                "curvature_arc",
                "float32",
                (-0.02, 0.02),
                (-0.3, 0.3),
                "fraction of line length",
                "text along a circular arc: sagitta of the bent line (> 0 bends the ends up, < 0 down)",
                neutral=0.0,
            ),
        ),
        "text along a circular arc",
    ),
    Effect(
        "geometric",
        1.0,
        (
            RangeParam(
                "curvature_sine",
                "float32",
                (0.0, 0.0),
                (0.0, 1.0),
                "fraction of line height",
                "text along a sine wave of this amplitude",
                neutral=0.0,
            ),
            RangeParam(
                "curvature_sine_wavelength",
                "float32",
                (0.6, 1.5),
                (0.1, 10.0),
                "line lengths",
                "wavelength of the sine wave (at least 4 line heights whatever the value)",
                neutral=1.0,
            ),
            RangeParam(
                "curvature_sine_phase",
                "float32",
                (0.0, 360.0),
                (0.0, 360.0),
                "degrees",
                "phase of the sine wave at the start of the line",
                neutral=0.0,
            ),
        ),
        "text along a sine wave",
    ),
    Effect(
        "geometric",
        0.3,
        (
            RangeParam(
                "elastic_amplitude",
                "float32",
                (0.0, 0.02),
                (0.0, 0.15),
                "fraction of line height",
                "largest displacement of a smooth random wave distortion (wavelengths of 2-6 line heights, "
                "drawn from the row's seed)",
                neutral=0.0,
            ),
        ),
        "smooth random wave distortion",
    ),
    Effect(
        "geometric",
        0.5,
        (
            RangeParam(
                "perspective_warp_magnitude",
                "float32",
                (0.0, 0.02),
                (0.0, 0.3),
                "fraction of text size",
                "largest displacement of each corner of the text for a perspective warp",
                neutral=0.0,
            ),
            RangeParam(
                "perspective_corner",
                "float32",
                (-1.0, 1.0),
                (-1.0, 1.0),
                "fraction of the largest displacement",
                "displacement of each corner along x and y (corners clockwise from the top left)",
                neutral=0.0,
                columns=tuple(f"perspective_{axis}{k}" for k in range(4) for axis in "xy"),
            ),
        ),
        "each corner of the text moved; a projective warp",
    ),
    Effect(
        "geometric",
        0.5,
        (
            RangeParam(
                "rotation_angle",
                "float32",
                (-3.0, 3.0),
                (-180.0, 180.0),
                "degrees",
                "counter-clockwise rotation of the text",
                neutral=0.0,
            ),
        ),
        "rotation about the text's centre",
    ),
    # --- frame ----------------------------------------------------------------------------
    Effect(
        "frame",
        1.0,
        (
            RangeParam(
                "crop_fraction",
                "float32",
                (0.0, 0.0),
                (0.0, 0.5),
                "fraction of line height",
                "largest cut into the text's box on each side, after padding (may cut characters)",
                neutral=0.0,
            ),
            RangeParam(
                "crop_side",
                "float32",
                (0.0, 1.0),
                (0.0, 1.0),
                "fraction of the largest cut",
                "cut on each side (top, right, bottom, left)",
                neutral=0.0,
                columns=("crop_top", "crop_right", "crop_bottom", "crop_left"),
            ),
        ),
        "cuts into each side after padding; characters at the edge may be cut",
    ),
    # --- mask -----------------------------------------------------------------------------
    Effect(
        "mask",
        0.3,
        (
            RangeParam(
                "ink_bleed_radius",
                "float32",
                (0.0, 0.8),
                (0.0, 20.0),
                "pixels",
                "radius by which the ink spreads into the paper",
                neutral=0.0,
            ),
        ),
        "ink spreading into the paper",
    ),
    # --- image ----------------------------------------------------------------------------
    Effect(
        "image",
        0.3,
        (
            RangeParam(
                "lighting_strength",
                "float32",
                (0.0, 0.2),
                (0.0, 0.9),
                "fraction of brightness",
                "uneven lighting: the darkest spot of a smooth shading or shadow is this much darker",
                neutral=0.0,
            ),
            RangeParam(
                "lighting_kind",
                "uint8",
                (0, 2),
                (0, 2),
                "kind",
                "0 = light from one side (a ramp), 1 = a bright spot darker towards the edges, "
                "2 = the soft edge of a shadow",
                neutral=0,
            ),
            RangeParam(
                "lighting_angle",
                "float32",
                (0.0, 360.0),
                (0.0, 360.0),
                "degrees",
                "direction in which a ramp darkens, or the shadow lies",
                neutral=0.0,
            ),
            RangeParam(
                "lighting_center",
                "float32",
                (0.2, 0.8),
                (0.0, 1.0),
                "fraction of width / height",
                "centre of the bright spot, or a point on the shadow's edge",
                neutral=0.5,
                columns=("lighting_x", "lighting_y"),
            ),
        ),
        "uneven lighting: a one-sided ramp, a light spot or a soft shadow edge",
    ),
    Effect(
        "image",
        0.5,
        (
            RangeParam(
                "contrast_factor",
                "float32",
                (0.85, 1.0),
                (0.0, 5.0),
                "factor",
                "contrast about mid-grey (1 = unchanged, < 1 faded, > 1 harsher)",
                neutral=1.0,
            ),
        ),
        "contrast about mid-grey",
    ),
    Effect(
        "image",
        0.5,
        (
            RangeParam(
                "brightness_offset",
                "float32",
                (-10.0, 10.0),
                (-255.0, 255.0),
                "grey levels",
                "added to every pixel and channel (0 = unchanged)",
                neutral=0.0,
            ),
        ),
        "grey levels added",
    ),
    Effect(
        "image",
        1.0,
        (
            RangeParam(
                "motion_blur_length",
                "float32",
                (0.0, 0.0),
                (0.0, 50.0),
                "pixels",
                "length of a straight camera-shake streak",
                neutral=0.0,
            ),
            RangeParam(
                "motion_blur_angle",
                "float32",
                (0.0, 180.0),
                (0.0, 180.0),
                "degrees",
                "direction of the streak, counter-clockwise from the x axis",
                neutral=0.0,
            ),
        ),
        "straight streak, as from a shaking camera",
    ),
    Effect(
        "image",
        0.3,
        (
            RangeParam(
                "blur_radius",
                "float32",
                (0.0, 0.8),
                (0.0, 50.0),
                "pixels",
                "gaussian blur radius",
                neutral=0.0,
            ),
        ),
        "gaussian blur",
    ),
    Effect(
        "image",
        1.0,
        (
            RangeParam(
                "downscale_factor",
                "float32",
                (1.0, 1.0),
                (1.0, 8.0),
                "factor",
                "image shrunk by this factor and enlarged back, losing detail (1 = unchanged)",
                neutral=1.0,
            ),
        ),
        "shrunk and enlarged back",
    ),
    Effect(
        "image",
        0.3,
        (
            RangeParam(
                "noise_sigma",
                "float32",
                (0.0, 8.0),
                (0.0, 255.0),
                "grey levels",
                "standard deviation of additive gaussian pixel noise (the field drawn from the row's seed)",
                neutral=0.0,
            ),
        ),
        "gaussian noise, per pixel and channel",
    ),
    Effect(
        "image",
        1.0,
        (
            RangeParam(
                "salt_pepper_amount",
                "float32",
                (0.0, 0.0),
                (0.0, 0.5),
                "fraction of pixels",
                "share of pixels set to pure black or white (impulse noise, drawn from the row's seed)",
                neutral=0.0,
            ),
        ),
        "single pixels set to black or white",
    ),
    Effect(
        "image",
        1.0,
        (
            RangeParam(
                "jpeg_quality",
                "int16",
                (0, 0),
                (0, 100),
                "JPEG quality",
                "JPEG compression artifacts at this quality, 1-100 (0 = not applied)",
                neutral=0,
            ),
        ),
        "JPEG round trip",
    ),
)
