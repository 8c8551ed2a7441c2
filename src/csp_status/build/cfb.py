"""MS-CFB version 3 writer: streams in, one byte-identical compound file (an OLE file) out.

Layout, in sector order: FAT, directory, mini FAT, mini stream, then each large stream.
Streams under 4096 bytes live in the mini stream (64-byte mini sectors); storages are implied
by "/" in stream paths ("VBA/dir"). Timestamps, CLSIDs and state bits are zero, so the same
streams always give the same bytes. At most 109 FAT sectors (about 6.8 MB): no DIFAT sectors.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

from csp_status.core.errors import BuildError

__all__ = ["CompoundFileError", "write_compound_file"]

SECTOR_SIZE = 512
MINI_SECTOR_SIZE = 64
MINI_STREAM_CUTOFF = 4096
MAX_FAT_SECTORS = 109  # the header's DIFAT array; more would need DIFAT sectors
FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF

_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1
_ENTRY_SIZE = 128
_IDS_PER_SECTOR = SECTOR_SIZE // 4
_FORBIDDEN = set("/\\:!")


class CompoundFileError(BuildError, ValueError):
    """Streams that cannot be written as a compound file (bad names, too large)."""


@dataclass
class _Entry:
    """One directory entry while the file is being laid out."""

    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = _BLACK
    start: int = 0
    size: int = 0


def write_compound_file(streams: Mapping[str, bytes]) -> bytes:
    """The compound file holding `streams` (path -> bytes); raise CompoundFileError."""
    root = _tree(streams)
    entries = _number(root)
    for entry in entries:
        if entry.kind != _STREAM:
            _link_children(entry)

    small = [e for e in entries if e.kind == _STREAM and 0 < len(e.data) < MINI_STREAM_CUTOFF]
    large = [e for e in entries if e.kind == _STREAM and len(e.data) >= MINI_STREAM_CUTOFF]

    mini_fat: list[int] = []
    mini_stream = bytearray()
    for entry in small:
        entry.start = len(mini_fat)
        count = _ceil_div(len(entry.data), MINI_SECTOR_SIZE)
        mini_fat += [len(mini_fat) + i + 1 for i in range(count - 1)] + [ENDOFCHAIN]
        mini_stream += _pad(entry.data, MINI_SECTOR_SIZE)

    dir_count = _ceil_div(len(entries), SECTOR_SIZE // _ENTRY_SIZE)
    mini_fat_count = _ceil_div(len(mini_fat), _IDS_PER_SECTOR)
    mini_stream_count = _ceil_div(len(mini_stream), SECTOR_SIZE)
    large_counts = [_ceil_div(len(e.data), SECTOR_SIZE) for e in large]
    other = dir_count + mini_fat_count + mini_stream_count + sum(large_counts)
    fat_count = max(1, _ceil_div(other, _IDS_PER_SECTOR - 1))
    if fat_count > MAX_FAT_SECTORS:
        raise CompoundFileError(
            f"cannot write a compound file of {other} sectors: it needs {fat_count} FAT sectors "
            f"and this writer supports at most {MAX_FAT_SECTORS} (about 6.8 MB)"
        )

    fat: list[int] = [FATSECT] * fat_count
    dir_start = _chain(fat, dir_count)
    mini_fat_start = _chain(fat, mini_fat_count)
    root.start = _chain(fat, mini_stream_count)
    root.size = len(mini_stream)
    for entry, count in zip(large, large_counts):
        entry.start = _chain(fat, count)
    for entry in entries:
        if entry.kind == _STREAM:
            entry.size = len(entry.data)
            if entry.size == 0:
                entry.start = ENDOFCHAIN
    fat += [FREESECT] * (fat_count * _IDS_PER_SECTOR - len(fat))
    mini_fat += [FREESECT] * (mini_fat_count * _IDS_PER_SECTOR - len(mini_fat))

    directory = b"".join(_entry_bytes(e) for e in entries)
    directory += _free_entry() * (dir_count * SECTOR_SIZE // _ENTRY_SIZE - len(entries))
    body = [
        _ids(fat),
        directory,
        _ids(mini_fat),
        _pad(bytes(mini_stream), SECTOR_SIZE),
        *(_pad(e.data, SECTOR_SIZE) for e in large),
    ]
    header = _header(fat_count, dir_start, mini_fat_start, mini_fat_count)
    return header + b"".join(body)


def _tree(streams: Mapping[str, bytes]) -> _Entry:
    """The root storage with a storage per path folder and a stream per path."""
    root = _Entry("Root Entry", _ROOT)
    for path in sorted(streams):
        parts = path.split("/")
        for part in parts:
            _check_name(part, path)
        node = root
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            key = _upper(part)
            found = node.children.get(key)
            if found is None:
                kind = _STREAM if last else _STORAGE
                found = node.children[key] = _Entry(
                    part, kind, bytes(streams[path]) if last else b""
                )
            elif found.name != part or last or found.kind != _STORAGE:
                raise CompoundFileError(
                    f"cannot write stream {path!r}: its name clashes with another entry"
                )
            node = found
    return root


def _check_name(name: str, path: str) -> None:
    """An entry name: 1 to 31 UTF-16 units, none of / \\ : !."""
    if not name or len(name.encode("utf-16-le")) > 62 or _FORBIDDEN & set(name):
        raise CompoundFileError(
            f"cannot write stream {path!r}: each name must be 1 to 31 characters without / \\ : !"
        )


def _number(root: _Entry) -> list[_Entry]:
    """All entries, root first then depth first in directory order; sets each entry's sid."""
    entries: list[_Entry] = []

    def visit(entry: _Entry) -> None:
        entry.sid = len(entries)
        entries.append(entry)
        for child in sorted(entry.children.values(), key=_order):
            visit(child)

    visit(root)
    return entries


