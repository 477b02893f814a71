"""Export for PaddleOCR text recognition: images, a `path<TAB>text` label file and a character dictionary."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from synthocr.analysis.export.samples import samples
from synthocr.analysis.outputs import Output
from synthocr.errors import UserError

if TYPE_CHECKING:
    from synthocr.analysis.export.options import ExportOptions

LABEL_FILE = "rec_gt.txt"
DICT_FILE = "dict.txt"
IMAGES = "images"


def export(outputs: list[Output], dest: Path, options: ExportOptions) -> list[Path]:
    """Copy the images under `dest/images/` and write `dest/rec_gt.txt` and `dest/dict.txt`.

    Each line of rec_gt.txt is `images/<output name>.<ext>`, a tab, and the text (PaddleOCR's
    SimpleDataSet with data_dir = dest). dict.txt lists every character of the texts once, sorted,
    without whitespace: use it as `character_dict_path` with `use_space_char: True`.
    """
    lines, written = [], []
    chars: set[str] = set()
    for output, label in samples(outputs, options):
        if any(c in label.text for c in "\t\n\r"):
            raise UserError(
                f"label {output.label_path}: the text contains a tab or line break, which the PaddleOCR "
                f"label file cannot hold; remove that line from the corpus and re-plan."
            )
        rel = f"{IMAGES}/{output.image_rel}"
        target = dest / rel
        output.copy_image(target)
        written.append(target)
        lines.append(f"{rel}\t{label.text}\n")
        chars.update(c for c in label.text if not c.isspace())
    (dest / LABEL_FILE).write_text("".join(lines), encoding="utf-8")
    (dest / DICT_FILE).write_text("".join(f"{c}\n" for c in sorted(chars)), encoding="utf-8")
    return [dest / LABEL_FILE, dest / DICT_FILE, *written]


def merge_dicts(folders: list[Path], root: Path) -> list[Path]:
    """`root/dict.txt`: every character of every split's dict.txt once, sorted (one dict for train and eval)."""
    chars: set[str] = set()
    for folder in folders:
        if (folder / DICT_FILE).exists():
            chars.update((folder / DICT_FILE).read_text(encoding="utf-8").splitlines())
    (root / DICT_FILE).write_text("".join(f"{c}\n" for c in sorted(chars)), encoding="utf-8")
    return [root / DICT_FILE]
