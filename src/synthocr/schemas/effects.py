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
                "space removed between neighbouring characters (0 = normal spacing, kerning kept; at most half the narrower one's advance)",
                neutral=0.0,
            ),
        ),
        "removes space between clusters (kerning kept; joined Arabic letters stay joined; at most half the "
        "narrower letter's advance, so none is drawn inside its neighbour; a word gap keeps at least half its "
        "width)",
    ),
    Effect(
        "layout",
        0.08,
        (
            RangeParam(
                "letter_spacing",
                "float32",
                (0.03, 0.2),
                (-0.2, 2.0),
                "fraction of font size",
                "tracking: space added between neighbouring clusters (< 0 tightens; never inside a cluster, and "
                "not in cursive scripts such as Arabic, whose letters stay joined and evenly spaced, nor in "
                "Devanagari, Bengali and Gurmukhi, whose headline joins the letters of a word)",
                neutral=0.0,
            ),
        ),
        "letter spacing (tracking) between clusters",
    ),
    Effect(
        "layout",
        0.08,
        (
            RangeParam(
                "word_spacing",
                "float32",
                (0.1, 0.6),
                (-0.5, 4.0),
                "fraction of font size",
                "added to the advance of every whitespace character (< 0 narrows; with the other spacing, a word gap "
                "keeps at least half its natural width, so the label's spaces stay visible)",
                neutral=0.0,
            ),
        ),
        "word spacing: wider or narrower spaces",
    ),
    # --- style ----------------------------------------------------------------------------
    Effect(
        "style",
        0.03,
        (
            RangeParam(
                "underline_thickness",
                "float32",
                (1.0, 1.6),
                (0.0, 10.0),
                "x the font's underline thickness",
                "an underline, drawn in the ink (not a character of the text) at the font's underline position "
                "(post table); right of the column in vertical text",
                neutral=0.0,
            ),
            RangeParam(
                "underline_gap",
                "float32",
                (0.0, 0.06),
                (-0.3, 0.3),
                "fraction of font size",
                "the underline moved this far away from the text, beyond the font's position",
                neutral=0.0,
            ),
            RangeParam(
                "underline_words",
                "uint8",
                (0, 1),
                (0, 1),
                "0 / 1",
                "0 = one rule from the first word to the last, 1 = a rule under each word (spaces left out)",
                neutral=0,
            ),
        ),
        "underline, drawn (the label's text unchanged)",
    ),
    Effect(
        "style",
        0.01,
        (
            RangeParam(
                "strikethrough_thickness",
                "float32",
                (1.0, 1.5),
                (0.0, 10.0),
                "x the font's strikeout size",
                "a line through the text, drawn in the ink at the font's strikeout position (OS/2 table); "
                "through the column's middle in vertical text",
                neutral=0.0,
            ),
            RangeParam(
                "strikethrough_words",
                "uint8",
                (0, 1),
                (0, 1),
                "0 / 1",
                "0 = one line from the first word to the last, 1 = one through each word",
                neutral=0,
            ),
        ),
        "strikethrough, drawn (the label's text unchanged)",
    ),
    Effect(
        "style",
        0.06,
        (
            RangeParam(
                "emphasis_words",
                "uint8",
                (1, 2),
                (0, 255),
                "words",
                "a run of this many consecutive words set apart from the rest in weight and/or colour",
                neutral=0,
            ),
            RangeParam(
                "emphasis_start",
                "float32",
                (0.0, 1.0),
                (0.0, 1.0),
                "fraction of the line's words",
                "where the run starts (0 = the first word; the run is moved back to end at the last word at most)",
                neutral=0.0,
            ),
            RangeParam(
                "emphasis_bold",
                "float32",
                (0.0, 0.04),
                (0.0, 0.2),
                "fraction of font size",
                "synthetic bold: the run's glyph outlines grown by this (FreeType's outline embolden; advances "
                "grow by as much outside cursive scripts; 0 = the regular weight)",
                neutral=0.0,
            ),
            RangeParam(
                "emphasis_color",
                "uint8",
                (0, 4),
                (0, 4),
                "index",
                "the run's ink: 0 = the line's, 1 red, 2 blue, 3 green, 4 violet (light tints on light-on-dark "
                "lines; moved in lightness to keep min_contrast)",
                neutral=0,
            ),
            RangeParam(
                "emphasis_italic",
                "uint8",
                (0, 1),
                (0, 1),
                "flag",
                "1: the run in synthetic italic, its glyph outlines slanted by 12 degrees as FreeType's oblique "
                "(FT_GlyphSlot_Oblique) slants them, advances unchanged; 0: upright",
                neutral=0,
            ),
        ),
        "a run of words in bold, italic and/or another colour",
    ),
    Effect(
        "style",
        0.03,
        (
            RangeParam(
                "shadow_opacity",
                "float32",
                (0.3, 0.7),
                (0.0, 1.0),
                "fraction",
                "a drop shadow under the text (and its stroke): its opacity",
                neutral=0.0,
            ),
            RangeParam(
                "shadow_offset",
                "float32",
                (0.02, 0.08),
                (-0.5, 0.5),
                "fraction of font size",
                "the shadow's shift right (x) and down (y) from the text",
                neutral=0.0,
                columns=("shadow_dx", "shadow_dy"),
            ),
            RangeParam(
                "shadow_blur",
                "float32",
                (0.0, 0.04),
                (0.0, 0.3),
                "fraction of font size",
                "gaussian blur radius of the shadow (0 = a hard shadow)",
                neutral=0.0,
            ),
            RangeParam(
                "shadow_tone",
                "float32",
                (0.0, 0.3),
                (0.0, 1.0),
                "0-1",
                "the shadow's grey: 0 = black, 1 = white",
                neutral=0.0,
            ),
        ),
        "drop shadow",
    ),
    Effect(
        "style",
        0.03,
        (
            RangeParam(
                "stroke_width",
                "float32",
                (0.02, 0.06),
                (0.0, 0.3),
                "fraction of font size",
                "an outline of this width around every glyph (and rule), in another colour, under the text's ink",
                neutral=0.0,
            ),
            RangeParam(
                "stroke_color",
                "uint8",
                (0, 255),
                (0, 255),
                "grey levels",
                "the outline's colour: red, green and blue, drawn from the row's ink (a contrasting near-white or "
                "near-black outline, or a deeper shade of the ink), each channel then held in this range",
                neutral=0,
                columns=("stroke_r", "stroke_g", "stroke_b"),
            ),
        ),
        "outline (stroke) in another colour",
    ),
    Effect(
        "style",
        0.02,
        (
            RangeParam(
                "extrusion_depth",
                "float32",
                (0.03, 0.08),
                (0.0, 0.3),
                "fraction of font size",
                "a 3D extrusion: the text (and its stroke) repeated behind itself at every pixel up to this depth, "
                "as the solid sides of raised letters",
                neutral=0.0,
            ),
            RangeParam(
                "extrusion_angle",
                "float32",
                (30.0, 150.0),
                (-180.0, 180.0),
                "degrees",
                "the direction the sides run, clockwise from the right (90 = down)",
                neutral=0.0,
            ),
            RangeParam(
                "extrusion_shade",
                "float32",
                (0.25, 0.6),
                (0.0, 1.0),
                "fraction",
                "the sides' colour: the line's ink mixed this far towards white (dark ink) or black (light ink) "
                "in linear light",
                neutral=0.0,
            ),
        ),
        "3D extrusion (raised letters' sides)",
    ),
    Effect(
        "style",
        0.03,
        (
            RangeParam(
                "ink_gradient_strength",
                "float32",
                (0.5, 1.0),
                (0.0, 1.0),
                "fraction",
                "a gradient fill: how far the ink at the line's far end moves from the line's ink towards the "
                "second colour (in linear light; then held at min_contrast as the line's ink is)",
                neutral=0.0,
            ),
            RangeParam(
                "ink_gradient_angle",
                "float32",
                (-180.0, 180.0),
                (-180.0, 180.0),
                "degrees",
                "the direction the ink changes in across the line's box, clockwise from the right (90 = top to bottom)",
                neutral=0.0,
            ),
            RangeParam(
                "ink_gradient_color",
                "uint8",
                (0, 4),
                (0, 4),
                "index",
                "the second colour: 0 = a paler shade of the ink (darker for light ink), 1 red, 2 blue, 3 green, "
                "4 violet (light tints on light-on-dark lines)",
                neutral=0,
            ),
        ),
        "gradient fill of the text's ink",
    ),
    # --- geometric ------------------------------------------------------------------------
    Effect(
        "geometric",
        0.1,
        (
            RangeParam(
                "slant_angle",
                "float32",
                (6.0, 14.0),
                (-45.0, 45.0),
                "degrees",
                "the text sheared as an oblique (synthetic italic) face slants it: the tops of the letters lean "
                "right for an angle > 0, left for < 0 (Arabic and Hebrew italics are printed leaning either way: "
                "a range across 0 gives both); in a vertical line the column leans the same way along its length",
                neutral=0.0,
            ),
        ),
        "synthetic italic: the line sheared, its baseline kept",
    ),
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
    Effect(
        "mask",
        0.03,
        (
            RangeParam(
                "ink_wear_amount",
                "float32",
                (0.1, 0.3),
                (0.0, 0.9),
                "fraction of the ink",
                "worn or dry ink: about this share of the text's ink lies in patches where it thins out or is "
                "gone (a dry ribbon, worn type, failing toner, faded thermal print)",
                neutral=0.0,
            ),
            RangeParam(
                "ink_wear_scale",
                "float32",
                (2.0, 6.0),
                (0.5, 50.0),
                "pixels",
                "the size of the worn patches (the smoothing radius of their noise field)",
                neutral=2.0,
            ),
        ),
        "worn, patchy ink",
    ),
    # --- page -----------------------------------------------------------------------------
    Effect(
        "page",
        0.15,
        (
            RangeParam(
                "fibre_density",
                "float32",
                (1.0, 5.0),
                (0.0, 100.0),
                "per 10,000 px²",
                "fibres in the paper: thin curved strands (where they lie comes from the row's seed)",
                neutral=0.0,
            ),
            RangeParam(
                "fibre_length", "float32", (6.0, 20.0), (1.0, 200.0), "pixels", "length of a fibre", neutral=6.0
            ),
            RangeParam(
                "fibre_darkness",
                "float32",
                (0.08, 0.25),
                (-1.0, 1.0),
                "fraction of the paper's level",
                "how much darker a fibre is (< 0: lighter)",
                neutral=0.0,
            ),
        ),
        "fibres in the paper",
    ),
    Effect(
        "page",
        0.05,
        (
            RangeParam(
                "fleck_density",
                "float32",
                (0.5, 4.0),
                (0.0, 100.0),
                "per 10,000 px²",
                "recycled paper: small coloured flecks (where they lie comes from the row's seed)",
                neutral=0.0,
            ),
            RangeParam(
                "fleck_size", "float32", (0.8, 2.0), (0.25, 20.0), "pixels", "largest size of a fleck", neutral=1.0
            ),
        ),
        "recycled paper's flecks",
    ),
    Effect(
        "page",
        0.05,
        (
            RangeParam(
                "laid_lines_strength",
                "float32",
                (0.02, 0.06),
                (0.0, 0.5),
                "fraction of the paper's level",
                "laid paper: how much darker its fine parallel lines (and fainter chain lines across them) are",
                neutral=0.0,
            ),
            RangeParam(
                "laid_lines_spacing",
                "float32",
                (3.0, 6.0),
                (1.5, 50.0),
                "pixels",
                "distance between laid lines",
                neutral=4.0,
            ),
            RangeParam(
                "laid_lines_angle",
                "float32",
                (0.0, 180.0),
                (0.0, 180.0),
                "degrees",
                "direction across the laid lines (0: they run up and down, 90: across the image)",
                neutral=0.0,
            ),
        ),
        "laid paper's lines",
    ),
    Effect(
        "page",
        0.03,
        (
            RangeParam(
                "stain_opacity",
                "float32",
                (0.08, 0.3),
                (0.0, 1.0),
                "fraction",
                "a brown stain (coffee, foxing) laid over the paper at this opacity at most",
                neutral=0.0,
            ),
            RangeParam(
                "stain_center",
                "float32",
                (0.0, 1.0),
                (-1.0, 2.0),
                "fraction of width / height",
                "centre of the stain (outside 0-1: off the image, its edge reaching in)",
                neutral=0.5,
                columns=("stain_x", "stain_y"),
            ),
            RangeParam(
                "stain_radius", "float32", (0.5, 3.0), (0.1, 20.0), "image heights", "radius of the stain", neutral=1.0
            ),
            RangeParam(
                "stain_ring",
                "float32",
                (0.0, 1.0),
                (0.0, 1.0),
                "0-1",
                "0 = a soft blotch, 1 = a coffee ring",
                neutral=0.0,
            ),
        ),
        "a stain: blotch or coffee ring",
    ),
    Effect(
        "page",
        0.05,
        (
            RangeParam(
                "show_through_opacity",
                "float32",
                (0.05, 0.2),
                (0.0, 1.0),
                "fraction",
                "text on the back of the sheet showing through, mirrored: how much it darkens the paper",
                neutral=0.0,
            ),
            RangeParam(
                "show_through_offset",
                "float32",
                (-0.6, 0.6),
                (-3.0, 3.0),
                "line heights",
                "how far the back's line lies across this one",
                neutral=0.0,
            ),
            RangeParam(
                "show_through_blur",
                "float32",
                (0.8, 2.5),
                (0.0, 20.0),
                "pixels",
                "blur of the back's text",
                neutral=0.0,
            ),
        ),
        "faint mirrored text of the back of the sheet",
    ),
    Effect(
        "page",
        0.05,
        (
            RangeParam(
                "table_rule_width",
                "float32",
                (1.0, 2.5),
                (0.0, 20.0),
                "pixels",
                "table rules and cell borders around the line: their width",
                neutral=0.0,
            ),
            RangeParam(
                "table_rule_sides",
                "uint8",
                (1, 15),
                (0, 15),
                "bit mask",
                "which rules: 1 above, 2 below, 4 before, 8 after the line (3 = above and below)",
                neutral=0,
            ),
            RangeParam(
                "table_rule_gap",
                "float32",
                (0.05, 0.5),
                (-0.5, 5.0),
                "line heights",
                "distance of the rules from the line's box (< 0: crossing into it)",
                neutral=0.0,
            ),
            RangeParam(
                "table_rule_tone",
                "float32",
                (0.0, 0.6),
                (0.0, 1.0),
                "0-1",
                "the rules' colour: the ink's (0) to the paper's (1)",
                neutral=0.0,
            ),
        ),
        "table rules and cell borders",
    ),
    Effect(
        "page",
        0.1,
        (
            RangeParam(
                "neighbour_lines",
                "uint8",
                (1, 3),
                (0, 3),
                "sides",
                "clipped fragments of the neighbouring lines: 1 above, 2 below, 3 both (never inside the line's box, "
                "never in the label)",
                neutral=0,
            ),
            RangeParam(
                "neighbour_gap",
                "float32",
                (-0.1, 0.4),
                (-0.9, 3.0),
                "line heights",
                "space between the boxes of this line and its neighbours",
                neutral=0.0,
            ),
            RangeParam(
                "neighbour_shift",
                "float32",
                (0.0, 1.0),
                (0.0, 1.0),
                "fraction of line length",
                "how far along the neighbours' letters are moved (so other letters show)",
                neutral=0.0,
            ),
        ),
        "fragments of the lines above and below",
    ),
    # --- overlay --------------------------------------------------------------------------
    Effect(
        "overlay",
        0.02,
        (
            RangeParam(
                "stamp_opacity",
                "float32",
                (0.3, 0.7),
                (0.0, 1.0),
                "fraction",
                "a rubber stamp over part of the line, translucent: its ink's opacity at most",
                neutral=0.0,
            ),
            RangeParam(
                "stamp_word",
                "uint8",
                (0, 7),
                (0, 7),
                "index",
                "PAID, COPY, RECEIVED, APPROVED, ORIGINAL, FAX, VOID, URGENT",
                neutral=0,
            ),
            RangeParam(
                "stamp_center",
                "float32",
                (0.1, 0.9),
                (-0.5, 1.5),
                "fraction of width / height",
                "centre of the stamp",
                neutral=0.5,
                columns=("stamp_x", "stamp_y"),
            ),
            RangeParam(
                "stamp_angle", "float32", (-25.0, 25.0), (-180.0, 180.0), "degrees", "turn of the stamp", neutral=0.0
            ),
            RangeParam(
                "stamp_size", "float32", (1.0, 2.0), (0.3, 10.0), "line heights", "height of the stamp", neutral=1.0
            ),
            RangeParam("stamp_color", "uint8", (0, 3), (0, 3), "index", "red, blue, violet, green", neutral=0),
        ),
        "a rubber stamp",
    ),
    Effect(
        "overlay",
        0.03,
        (
            RangeParam(
                "pen_mark_width",
                "float32",
                (1.2, 2.8),
                (0.0, 20.0),
                "pixels",
                "a pen mark near the text: its stroke width",
                neutral=0.0,
            ),
            RangeParam(
                "pen_mark_kind", "uint8", (0, 2), (0, 2), "kind", "0 = underline, 1 = tick, 2 = loop around", neutral=0
            ),
            RangeParam(
                "pen_mark_center",
                "float32",
                (0.1, 0.9),
                (-0.5, 1.5),
                "fraction of line length / image height",
                "where the mark is",
                neutral=0.5,
                columns=("pen_mark_x", "pen_mark_y"),
            ),
            RangeParam(
                "pen_mark_size", "float32", (0.5, 1.5), (0.1, 10.0), "line heights", "size of the mark", neutral=1.0
            ),
            RangeParam("pen_mark_color", "uint8", (0, 2), (0, 2), "index", "blue, black, red", neutral=0),
        ),
        "a pen mark: underline, tick or loop",
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
        0.1,
        (
            RangeParam(
                "vignette_strength",
                "float32",
                (0.1, 0.4),
                (0.0, 0.95),
                "fraction of brightness",
                "a phone camera's vignetting: the corners are this much darker at most",
                neutral=0.0,
            ),
            RangeParam(
                "vignette_center",
                "float32",
                (0.3, 0.7),
                (0.0, 1.0),
                "fraction of width / height",
                "the brightest point",
                neutral=0.5,
                columns=("vignette_x", "vignette_y"),
            ),
        ),
        "vignetting: darker towards the corners",
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
                "halftone_amount",
                "float32",
                (0.0, 0.0),
                (0.0, 1.0),
                "fraction",
                "printed with a halftone screen: how much of the tone becomes dots (1 = dots only)",
                neutral=0.0,
            ),
            RangeParam(
                "halftone_period", "float32", (2.5, 5.0), (1.5, 20.0), "pixels", "distance between dots", neutral=3.0
            ),
            RangeParam(
                "halftone_angle",
                "float32",
                (0.0, 90.0),
                (0.0, 90.0),
                "degrees",
                "angle of the screen (channels 30 apart)",
                neutral=0.0,
            ),
        ),
        "halftone print: dots",
    ),
    Effect(
        "image",
        0.03,
        (
            RangeParam(
                "crease_strength",
                "float32",
                (0.05, 0.25),
                (0.0, 0.9),
                "fraction of brightness",
                "a fold in the paper: how much darker its shadow is (a thin highlight beside it)",
                neutral=0.0,
            ),
            RangeParam(
                "crease_position",
                "float32",
                (0.1, 0.9),
                (0.0, 1.0),
                "fraction of the diagonal",
                "the point the fold passes through",
                neutral=0.5,
            ),
            RangeParam(
                "crease_angle", "float32", (0.0, 180.0), (0.0, 180.0), "degrees", "direction of the fold", neutral=0.0
            ),
            RangeParam(
                "crease_width", "float32", (2.0, 8.0), (0.5, 100.0), "pixels", "width of its shadow", neutral=2.0
            ),
        ),
        "a fold or crease",
    ),
    Effect(
        "image",
        0.1,
        (
            RangeParam(
                "dust_density",
                "float32",
                (0.3, 2.0),
                (0.0, 100.0),
                "per 10,000 px²",
                "dust and specks on the scanner glass, a few of them hairs (where they lie comes from the row's seed)",
                neutral=0.0,
            ),
            RangeParam(
                "dust_size", "float32", (1.0, 3.0), (0.25, 20.0), "pixels", "largest size of a speck", neutral=1.0
            ),
        ),
        "dust and specks",
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
                "binarize_amount",
                "float32",
                (0.0, 0.0),
                (0.0, 1.0),
                "fraction",
                "a binarised (fax) look: how much of every pixel becomes black or white (1 = black and white only)",
                neutral=0.0,
            ),
            RangeParam(
                "binarize_offset",
                "float32",
                (-20.0, 20.0),
                (-128.0, 128.0),
                "grey levels",
                "threshold above Otsu's level (> 0: more black, thicker strokes)",
                neutral=0.0,
            ),
            RangeParam(
                "binarize_noise",
                "float32",
                (0.0, 15.0),
                (0.0, 128.0),
                "grey levels",
                "per-pixel jitter of the threshold (ragged, broken edges; the field from the row's seed)",
                neutral=0.0,
            ),
        ),
        "binarised, fax-like",
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