def _order(entry: _Entry) -> tuple[int, str]:
    """MS-CFB directory order: shorter names first, then by upper-cased name."""
    return len(entry.name.encode("utf-16-le")), _upper(entry.name)


def _upper(name: str) -> str:
    """Simple (one-to-one) upper-casing, as MS-CFB compares names."""
    return "".join(c.upper() if len(c.upper()) == 1 else c for c in name)


def _link_children(parent: _Entry) -> None:
    """Make `parent`'s children a balanced red-black tree of left/right siblings.

    Each subtree takes the middle of its range, so every empty link is at depth >= the deepest
    node's depth; colouring only the deepest nodes red gives equal black heights everywhere.
    """
    children = sorted(parent.children.values(), key=_order)

    def build(lo: int, hi: int, depth: int, deepest: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        node = children[mid]
        node.left = build(lo, mid, depth + 1, deepest)
        node.right = build(mid + 1, hi, depth + 1, deepest)
        node.color = _RED if depth == deepest and depth > 0 else _BLACK
        return node.sid

    deepest = len(children).bit_length() - 1
    parent.child = build(0, len(children), 0, deepest)


def _chain(fat: list[int], count: int) -> int:
    """Append a chain of `count` sectors to `fat`; its first sector, or ENDOFCHAIN if empty."""
    if count == 0:
        return ENDOFCHAIN
    start = len(fat)
    fat += [start + i + 1 for i in range(count - 1)] + [ENDOFCHAIN]
    return start


def _entry_bytes(entry: _Entry) -> bytes:
    """The 128-byte directory entry."""
    name = (entry.name + "\0").encode("utf-16-le")
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name),
        entry.kind,
        entry.color,
        entry.left,
        entry.right,
        entry.child,
        bytes(16),  # CLSID
        0,  # state bits
        0,  # creation time
        0,  # modified time
        entry.start,
        entry.size,
    )


def _free_entry() -> bytes:
    """An unused directory entry: zeros except the three links."""
    return struct.pack(
        "<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, bytes(16), 0, 0, 0, 0, 0
    )


def _header(fat_count: int, dir_start: int, mini_fat_start: int, mini_fat_count: int) -> bytes:
    """The 512-byte version 3 header, its DIFAT array naming the FAT sectors 0..fat_count-1."""
    difat = list(range(fat_count)) + [FREESECT] * (MAX_FAT_SECTORS - fat_count)
    fixed = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        _SIGNATURE,
        bytes(16),  # CLSID
        0x003E,  # minor version
        0x0003,  # major version 3: 512-byte sectors
        0xFFFE,  # byte order: little-endian
        9,  # sector shift: 2**9 = 512
        6,  # mini sector shift: 2**6 = 64
        bytes(6),
        0,  # directory sectors: always 0 in version 3
        fat_count,
        dir_start,
        0,  # transaction signature
        MINI_STREAM_CUTOFF,
        mini_fat_start,
        mini_fat_count,
        ENDOFCHAIN,  # first DIFAT sector: none
        0,  # DIFAT sectors
    )
    return fixed + _ids(difat)


def _ids(values: list[int]) -> bytes:
    """Sector ids as little-endian 32-bit integers."""
    return struct.pack(f"<{len(values)}I", *values)


def _pad(data: bytes, size: int) -> bytes:
    """`data` padded with zeros to a multiple of `size`."""
    return data + bytes(-len(data) % size)


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)
