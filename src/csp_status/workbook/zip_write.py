"""Writing a package's zip members: deterministic (fixed timestamps and order), and parts that did
not change copied as they were stored, without inflating and deflating them again."""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

__all__ = ["Compressed", "deflated", "zip_bytes"]

_EPOCH = (1980, 1, 1, 0, 0, 0)
_FIRST = ("[Content_Types].xml", "_rels/.rels")


@dataclass(frozen=True)
class Compressed:
    """A member's bytes as a zip stores them: already compressed (``method``: stored or deflated),
    with the CRC-32 and size of the bytes they unpack to.  Written into a package as they are."""

    method: int
    crc: int
    size: int
    data: bytes


def deflated(pieces: Iterable[bytes]) -> Compressed:
    """Bytes given in pieces, deflated as ``zip_bytes`` deflates a member (level 6, zlib's default):
    the same bytes as compressing them joined, without joining them."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    crc = size = 0
    out = []
    for piece in pieces:
        crc = zlib.crc32(piece, crc)
        size += len(piece)
        out.append(packer.compress(piece))
    out.append(packer.flush())
    return Compressed(zipfile.ZIP_DEFLATED, crc, size, b"".join(out))


def zip_bytes(parts: Mapping[str, bytes | Sequence[bytes] | Compressed], order: list[str] | None = None,
              copy: Callable[[str, bytes], Compressed | None] | None = None) -> bytes:
    """The package as zip bytes: fixed timestamps and member order, so equal parts give equal bytes.

    A part may be given in pieces (a large sheet rewritten a batch of rows at a time): it is
    compressed as it is written, to the same bytes as in one piece, without joining them first.
    A part given as ``Compressed``, or one ``copy`` finds unchanged in the book it came from, is
    written as those compressed bytes (no inflating or deflating again).
    """
    import io

    names = order if order is not None else sorted(parts, key=lambda n: (n not in _FIRST, _FIRST.index(n) if n in _FIRST else 0, n))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            data = parts[name]
            if copy is not None and isinstance(data, bytes):
                data = copy(name, data) or data
            if isinstance(data, Compressed):
                _write_compressed(archive, info, data)
            elif isinstance(data, (bytes, bytearray)):
                archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
            else:
                with archive.open(info, "w") as out:  # level 6, zlib's default; deflate ignores the cuts
                    for piece in data:
                        out.write(piece)
    return buffer.getvalue()


def _write_compressed(archive: zipfile.ZipFile, info: zipfile.ZipInfo, member: Compressed) -> None:
    """One member from its compressed bytes, with the headers ``ZipFile.writestr`` gives it.

    ``zipfile`` has no public way to write bytes compressed already; this does what its writing
    of a member does (Python 3.8 to 3.13), with the sizes and CRC-32 known beforehand.
    """
    info.compress_type = member.method
    info.file_size, info.compress_size, info.CRC = member.size, len(member.data), member.crc
    info.flag_bits = 0
    zip64 = member.size * 1.05 > zipfile.ZIP64_LIMIT
    archive.fp.seek(archive.start_dir)
    info.header_offset = archive.fp.tell()
    archive._writecheck(info)
    archive._didModify = True
    archive.fp.write(info.FileHeader(zip64))
    archive.fp.write(member.data)
    archive.start_dir = archive.fp.tell()
    archive.filelist.append(info)
    archive.NameToInfo[info.filename] = info
