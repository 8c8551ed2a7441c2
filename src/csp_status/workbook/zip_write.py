"""Writing a package's zip members: deterministic (fixed timestamps and order), and parts that did
not change copied as they were stored, without inflating and deflating them again."""

from __future__ import annotations

import itertools
import os
import zipfile
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

__all__ = ["Compressed", "deflated", "zip_bytes"]

_EPOCH = (1980, 1, 1, 0, 0, 0)
_FIRST = ("[Content_Types].xml", "_rels/.rels")
_LARGE = 1 << 18  # a part this large is compressed in a thread of its own


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
    the same bytes as compressing them joined, without joining them.

    Each piece is compressed in a thread of its own while the next is being made (zlib lets go of
    the interpreter while it works): a sheet rewritten a batch of rows at a time is compressed
    alongside the rewriting, not after it.  The pieces go through one stream, in order, so the
    bytes are those of compressing them one after another in one thread.
    """
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    state = [0, 0]  # CRC-32 and size so far, kept by whichever thread has the piece

    def take(piece: bytes) -> bytes:
        state[0] = zlib.crc32(piece, state[0])
        state[1] += len(piece)
        return packer.compress(piece)

    out: list[bytes] = []
    pieces = iter(pieces)
    first = next(pieces, None)
    second = next(pieces, None) if first is not None else None
    if second is None:  # one piece (or none): nothing to overlap
        if first is not None:
            out.append(take(first))
    else:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="deflate") as worker:
            pending: Future[bytes] = worker.submit(take, first)
            for piece in itertools.chain((second,), pieces):
                out.append(pending.result())  # the stream takes one piece at a time, in order
                pending = worker.submit(take, piece)
            out.append(pending.result())
    out.append(packer.flush())
    return Compressed(zipfile.ZIP_DEFLATED, state[0], state[1], b"".join(out))


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
    members = {}
    for name in names:
        data = parts[name]
        if copy is not None and isinstance(data, bytes):
            data = copy(name, data) or data
        members[name] = data
    large = [name for name, data in members.items() if isinstance(data, (bytes, bytearray)) and len(data) >= _LARGE]
    buffer = io.BytesIO()
    with ThreadPoolExecutor(max_workers=min(len(large), os.cpu_count() or 1) or 1, thread_name_prefix="deflate") as pool, \
            zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        # large parts are compressed side by side, while the others are written (zlib lets go of the interpreter)
        coming = {name: pool.submit(deflated, (members[name],)) for name in large}
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            data = coming[name].result() if name in coming else members[name]
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
