"""The guarded entry points: opening a book's file, and parsing a part of it.

Every file is opened through ``open_regular`` (a regular file only: never a folder, a device, a
pipe or a socket, so nothing hangs or grows without end) and every part is parsed through
``parse_xml`` (checked for a DTD, entities and its encoding before any parser sees it, bounded in
size, then parsed with no DTD, no entities and no network).  Their messages are one line, naming
the file and the part, and say what to do.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from pathlib import Path

from lxml import etree

from csp_status.core.errors import BookError
from csp_status.workbook.cells import XML_PARSER

__all__ = ["open_regular", "check_xml", "parse_xml", "resolve_target", "said", "MAX_TREE_BYTES", "REFUSED",
           "REPAIR", "ITERPARSE"]

MAX_TREE_BYTES = 32 * 1024 * 1024  # a part parsed as one tree (about ten times its size in memory)
REFUSED = "refusing to read it: use a copy saved by Excel, or restore the book from a backup"
REPAIR = "restore the book from a backup, or open it in Excel and let Excel repair it"
_XML_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
_ASCII_BASED = re.compile(rb"utf-?8|(?:us-)?ascii|iso[-_]?8859[-_]\d{1,2}|latin-?\d|(?:windows-|cp)125\d")
_REFUSED, _REPAIR = REFUSED, REPAIR


ITERPARSE = dict(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=True,
                  remove_blank_text=False)


def resolve_target(folder: str, target: str) -> str | None:
    """A relationship's target as a part name, or None when it leaves the package."""
    if target.startswith("/"):
        name = posixpath.normpath(target).lstrip("/")
    else:
        name = posixpath.normpath(posixpath.join(folder, target))
    if name == "." or name.startswith("../") or name == ".." or "\\" in name:
        return None
    return name


def check_xml(path: Path, name: str, data: bytes) -> None:
    """Refuse a part that is not UTF-8 or declares a DTD or entities (before any parser sees it).

    The whole part is searched: a DTD may follow a long comment, and a part in UTF-16 would hide
    it from a search of the bytes, so only UTF-8 (what Excel writes) and encodings that spell
    ASCII as ASCII are read at all.
    """
    declared = _XML_ENCODING.match(data[:512])
    if (data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]
            or (declared and not _ASCII_BASED.fullmatch(declared[1].lower()))):
        raise BookError(f"{path}: part {name!r} is not XML in UTF-8, as Excel writes it; {_REFUSED}")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise BookError(f"{path}: part {name!r} declares a DTD or entities; {_REFUSED}")


def parse_xml(path: Path, name: str, data: bytes) -> etree._Element:
    """The one guarded way to parse a part: checked first, then parsed without DTDs, entities or network.

    A part parsed as one tree takes about ten times its size in memory, so it may be at most
    ``MAX_TREE_BYTES`` (worksheets are read a batch of rows at a time, and may be larger).
    """
    if len(data) > MAX_TREE_BYTES:
        _too_large_for_a_tree(path, name, len(data))
    check_xml(path, name, data)
    try:
        return etree.fromstring(data, XML_PARSER)
    except etree.XMLSyntaxError as err:
        raise BookError(f"{path}: part {name!r} is not well-formed XML ({said(err)}); {_REPAIR}") from None


def said(err: BaseException) -> str:
    """What a library's error says, on one line (lxml's messages hold line breaks)."""
    return " ".join(str(err).split())


def _too_large_for_a_tree(path: Path, name: str, size: int) -> None:
    raise BookError(f"{path}: part {name!r} is {size:,} bytes, more than a partnership's book needs in one part "
                    f"read whole (at most {MAX_TREE_BYTES:,}); {_REFUSED}")


def open_regular(path: Path):
    """The file at ``path`` opened for reading, when it is a regular file (a link: the file it points to)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise BookError(f"{path}: no such file; check the name and the folder") from None
    except NotADirectoryError:
        raise BookError(f"{path}: no such file (a part of the path is a file, not a folder); check the name") from None
    except OSError as err:
        raise BookError(f"{path}: cannot read it ({err.strerror}); check the name, and that you may open it") from None
    if stat.S_ISDIR(info.st_mode):
        raise BookError(f"{path}: is a folder, not a workbook; give the workbook's file name")
    if not stat.S_ISREG(info.st_mode):
        raise BookError(f"{path}: is {_file_kind(info.st_mode)}, not a workbook file; give the workbook's file name")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except PermissionError:
        raise BookError(
            f"{path}: cannot read it (Permission denied); ask for read access to it, or copy it to a folder of your own"
        ) from None
    except OSError as err:
        raise BookError(f"{path}: cannot read it ({err.strerror}); check the name, and that you may open it") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced by something else between the two looks
        os.close(fd)
        raise BookError(f"{path}: is not a workbook file; give the workbook's file name")
    return open(fd, "rb")


def _file_kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"
