"""Writes small OLE compound files ([MS-CFB] version 3: 512-byte sectors, 64-byte mini sectors), the container
of Office 97-2003 files, from named streams: the tests' .ppt decks and their fixtures' repacking."""

from __future__ import annotations

import struct
from collections.abc import Mapping

SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FAT_SECTOR, NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(streams: Mapping[str, bytes]) -> bytes:
    """A compound file holding `streams` (names at the root, at most 31 characters) in the order given."""
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # the order of the directory's tree
    mini = b"".join(_pad(streams[n], MINI) for n in names if len(streams[n]) < CUTOFF)
    big = [n for n in names if len(streams[n]) >= CUTOFF]
    entries = 1 + len(names)
    dir_sectors = -(-entries * 128 // SECTOR)
    minifat_sectors = -(-(len(mini) // MINI) * 4 // SECTOR)
    mini_sectors = -(-len(mini) // SECTOR)
    big_sectors = [-(-len(streams[n]) // SECTOR) for n in big]
    data_sectors = dir_sectors + minifat_sectors + mini_sectors + sum(big_sectors)
    fat_sectors = 1
    while fat_sectors * SECTOR // 4 < fat_sectors + data_sectors:
        fat_sectors += 1
    assert fat_sectors <= 109, "no DIFAT sectors: the file would be too large for this writer"
    fat: list[int] = [FAT_SECTOR] * fat_sectors
    starts = {}

    def chain(count: int) -> int:
        first = len(fat)
        fat.extend(list(range(first + 1, first + count)) + [END] if count else [])
        return first if count else END

    dir_start = chain(dir_sectors)
    minifat_start = chain(minifat_sectors)
    mini_start = chain(mini_sectors)
    for name, count in zip(big, big_sectors, strict=True):
        starts[name] = chain(count)
    fat.extend([FREE] * (fat_sectors * SECTOR // 4 - len(fat)))
    minifat: list[int] = []
    for name in names:
        if len(streams[name]) < CUTOFF:
            count = -(-len(streams[name]) // MINI)
            starts[name] = len(minifat) if count else END
            minifat.extend(list(range(len(minifat) + 1, len(minifat) + count)) + [END] if count else [])
    minifat.extend([FREE] * (minifat_sectors * SECTOR // 4 - len(minifat)))
    directory = [_entry("Root Entry", 5, NONE, 1 if names else NONE, mini_start if mini else END, len(mini))]
    for i, name in enumerate(names):
        sibling = i + 2 if i + 1 < len(names) else NONE  # a chain of right siblings, in the tree's order
        directory.append(_entry(name, 2, sibling, NONE, starts[name], len(streams[name])))
    header = b"".join(
        [
            bytes.fromhex("d0cf11e0a1b11ae1"),
            bytes(16),
            struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6),
            bytes(6),
            struct.pack("<IIIIIIIII", 0, fat_sectors, dir_start, 0, CUTOFF, minifat_start if minifat_sectors else END,
                        minifat_sectors, END, 0),
            struct.pack("<109I", *(list(range(fat_sectors)) + [FREE] * (109 - fat_sectors))),
        ]
    )  # fmt: skip
    body = [
        struct.pack(f"<{len(fat)}I", *fat),
        _pad(b"".join(directory), SECTOR),
        struct.pack(f"<{len(minifat)}I", *minifat),
        _pad(mini, SECTOR),
        *(_pad(streams[name], SECTOR) for name in big),
    ]
    return header + b"".join(body)


def _entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
    encoded = name.encode("utf-16-le") + b"\0\0"
    return struct.pack(
        "<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, NONE, right, child, bytes(16), 0, 0, 0, start, size
    )


def _pad(data: bytes, size: int) -> bytes:
    return data + bytes(-len(data) % size)
