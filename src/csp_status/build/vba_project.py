"""Excel's `xl/vbaProject.bin` from module sources: the MS-OVBA streams in an MS-CFB file.

The project carries no compiled cache (`_VBA_PROJECT` version 0xFFFF), so Office compiles the
modules from source when it opens the workbook. The `dir` records follow what 64-bit Excel 365
writes (see the xlwings wheel's quickstart files). The same modules always give the same bytes.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from csp_status.build.cfb import write_compound_file
from csp_status.build.ovba_compression import compress
from csp_status.core.errors import BuildError

__all__ = [
    "DEFAULT_REFERENCES",
    "WORKBOOK_BASE",
    "WORKSHEET_BASE",
    "Reference",
    "VbaModule",
    "VbaProjectError",
    "build_vba_project",
    "read_module_source",
    "xlwings_reference",
]

WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
KINDS = ("standard", "document", "class")
CODEPAGE = 1252
LCID = 0x0409
SYSKIND_WIN64 = 3  # what Excel (and the xlwings add-in) writes; Office recompiles anyway
VBA_PROJECT_STREAM = bytes.fromhex("CC61FFFF000100")  # version 0xFFFF: no compiled cache (last bytes as Excel writes them)
PROJECT_VERSION = (1, 0)
_COOKIE = 0xFFFF  # MS-OVBA: project and module cookies MUST be 0xFFFF on write
_SEEDS = {"CMG": 0xA7, "DPB": 0xA2, "GC": 0x9D}  # fixed encryption seeds: deterministic output
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}", re.ASCII)
_ATTRIBUTE = re.compile(r'Attribute (VB_\w+) = ("?)(.*)\2\s*$', re.ASCII)
_DOCUMENT_GUIDS = ("{00020819-", "{00020820-", "{00020821-")


class VbaProjectError(BuildError, ValueError):
    """Modules or references that cannot make a VBA project; the message names the module."""


@dataclass(frozen=True)
class VbaModule:
    """One module: its name, its source without the `Attribute VB_` header, and its kind."""

    name: str
    code: str
    kind: str  # "standard", "document" (ThisWorkbook, sheets) or "class"


@dataclass(frozen=True)
class Reference:
    """A project reference: a registered type library, or another VBA project (an add-in).

    `libid` is `*\\G{...}#...` for a type library and the absolute `*\\C...` path for a
    project; a project reference also has `relative_libid` and the referenced project's
    version (its PROJECTVERSION record).
    """

    name: str
    libid: str
    relative_libid: str | None = None
    version: tuple[int, int] = (0, 0)

    @property
    def is_project(self) -> bool:
        return self.relative_libid is not None


def xlwings_reference(
    addin_path: str = r"C:\Users\user\AppData\Roaming\Microsoft\Excel\XLSTART\xlwings.xlam",
) -> Reference:
    """The reference to the xlwings add-in as Excel writes it, for the add-in at `addin_path`.

    The version is that of the add-in in the pinned xlwings 0.37.8 wheel; the relative path is
    the one xlwings' own quickstart workbook uses.
    """
    return Reference("xlwings", "*\\C" + addin_path, "*\\Caddin\\xlwings.xlam", (0x6B4FEF4C, 8))


DEFAULT_REFERENCES: tuple[Reference, ...] = (
    Reference(
        "stdole",
        r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0"
        r"#C:\Windows\System32\stdole2.tlb#OLE Automation",
    ),
    Reference(
        "Office",
        r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files"
        r"\Microsoft Shared\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library",
    ),
    xlwings_reference(),
)


def build_vba_project(
    modules: Sequence[VbaModule],
    *,
    project_name: str = "CSPStatus",
    references: Sequence[Reference] = DEFAULT_REFERENCES,
    sheet_base: str = WORKSHEET_BASE,
    workbook_module: str = "ThisWorkbook",
) -> bytes:
    """The bytes of `xl/vbaProject.bin` holding `modules`; raise VbaProjectError.

    Document modules named `workbook_module` get the workbook's VB_Base, other document
    modules `sheet_base`. Module code is stored with CRLF line ends.
    """
    _check_project(modules, project_name, references)
    project_id = (
        "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "csp-status:" + project_name)).upper() + "}"
    )
    streams = {
        "PROJECT": _project_stream(modules, project_name, project_id),
        "PROJECTwm": _name_map(modules),
        "VBA/_VBA_PROJECT": VBA_PROJECT_STREAM,
        "VBA/dir": compress(_dir_stream(modules, project_name, references)),
    }
    for module in modules:
        base = WORKBOOK_BASE if module.name == workbook_module else sheet_base
        streams["VBA/" + module.name] = compress(_module_text(module, base))
    return write_compound_file(streams)


def read_module_source(text: str, kind: str | None = None) -> VbaModule:
    """A module from an exported `.bas`/`.cls` file's text (or a module stream's source).

    The name comes from `Attribute VB_Name`; the code is everything after the leading
    `VERSION`/`BEGIN ... END` block and module `Attribute VB_` lines, unchanged. Without
    `kind`: no class header means "standard"; a class whose VB_Base names a workbook or sheet,
    or an exported class with `VB_PredeclaredId = True`, means "document"; else "class".
    """
    lines = text.splitlines(keepends=True)
    at = 0
    has_class_header = bool(lines) and lines[0].strip().upper().startswith("VERSION ")
    if has_class_header:
        at = 1
        if at < len(lines) and lines[at].strip().upper() == "BEGIN":
            while at < len(lines) and lines[at].strip().upper() != "END":
                at += 1
            at += 1
    attributes: dict[str, str] = {}
    while at < len(lines) and (found := _ATTRIBUTE.match(lines[at].strip("\r\n"))):
        attributes[found.group(1)] = found.group(3)
        at += 1
    name = attributes.get("VB_Name")
    if name is None:
        raise VbaProjectError(
            f"cannot read module source starting {text[:40]!r}: "
            "expected an 'Attribute VB_Name = \"...\"' line"
        )
    if kind is None:
        base = attributes.get("VB_Base", "")
        if any(guid in base.upper() for guid in _DOCUMENT_GUIDS):
            kind = "document"
        elif has_class_header or base:
            predeclared = attributes.get("VB_PredeclaredId", "").lower() == "true"
            kind = "document" if predeclared and not base else "class"
        else:
            kind = "standard"
    return VbaModule(name, "".join(lines[at:]), kind)


def _check_project(
    modules: Sequence[VbaModule], project_name: str, references: Sequence[Reference]
) -> None:
    """Names, kinds and code that VBA accepts; raise VbaProjectError naming the module."""
    if not _IDENTIFIER.fullmatch(project_name):
        raise VbaProjectError(f"project name {project_name!r} is not a VBA identifier")
    seen: set[str] = set()
    for module in modules:
        where = f"VBA module {module.name!r}"
        if not _IDENTIFIER.fullmatch(module.name):
            raise VbaProjectError(
                f"{where}: the name must be a letter then up to 30 letters, digits or underscores"
            )
        if module.name.lower() in seen | {"dir"}:
            raise VbaProjectError(
                f"{where}: the name is used twice (names ignore case) or is reserved"
            )
        seen.add(module.name.lower())
        if module.kind not in KINDS:
            raise VbaProjectError(f"{where}: kind {module.kind!r} is not one of {', '.join(KINDS)}")
        for number, line in enumerate(_crlf(module.code).split("\r\n"), start=1):
            if line.startswith("Attribute VB_Name"):
                raise VbaProjectError(
                    f"{where}: line {number}: the code must not repeat the Attribute VB_Name header"
                )
            bad = [c for c in line if not _encodable(c)]
            if bad:
                raise VbaProjectError(
                    f"{where}: line {number}: {bad[0]!r} cannot be written in code page {CODEPAGE}"
                )
    for reference in references:
        for text in (reference.name, reference.libid, reference.relative_libid or ""):
            if not all(_encodable(c) for c in text):
                raise VbaProjectError(
                    f"reference {reference.name!r}: {text!r} is not code page {CODEPAGE}"
                )


def _encodable(char: str) -> bool:
    try:
        char.encode(f"cp{CODEPAGE}")
    except UnicodeEncodeError:
        return False
    return True


def _crlf(text: str) -> str:
    """`text` with every line end (CRLF, CR or LF) made CRLF, as the VBA editor stores it."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def _mbcs(text: str) -> bytes:
    return text.encode(f"cp{CODEPAGE}")


