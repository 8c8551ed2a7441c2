"""MS-OVBA 2.4.1 compression: the LZ77 variant that stores a VBA project's `dir` and module streams.

A compressed container is the signature byte 0x01 followed by chunks. Each chunk holds up to 4096
bytes of data, either as a token sequence (flag byte + up to eight literal bytes or 2-byte copy
tokens) or, when that would not fit in 4096 bytes, raw. Output is deterministic: the same input
always gives the same bytes.
"""

from __future__ import annotations

from csp_status.core.errors import BuildError

__all__ = ["CompressionError", "compress", "decompress"]

SIGNATURE = 0x01
CHUNK_SIZE = 4096
_CHUNK_SIGNATURE = 0b011
_MIN_MATCH = 3


class CompressionError(BuildError, ValueError):
    """Bytes that are not a valid MS-OVBA compressed container."""


def compress(data: bytes) -> bytes:
    """Compress `data` into an MS-OVBA compressed container (section 2.4.1.3.6)."""
    out = bytearray([SIGNATURE])
    for start in range(0, len(data), CHUNK_SIZE):
        out += _compress_chunk(data[start : start + CHUNK_SIZE])
    return bytes(out)


def decompress(data: bytes) -> bytes:
    """Decompress an MS-OVBA compressed container (section 2.4.1.3.1); raise CompressionError."""
    if not data or data[0] != SIGNATURE:
        raise CompressionError("cannot decompress: expected the signature byte 0x01 first")
    out = bytearray()
    pos = 1
    while pos < len(data):
        if pos + 2 > len(data):
            raise CompressionError(f"cannot decompress: truncated chunk header at byte {pos}")
        header = int.from_bytes(data[pos : pos + 2], "little")
        if (header >> 12) & 0b111 != _CHUNK_SIGNATURE:
            raise CompressionError(f"cannot decompress: bad chunk signature at byte {pos}")
        end = pos + (header & 0x0FFF) + 3
        if header >> 15:
            if end > len(data):
                raise CompressionError(f"cannot decompress: chunk at byte {pos} is truncated")
            _decompress_chunk(data, pos + 2, end, out)
        else:
            if end != pos + 2 + CHUNK_SIZE:
                raise CompressionError(
                    f"cannot decompress: raw chunk at byte {pos} is not 4096 bytes"
                )
            # A final raw chunk may stop at the end of the container (see _compress_chunk).
            out += data[pos + 2 : end]
        pos = end
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    """One chunk: header + token sequence, or a raw chunk when the tokens would not fit.

    A raw chunk always announces 4096 bytes. MS-OVBA pads a short final raw chunk with zeros,
    which would add zeros to the data on the way back; this writer leaves it unpadded instead,
    so a reader that stops at the end of the container (oletools does) gets the data exactly.
    VBA source text always compresses, so real projects never take this path.
    """
    tokens = _token_sequence(chunk)
    if len(tokens) <= CHUNK_SIZE:
        header = 0x8000 | (_CHUNK_SIGNATURE << 12) | (len(tokens) + 2 - 3)
        return header.to_bytes(2, "little") + tokens
    header = (_CHUNK_SIGNATURE << 12) | (CHUNK_SIZE + 2 - 3)
    return header.to_bytes(2, "little") + chunk


def _copy_token_bits(position: int) -> int:
    """Bits of a CopyToken given to the offset at `position` bytes into a chunk (2.4.1.3.19.1)."""
    return max((position - 1).bit_length(), 4)


def _token_sequence(chunk: bytes) -> bytes:
    """Greedy LZ77 over one chunk: at each byte the longest earlier match, nearest on ties."""
    out = bytearray()
    seen: dict[bytes, list[int]] = {}
    pos, end = 0, len(chunk)
    indexed = 0  # positions below this are in `seen`

    while pos < end:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            while indexed < pos:
                if indexed + _MIN_MATCH <= end:
                    seen.setdefault(chunk[indexed : indexed + _MIN_MATCH], []).append(indexed)
                indexed += 1
            length, offset = _longest_match(chunk, pos, seen)
            if length >= _MIN_MATCH:
                bits = _copy_token_bits(pos)
                token = ((offset - 1) << (16 - bits)) | (length - _MIN_MATCH)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                pos += length
            else:
                out.append(chunk[pos])
                pos += 1
        out[flag_at] = flags
    return bytes(out)


def _longest_match(chunk: bytes, pos: int, seen: dict[bytes, list[int]]) -> tuple[int, int]:
    """(length, offset) of the longest earlier copy of the bytes at `pos`; (0, 0) if none.

    Matches may overlap `pos` (the decompressor copies byte by byte), so comparing slices of
    the original data is exact.
    """
    candidates = seen.get(chunk[pos : pos + _MIN_MATCH])
    if not candidates:
        return 0, 0
    limit = min((0xFFFF >> _copy_token_bits(pos)) + _MIN_MATCH, len(chunk) - pos)
    best_len, best_at = 0, 0
    for candidate in reversed(candidates):
        if best_len >= limit:
            break
        trial = best_len + 1
        if chunk[candidate : candidate + trial] != chunk[pos : pos + trial]:
            continue
        while trial < limit and chunk[candidate + trial] == chunk[pos + trial]:
            trial += 1
        best_len, best_at = trial, candidate
    return best_len, pos - best_at


def _decompress_chunk(data: bytes, pos: int, end: int, out: bytearray) -> None:
    """Append the token sequence data[pos:end] of one compressed chunk to `out` (2.4.1.3.2)."""
    start = len(out)
    while pos < end:
        flags = data[pos]
        pos += 1
        for bit in range(8):
            if pos >= end:
                break
            if not (flags >> bit) & 1:
                out.append(data[pos])
                pos += 1
                continue
            if pos + 2 > end:
                raise CompressionError(f"cannot decompress: truncated copy token at byte {pos}")
            token = int.from_bytes(data[pos : pos + 2], "little")
            pos += 2
            done = len(out) - start
            if done == 0:
                raise CompressionError(
                    f"cannot decompress: copy token at chunk start (byte {pos - 2})"
                )
            bits = _copy_token_bits(done)
            length = (token & (0xFFFF >> bits)) + _MIN_MATCH
            offset = (token >> (16 - bits)) + 1
            if offset > done:
                raise CompressionError(
                    f"cannot decompress: copy token before chunk start (byte {pos - 2})"
                )
            source = len(out) - offset
            if offset >= length:
                out += out[source : source + length]
            else:
                for i in range(length):
                    out.append(out[source + i])
        if len(out) - start > CHUNK_SIZE:
            raise CompressionError("cannot decompress: a chunk holds more than 4096 bytes")
