"""What every exporter reads: each chosen output whose image is the one its label describes, read once.

Export hands images to training code, so an image damaged since it was rendered (flipped bits, a file
replaced or cut short: what the cheap finished rule, which reads only an image's first and last bytes,
cannot see) must not go with it. Every image's bytes are read anyway to be exported; their SHA-256 is
checked against the `image_sha256` the label records, and an output that fails is left out, named in
a warning and counted in the export's summary (`synthocr render PLAN -o OUT --verify` makes it again).
The bytes read are the ones written, so a remote store is read once. With `rotate_vertical`, a vertical
line's image and label are turned (analysis.export.orientation).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synthocr.analysis.export.invisible import visible_label
from synthocr.analysis.export.orientation import is_vertical, turned_image, turned_label
from synthocr.analysis.outputs import DAMAGED, Output, intact_image, read_labels
from synthocr.schemas.labels import Label

if TYPE_CHECKING:
    from synthocr.analysis.export.options import ExportOptions

log = logging.getLogger(__name__)


class HeldOutput:
    """An output whose image bytes were read (and checked): exporters copy these bytes, not the file again."""

    def __init__(self, output: Output | HeldOutput, data: bytes) -> None:
        self._output, self._data = output, data

    def __getattr__(self, name: str) -> Any:  # names, paths, the label's bytes: the output's own
        return getattr(self._output, name)

    def image_bytes(self) -> bytes:
        return self._data

    def image_size(self) -> int:
        return len(self._data)

    def copy_image(self, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(self._data)


class TurnedOutput(HeldOutput):
    """An output whose image and label an exporter reads turned (the files in the output dir are unchanged)."""

    def __init__(self, output: HeldOutput, label: Label) -> None:
        super().__init__(output, turned_image(output.image_bytes()))
        self.label = turned_label(label, hashlib.sha256(self._data).hexdigest())

    def label_bytes(self) -> bytes:
        return self.label.to_json().encode("utf-8")

    def label_size(self) -> int:
        return len(self.label_bytes())


def samples(outputs: list[Output], options: ExportOptions) -> Iterator[tuple[Output, Label]]:
    """Each intact output with its label, in order (an Output to the exporters, duck-typed); a damaged one is
    left out and added to `options.damaged`."""
    for output, label in read_labels(outputs):
        data = intact_image(output, label)
        if data is None:
            log.info("%s left out of the export: %s", output.image_path, DAMAGED)  # the summary counts and names them
            options.damaged.append(output.image_path)
            continue
        held = HeldOutput(output, data)
        if not options.keep_invisible:
            label = visible_label(label)
        if options.rotate_vertical and is_vertical(label):
            turned = TurnedOutput(held, label)
            yield turned, turned.label  # type: ignore[misc]
        else:
            yield held, label  # type: ignore[misc]
