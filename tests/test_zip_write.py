"""Writing packages: members compressed already are written as they are, to the bytes that
deflating them again would give; a refresh copies the parts it did not change as the book stored
them (a part an officer's Excel stored uncompressed stays so), and they read back checked."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import bookedit

from csp_status.refresh import refresh_book
from csp_status.workbook.package import Package
from csp_status.workbook.zip_write import Compressed, deflated, zip_bytes

PARTS = {
    "[Content_Types].xml": b"<Types/>",
    "_rels/.rels": b"<Relationships/>",
    "xl/workbook.xml": b"<workbook>" + b"<sheet/>" * 3000 + b"</workbook>",
    "xl/empty.bin": b"",
}


def test_deflated_is_what_zip_bytes_writes_for_the_pieces():
    pieces = [b"<row>", b"x" * 70_000, b"</row>", b"", b"tail"]
    whole = zip_bytes({"a.xml": b"".join(pieces)})
    assert zip_bytes({"a.xml": deflated(pieces)}) == whole
    assert zip_bytes({"a.xml": pieces}) == whole


def test_zip_bytes_copying_every_member_gives_the_same_bytes(tmp_path: Path):
    first = zip_bytes(PARTS)
    book = tmp_path / "b.xlsm"
    book.write_bytes(first)
    with Package(book) as package:
        read = {name: package.read(name) for name in package.names}
        again = zip_bytes(read, order=list(package.names), copy=lambda name, data: package.compressed(name))
    assert again == first


def test_a_stored_member_is_copied_stored_and_reads_back():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("plain.txt", b"kept as it is" * 10, compress_type=zipfile.ZIP_STORED)
    data = b"kept as it is" * 10
    member = Compressed(zipfile.ZIP_STORED, zipfile.ZipFile(buffer).getinfo("plain.txt").CRC, len(data), data)
    out = zip_bytes({"plain.txt": member, "other.xml": b"<x/>"})
    with zipfile.ZipFile(io.BytesIO(out)) as archive:
        assert archive.testzip() is None
        assert archive.getinfo("plain.txt").compress_type == zipfile.ZIP_STORED
        assert archive.read("plain.txt") == data
        assert archive.read("other.xml") == b"<x/>"


def test_refresh_copies_parts_it_did_not_change_as_the_book_stored_them(book: Path, tmp_path: Path):
    parts = bookedit.parts(book)
    stored = tmp_path / "stored.xlsm"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():  # as some writers do: the VBA project stored, the rest deflated
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if name.endswith(".bin") else None)
    stored.write_bytes(buffer.getvalue())
    bookedit.set_cell(stored, "Settings", "B5", 1)  # the current quarter moved: the refresh writes the book
    before = zipfile.ZipFile(stored)
    vba = before.getinfo("xl/vbaProject.bin")
    raw_before = stored.read_bytes()
    assert refresh_book(stored).changed
    with zipfile.ZipFile(stored) as after:
        assert after.testzip() is None
        info = after.getinfo("xl/vbaProject.bin")
        assert (info.compress_type, info.CRC, info.file_size) == (zipfile.ZIP_STORED, vba.CRC, vba.file_size)
        assert after.read("xl/vbaProject.bin") == parts["xl/vbaProject.bin"]
        assert after.read("xl/styles.xml") == before.read("xl/styles.xml")
    assert stored.read_bytes() != raw_before
    copy = tmp_path / "again.xlsm"
    shutil.copyfile(stored, copy)
    assert not refresh_book(copy).changed  # a second refresh finds nothing to do


def test_pieces_compressed_alongside_their_making_give_one_streams_bytes():
    import zlib

    pieces = [bytes([n % 251]) * (n * 997 % 50_000) + b"<row/>" * n for n in range(60)]
    made = deflated(iter(pieces))  # a generator, as a rewritten sheet gives its batches
    whole = b"".join(pieces)
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert made.data == packer.compress(whole) + packer.flush()
    assert (made.crc, made.size) == (zlib.crc32(whole), len(whole))
    assert deflated([]) == deflated([b""]) == deflated(iter([b"", b""]))


def test_a_failure_while_pieces_are_made_is_the_callers_and_leaves_no_thread():
    import threading

    def pieces():
        yield b"x" * 100_000
        yield b"y" * 100_000
        raise ValueError("batch 3 is not well-formed")

    before = threading.active_count()
    try:
        deflated(pieces())
    except ValueError as err:
        assert "batch 3" in str(err)
    else:
        raise AssertionError("the error was lost")
    assert threading.active_count() == before


def test_large_parts_compressed_side_by_side_are_what_zipfile_writes():
    parts = {**PARTS, "xl/big1.xml": b"<c>1</c>" * 200_000, "xl/big2.xml": bytes(range(256)) * 3000}
    ours = zip_bytes(parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in zipfile.ZipFile(io.BytesIO(ours)).namelist():  # zipfile itself, in the same order
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type, info.external_attr, info.create_system = zipfile.ZIP_DEFLATED, 0o600 << 16, 0
            archive.writestr(info, parts[name])
    assert ours == buffer.getvalue()