def _module_text(module: VbaModule, base: str) -> bytes:
    """The module stream's source: Excel's `Attribute VB_` header for the kind, then the code."""
    header = [f'Attribute VB_Name = "{module.name}"']
    if module.kind != "standard":
        document = module.kind == "document"
        header += [
            f'Attribute VB_Base = "{base if document else CLASS_BASE}"',
            "Attribute VB_GlobalNameSpace = False",
            "Attribute VB_Creatable = False",
            f"Attribute VB_PredeclaredId = {document}",
            f"Attribute VB_Exposed = {document}",
            "Attribute VB_TemplateDerived = False",
            f"Attribute VB_Customizable = {document}",
        ]
    return _mbcs("".join(line + "\r\n" for line in header) + _crlf(module.code))


def _project_stream(modules: Sequence[VbaModule], name: str, project_id: str) -> bytes:
    """The PROJECT stream: the project's text properties (MS-OVBA 2.3.1)."""
    lines = [f'ID="{project_id}"']
    for module in modules:
        if module.kind == "document":
            lines.append(f"Document={module.name}/&H00000000")
        elif module.kind == "class":
            lines.append(f"Class={module.name}")
        else:
            lines.append(f"Module={module.name}")
    lines += [
        f'Name="{name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{_encrypt(bytes(4), project_id, _SEEDS["CMG"])}"',  # not protected
        f'DPB="{_encrypt(bytes(1), project_id, _SEEDS["DPB"])}"',  # no password
        f'GC="{_encrypt(bytes([0xFF]), project_id, _SEEDS["GC"])}"',  # visible
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
    ]
    lines += [f"{module.name}=0, 0, 0, 0, C" for module in modules]
    return _mbcs("".join(line + "\r\n" for line in lines) + "\r\n")


