"""MS-OVBA compression: round trips, chunk edges, raw chunks; oletools as a second reader."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from csp_status.build.ovba_compression import CompressionError, compress, decompress

VBA_LINES = [
    "Option Explicit\r\n",
    "Public Sub OnRefresh(control As IRibbonControl)\r\n",
    '    RunPython "import csp_status.excel; csp_status.excel.refresh()"\r\n',
    "End Sub\r\n",
    "    Dim i As Long\r\n",
    "    For i = 1 To 10: Debug.Print i: Next i\r\n",
    "\r\n",
]


def vba_text(size: int, seed: int = 0) -> bytes:
    """VBA-like source of exactly `size` bytes."""
    rng = random.Random(seed)
    out = bytearray()
    while len(out) < size:
        out += rng.choice(VBA_LINES).encode("cp1252")
    return bytes(out[:size])


def random_bytes(size: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(size)


def chunk_flags(container: bytes) -> list[bool]:
    """Whether each chunk of a container is compressed (True) or raw (False)."""
    flags, pos = [], 1
    while pos < len(container):
        header = int.from_bytes(container[pos : pos + 2], "little")
        flags.append(bool(header >> 15))
        pos += (header & 0x0FFF) + 3
    return flags


CASES = {
    "empty": b"",
    "one byte": b"A",
    "short": b'Attribute VB_Name = "Module1"\r\n',
    "exactly 4096": vba_text(4096),
    "4097": vba_text(4097),
    "10,000+": vba_text(12_345),
    "random 3 chunks + 5": random_bytes(3 * 4096 + 5),
    "random exactly 4096": random_bytes(4096),
    "random with a raw partial tail": random_bytes(4096 + 4000),
    "one byte repeated": b"a" * 20_000,
    "short pattern repeated": b"abc" * 7_000,
    "zeros across chunks": bytes(4096 * 2 + 1),
}


@pytest.mark.parametrize("data", CASES.values(), ids=CASES.keys())
def test_compress_round_trip(data: bytes) -> None:
    assert decompress(compress(data)) == data


@pytest.mark.parametrize("data", CASES.values(), ids=CASES.keys())
def test_compress_oletools_reads_it_back(data: bytes) -> None:
    got = decompress_stream(bytearray(compress(data)))
    assert got == data


@pytest.mark.parametrize(
    ("size", "chunks"), [(0, 0), (1, 1), (4095, 1), (4096, 1), (4097, 2), (8192, 2), (8193, 3)]
)
def test_compress_chunk_count(size: int, chunks: int) -> None:
    assert len(chunk_flags(compress(vba_text(size)))) == chunks


def test_compress_random_bytes_uses_raw_chunks() -> None:
    container = compress(random_bytes(3 * 4096 + 5))
    # Full chunks of noise do not compress; the 5-byte tail still fits as tokens.
    assert chunk_flags(container) == [False, False, False, True]
    assert container[1:3] == bytes.fromhex("FF3F")  # raw chunk header: size 4098, flag 0


def test_compress_random_tail_is_an_unpadded_raw_chunk() -> None:
    data = random_bytes(4096 + 4000)
    container = compress(data)
    assert chunk_flags(container) == [False, False]
    assert len(container) == 1 + 2 + 4096 + 2 + 4000


def test_compress_text_uses_compressed_chunks_only() -> None:
    data = vba_text(20_000)
    container = compress(data)
    assert all(chunk_flags(container))
    assert len(container) < len(data) // 2


def test_compress_repetitive_input_is_small() -> None:
    assert len(compress(b"a" * 20_000)) < 100


def test_compress_empty_is_the_signature_byte() -> None:
    assert compress(b"") == b"\x01"


def test_compress_is_deterministic() -> None:
    data = vba_text(10_000, seed=7)
    assert compress(data) == compress(bytes(data))


def excel_dir_stream() -> bytes:
    """The compressed `VBA/dir` stream Excel wrote into xlwings' quickstart workbook."""
    xlwings = pytest.importorskip("xlwings")
    path = Path(xlwings.__file__).parent / "quickstart.xlsm"
    if not path.exists():
        pytest.skip("xlwings' quickstart.xlsm is not installed")
    with zipfile.ZipFile(path) as book:
        ole = olefile.OleFileIO(book.read("xl/vbaProject.bin"))
    return ole.openstream("VBA/dir").read()


def test_decompress_reads_excels_own_stream() -> None:
    stream = excel_dir_stream()
    assert decompress(stream) == decompress_stream(bytearray(stream))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "signature"),
        (b"\x02\x00\xb0", "signature"),
        (b"\x01\x00", "truncated chunk header"),
        (b"\x01\x05\x80abc", "bad chunk signature"),
        (b"\x01\x10\xb0\x00abc", "truncated"),
        (b"\x01\x02\xb0\x01\x00\x00", "copy token at chunk start"),
        (b"\x01\x10\x30" + b"a" * 17, "not 4096 bytes"),
    ],
)
def test_decompress_rejects_bad_input(data: bytes, message: str) -> None:
    with pytest.raises(CompressionError, match=message):
        decompress(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=12_000))
def test_compress_round_trip_any_bytes(data: bytes) -> None:
    container = compress(data)
    assert decompress(container) == data
    assert decompress_stream(bytearray(container)) == data


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(VBA_LINES + ["a", "ab", "\x00", "Ä"]), max_size=1_500))
def test_compress_round_trip_text(parts: list[str]) -> None:
    data = "".join(parts).encode("cp1252")
    container = compress(data)
    assert decompress(container) == data
    assert decompress_stream(bytearray(container)) == data
