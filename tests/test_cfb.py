"""MS-CFB writer: olefile reads the output strictly, the directory is a valid red-black tree."""

from __future__ import annotations

import io
import random
import struct

import olefile
import pytest

from csp_status.build.cfb import CompoundFileError, write_compound_file

NOSTREAM = 0xFFFFFFFF


def open_strict(data: bytes) -> olefile.OleFileIO:
    return olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)


def read_all(data: bytes) -> dict[str, bytes]:
    ole = open_strict(data)
    return {"/".join(path): ole.openstream(path).read() for path in ole.listdir()}


def noise(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


VBA_LIKE = {
    "PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"\r\n',
    "PROJECTwm": b"Module1\x00M\x00o\x00d\x00u\x00l\x00e\x001\x00\x00\x00\x00\x00",
    "VBA/_VBA_PROJECT": bytes.fromhex("CC61FFFF000000"),
    "VBA/dir": noise(900),
    "VBA/Module1": noise(9_000, seed=1),
    "VBA/ThisWorkbook": noise(300, seed=2),
}


def test_write_compound_file_lists_exactly_the_streams() -> None:
    ole = open_strict(write_compound_file(VBA_LIKE))
    got = sorted("/".join(p) for p in ole.listdir())
    assert got == sorted(VBA_LIKE)
    assert ole.listdir(streams=False, storages=True) == [["VBA"]]


def test_write_compound_file_reads_back_every_stream() -> None:
    assert read_all(write_compound_file(VBA_LIKE)) == VBA_LIKE


@pytest.mark.parametrize(
    "size", [0, 1, 63, 64, 65, 511, 512, 513, 4095, 4096, 4097, 10_000, 70_000]
)
def test_write_compound_file_stream_sizes(size: int) -> None:
    streams = {"small": b"s" * 10, "stream": noise(size), "after": b"a" * 100}
    data = write_compound_file(streams)
    ole = open_strict(data)
    assert read_all(data) == streams
    sid = ole._find(["stream"])
    in_mini = ole.direntries[sid].size < ole.minisectorcutoff
    assert in_mini == (size < 4096)


def test_write_compound_file_small_streams_share_the_mini_stream() -> None:
    streams = {f"S{i}": bytes([i]) * (i * 37) for i in range(1, 60)}
    data = write_compound_file(streams)
    header = struct.unpack_from("<IIII", data, 0x3C)  # first/count mini FAT, first/count DIFAT
    assert header[1] >= 1
    assert read_all(data) == streams


def test_write_compound_file_many_streams() -> None:
    streams = {f"VBA/Module{i}": noise(i * 97, seed=i) for i in range(300)}
    streams |= {f"Big{i}": noise(5_000 + i, seed=i) for i in range(5)}
    assert read_all(write_compound_file(streams)) == streams


def test_write_compound_file_nested_storages() -> None:
    streams = {"A/B/C/deep": b"deep", "A/B/mid": b"mid" * 2_000, "A/top": b"top", "Z": b"z"}
    data = write_compound_file(streams)
    ole = open_strict(data)
    assert read_all(data) == streams
    assert ole.listdir(streams=False, storages=True) == [["A"], ["A", "B"], ["A", "B", "C"]]


def test_write_compound_file_empty() -> None:
    assert read_all(write_compound_file({})) == {}


def test_write_compound_file_is_deterministic() -> None:
    assert write_compound_file(VBA_LIKE) == write_compound_file(dict(reversed(VBA_LIKE.items())))


def test_write_compound_file_header_is_version_3() -> None:
    data = write_compound_file(VBA_LIKE)
    minor, major, order, shift, mini_shift = struct.unpack_from("<HHHHH", data, 24)
    assert (minor, major, order, shift, mini_shift) == (0x3E, 3, 0xFFFE, 9, 6)
    assert len(data) % 512 == 0


def test_write_compound_file_zeroes_clsids_and_times() -> None:
    ole = open_strict(write_compound_file(VBA_LIKE))
    for entry in ole.direntries:
        if entry is not None:
            assert (entry.clsid, entry.createTime, entry.modifyTime) == ("", 0, 0)


def sort_key(name: str) -> tuple[int, str]:
    return len(name), name.upper()


def black_height(entries: list, sid: int) -> int:
    """Black nodes on every path down from `sid`; fails if paths differ or a red has a red child."""
    if sid == NOSTREAM:
        return 1
    node = entries[sid]
    for child in (node.sid_left, node.sid_right):
        if node.color == 0 and child != NOSTREAM:
            assert entries[child].color == 1, f"red {node.name!r} has a red child"
    left, right = black_height(entries, node.sid_left), black_height(entries, node.sid_right)
    assert left == right, f"unequal black heights under {node.name!r}"
    return left + node.color


def in_order(entries: list, sid: int) -> list[str]:
    if sid == NOSTREAM:
        return []
    node = entries[sid]
    return in_order(entries, node.sid_left) + [node.name] + in_order(entries, node.sid_right)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 100])
def test_write_compound_file_directory_is_a_red_black_tree(count: int) -> None:
    names = [f"{'x' * (i % 3)}N{i}" for i in range(count)]
    ole = open_strict(write_compound_file({f"VBA/{n}": b"." for n in names} | {"PROJECT": b"p"}))
    entries = [ole.direntries[i] or ole._load_direntry(i) for i in range(len(ole.direntries))]
    for storage in (entries[0], entries[ole._find(["VBA"])]):
        top = storage.sid_child
        assert entries[top].color == 1, "the root of a tree must be black"
        black_height(entries, top)
        got = in_order(entries, top)
        assert got == sorted(got, key=sort_key)
    assert sorted(in_order(entries, entries[ole._find(["VBA"])].sid_child)) == sorted(names)


@pytest.mark.parametrize(
    "streams",
    [
        {"": b""},
        {"A" * 32: b""},
        {"bad!name": b""},
        {"VBA/": b""},
        {"VBA": b"", "VBA/dir": b""},
        {"a/x": b"", "A/y": b""},
        {"Name": b"", "NAME": b""},
    ],
    ids=[
        "empty name",
        "32 characters",
        "exclamation mark",
        "empty last part",
        "stream as storage",
        "storages differ in case",
        "streams differ in case",
    ],
)
def test_write_compound_file_rejects_bad_names(streams: dict[str, bytes]) -> None:
    with pytest.raises(CompoundFileError, match="cannot write stream"):
        write_compound_file(streams)


def test_write_compound_file_too_large_fails_clearly() -> None:
    with pytest.raises(CompoundFileError, match="at most 109"):
        write_compound_file({"huge": bytes(109 * 127 * 512 + 1)})


def test_write_compound_file_largest_supported_size() -> None:
    # 109 FAT sectors address 109 * 127 sectors besides themselves: directory + this stream.
    size = (109 * 127 - 1) * 512
    data = write_compound_file({"huge": bytes(size)})
    assert len(data) == 512 + (109 + 109 * 127) * 512
    assert open_strict(data).get_size("huge") == size