def _encrypt(data: bytes, project_id: str, seed: int) -> str:
    """MS-OVBA 2.4.3.2 data encryption of `data`, as upper-case hex."""
    key = sum(_mbcs(project_id)) & 0xFF
    version_enc, key_enc = seed ^ 2, seed ^ key
    out = [seed, version_enc, key_enc]
    plain1, enc1, enc2 = key, key_enc, version_enc
    ignored = bytes((seed & 6) // 2)  # arbitrary bytes; zeros keep the output fixed
    for byte in ignored + len(data).to_bytes(4, "little") + data:
        enc = byte ^ ((enc2 + plain1) & 0xFF)
        out.append(enc)
        plain1, enc1, enc2 = byte, enc, enc1
    return bytes(out).hex().upper()


def _name_map(modules: Sequence[VbaModule]) -> bytes:
    """The PROJECTwm stream: each module name in MBCS and UTF-16, NUL-terminated (2.3.3)."""
    parts = [_mbcs(m.name) + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in modules]
    return b"".join(parts) + b"\0\0"


def _record(record_id: int, data: bytes = b"") -> bytes:
    """A dir record: id, 32-bit size, data."""
    return record_id.to_bytes(2, "little") + len(data).to_bytes(4, "little") + data


def _u16(value: int) -> bytes:
    return value.to_bytes(2, "little")


def _u32(value: int) -> bytes:
    return value.to_bytes(4, "little")


def _sized(text: bytes) -> bytes:
    return _u32(len(text)) + text


def _dir_stream(modules: Sequence[VbaModule], name: str, references: Sequence[Reference]) -> bytes:
    """The uncompressed dir stream (MS-OVBA 2.3.4.2): information, references, modules."""
    major, minor = PROJECT_VERSION
    out = [
        _record(0x0001, _u32(SYSKIND_WIN64)),
        _record(0x0002, _u32(LCID)),
        _record(0x0014, _u32(LCID)),  # LCIDINVOKE
        _record(0x0003, _u16(CODEPAGE)),
        _record(0x0004, _mbcs(name)),
        _record(0x0005),
        _record(0x0040),  # DOCSTRING, then its Unicode form
        _record(0x0006),
        _record(0x003D),  # HELPFILEPATH and its second copy
        _record(0x0007, _u32(0)),  # HELPCONTEXT
        _record(0x0008, _u32(0)),  # LIBFLAGS
        _u16(0x0009) + _u32(4) + _u32(major) + _u16(minor),  # VERSION: size field is fixed 4
        _record(0x000C),
        _record(0x003C),  # CONSTANTS and their Unicode form
    ]
    for ref in references:
        out += [_record(0x0016, _mbcs(ref.name)), _record(0x003E, ref.name.encode("utf-16-le"))]
        if ref.is_project:
            body = _sized(_mbcs(ref.libid)) + _sized(_mbcs(ref.relative_libid or ""))
            out.append(_record(0x000E, body + _u32(ref.version[0]) + _u16(ref.version[1])))
        else:
            out.append(_record(0x000D, _sized(_mbcs(ref.libid)) + _u32(0) + _u16(0)))
    out += [_record(0x000F, _u16(len(modules))), _record(0x0013, _u16(_COOKIE))]
    for module in modules:
        mbcs, utf16 = _mbcs(module.name), module.name.encode("utf-16-le")
        out += [
            _record(0x0019, mbcs),
            _record(0x0047, utf16),
            _record(0x001A, mbcs),
            _record(0x0032, utf16),  # STREAMNAME
            _record(0x001C),
            _record(0x0048),  # DOCSTRING
            _record(0x0031, _u32(0)),  # OFFSET: the source starts the stream (no cache)
            _record(0x001E, _u32(0)),  # HELPCONTEXT
            _record(0x002C, _u16(_COOKIE)),
            _record(0x0021 if module.kind == "standard" else 0x0022),  # TYPE
            _record(0x002B),  # terminator
        ]
    out.append(_record(0x0010))  # dir terminator
    return b"".join(out)
