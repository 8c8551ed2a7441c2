"""The VBA project writer, checked by olefile, by oletools' olevba, and by small parsers here.

What olevba gives back: `extract_all_macros()` returns each module stream's whole source,
decompressed and decoded from the project's code page (cp1252), including the `Attribute VB_`
header lines this writer adds. olevba strips nothing there (its `filter_vba`, which drops the
header lines, is for display only and also rejoins lines with LF). So each module's code is
compared as: olevba's text minus the leading `Attribute VB_...` lines == the source with every
line end made CRLF (the writer stores CRLF, as the VBA editor does).
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import olefile
import pytest
from oletools.olevba import VBA_Parser

from csp_status.build.ovba_compression import decompress
from csp_status.build.vba_project import (
    DEFAULT_REFERENCES,
    Reference,
    VbaModule,
    VbaProjectError,
    build_vba_project,
    read_module_source,
)

RIBBON = """Option Explicit

Public Sub OnRefresh(control As IRibbonControl)
    RunPython "import csp_status.excel; csp_status.excel.refresh()"
End Sub
"""


def long_module() -> str:
    lines = ["Option Explicit", ""]
    for i in range(120):
        lines += [
            f"Public Function Rule{i}(ByVal x As Double) As Double",
            f"    Rule{i} = x * {i} + {i % 7}",
            "End Function",
            "",
        ]
    text = "\n".join(lines)
    assert len(text) > 8192
    return text


MODULES = [
    VbaModule(
        "ThisWorkbook",
        'Private Sub Workbook_Open()\r\n    Application.StatusBar = "CSP"\r\nEnd Sub\r\n',
        "document",
    ),
    VbaModule("Sheet1", "", "document"),
    VbaModule("Sheet2", "Option Explicit\n", "document"),
    VbaModule("CSPRibbon", RIBBON, "standard"),
    VbaModule("CSPRules", long_module(), "standard"),
]


@pytest.fixture(scope="module")
def project() -> bytes:
    return build_vba_project(MODULES)


def open_strict(data: bytes) -> olefile.OleFileIO:
    return olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def without_header(source: str) -> str:
    """olevba's module text without the leading `Attribute VB_` lines the writer added."""
    lines = source.split("\r\n")
    while lines and lines[0].startswith("Attribute VB_"):
        lines.pop(0)
    return "\r\n".join(lines)


def test_build_vba_project_olefile_parses_it_strictly(project: bytes) -> None:
    ole = open_strict(project)
    got = sorted("/".join(p) for p in ole.listdir())
    exp = sorted(
        ["PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"] + [f"VBA/{m.name}" for m in MODULES]
    )
    assert got == exp
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")  # as Excel writes it


def test_build_vba_project_olevba_returns_every_module(project: bytes) -> None:
    parser = VBA_Parser("vbaProject.bin", data=project, relaxed=False)
    got = {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_all_macros()}
    assert sorted(got) == sorted(m.name for m in MODULES)
    for module in MODULES:
        assert without_header(got[module.name]) == crlf(module.code), module.name


def test_build_vba_project_module_headers_as_excel_writes_them(project: bytes) -> None:
    parser = VBA_Parser("vbaProject.bin", data=project, relaxed=False)
    got = {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_all_macros()}
    assert got["CSPRibbon"].startswith('Attribute VB_Name = "CSPRibbon"\r\nOption Explicit\r\n')
    assert got["Sheet1"] == (
        'Attribute VB_Name = "Sheet1"\r\n'
        'Attribute VB_Base = "0{00020820-0000-0000-C000-000000000046}"\r\n'
        "Attribute VB_GlobalNameSpace = False\r\n"
        "Attribute VB_Creatable = False\r\n"
        "Attribute VB_PredeclaredId = True\r\n"
        "Attribute VB_Exposed = True\r\n"
        "Attribute VB_TemplateDerived = False\r\n"
        "Attribute VB_Customizable = True\r\n"
    )
    assert 'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"' in got["ThisWorkbook"]


def test_build_vba_project_long_module_spans_chunks(project: bytes) -> None:
    stream = open_strict(project).openstream("VBA/CSPRules").read()
    source = decompress(stream)
    assert len(source) > 2 * 4096
    assert source.decode("cp1252").endswith(crlf(long_module()))


def project_lines(data: bytes) -> list[str]:
    return open_strict(data).openstream("PROJECT").read().decode("cp1252").split("\r\n")


def test_build_vba_project_project_stream_lists_modules(project: bytes) -> None:
    lines = project_lines(project)
    assert lines[1:6] == [
        "Document=ThisWorkbook/&H00000000",
        "Document=Sheet1/&H00000000",
        "Document=Sheet2/&H00000000",
        "Module=CSPRibbon",
        "Module=CSPRules",
    ]
    assert 'Name="CSPStatus"' in lines
    assert "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000" in lines
    workspace = lines[lines.index("[Workspace]") + 1 :]
    assert [line.split("=")[0] for line in workspace if line] == [m.name for m in MODULES]


def test_build_vba_project_name_map(project: bytes) -> None:
    stream = open_strict(project).openstream("PROJECTwm").read()
    exp = (
        b"".join(m.name.encode() + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in MODULES)
        + b"\0\0"
    )
    assert stream == exp


def decrypt(hex_text: str) -> tuple[int, bytes]:
    """MS-OVBA 2.4.3.3 decryption, written from the spec: (project key, data)."""
    enc = bytes.fromhex(hex_text)
    seed, version, key = enc[0], enc[1] ^ enc[0], enc[2] ^ enc[0]
    assert version == 2
    plain_prev, enc_prev, enc_prev2 = key, enc[2], enc[1]
    plain = []
    for byte in enc[3:]:
        value = byte ^ ((enc_prev2 + plain_prev) & 0xFF)
        plain.append(value)
        enc_prev2, enc_prev, plain_prev = enc_prev, byte, value
    skip = (seed & 6) // 2
    length = int.from_bytes(bytes(plain[skip : skip + 4]), "little")
    data = bytes(plain[skip + 4 :])
    assert len(data) == length
    return key, data


def test_decrypt_reads_excels_own_values() -> None:
    # From xlwings' quickstart.xlsm, ID="{E2E0E410-BF04-4DC5-BDD2-D3FBBA8B7D37}".
    key = sum(b"{E2E0E410-BF04-4DC5-BDD2-D3FBBA8B7D37}") & 0xFF
    assert decrypt("A7A58C2B7CDD73E173E173E173E1") == (key, bytes(4))
    assert decrypt("A2A089308531853185") == (key, b"\x00")
    assert decrypt("9D9FB6314A2D4B2D4BD2") == (key, b"\xff")


def test_build_vba_project_protection_values(project: bytes) -> None:
    values = dict(
        line.split("=", 1)
        for line in project_lines(project)
        if line[:3] in ("ID=", "CMG", "DPB", "GC=")
    )
    key = sum(values["ID"].strip('"').encode()) & 0xFF
    assert decrypt(values["CMG"].strip('"')) == (key, bytes(4))  # not protected
    assert decrypt(values["DPB"].strip('"')) == (key, b"\x00")  # no password
    assert decrypt(values["GC"].strip('"')) == (key, b"\xff")  # visible


def dir_records(data: bytes) -> list[tuple[int, bytes]]:
    """(id, payload) of each dir record. PROJECTVERSION's size field is a fixed 4 before 6 bytes."""
    records, pos = [], 0
    while pos < len(data):
        record_id, size = struct.unpack_from("<HI", data, pos)
        if record_id == 0x0009:
            assert size == 4
            size = 6
        records.append((record_id, data[pos + 6 : pos + 6 + size]))
        pos += 6 + size
    assert pos == len(data)
    return records


def read_dir(data: bytes) -> list[tuple[int, bytes]]:
    return dir_records(decompress(open_strict(data).openstream("VBA/dir").read()))


INFORMATION = [0x01, 0x02, 0x14, 0x03, 0x04, 0x05, 0x40, 0x06, 0x3D, 0x07, 0x08, 0x09, 0x0C, 0x3C]
MODULE_RECORDS = [0x19, 0x47, 0x1A, 0x32, 0x1C, 0x48, 0x31, 0x1E, 0x2C, None, 0x2B]


def test_build_vba_project_dir_records_in_order(project: bytes) -> None:
    records = read_dir(project)
    ids = [record_id for record_id, _ in records]
    assert ids[: len(INFORMATION)] == INFORMATION
    refs = ids[len(INFORMATION) : len(INFORMATION) + 9]
    assert refs == [0x16, 0x3E, 0x0D, 0x16, 0x3E, 0x0D, 0x16, 0x3E, 0x0E]
    rest = ids[len(INFORMATION) + 9 :]
    assert rest[:2] == [0x0F, 0x13] and rest[-1] == 0x10
    per_module = [rest[2 + i * 11 : 2 + (i + 1) * 11] for i in range(len(MODULES))]
    assert len(rest) == 3 + 11 * len(MODULES)
    for module, got in zip(MODULES, per_module):
        module_type = 0x21 if module.kind == "standard" else 0x22
        assert got == [module_type if x is None else x for x in MODULE_RECORDS]
    values = dict(records[: len(INFORMATION)])
    assert values[0x01] == struct.pack("<I", 3)  # SYSKIND: 64-bit Windows, as Excel writes
    assert values[0x03] == struct.pack("<H", 1252)
    assert values[0x04] == b"CSPStatus"


def test_build_vba_project_dir_names_the_references(project: bytes) -> None:
    records = read_dir(project)
    names = [payload.decode("cp1252") for record_id, payload in records if record_id == 0x16]
    assert names == ["stdole", "Office", "xlwings"]
    libids = []
    for record_id, payload in records:
        if record_id == 0x0D:
            (size,) = struct.unpack_from("<I", payload)
            assert payload[4 + size :] == bytes(6)
            libids.append(payload[4 : 4 + size].decode("cp1252"))
        if record_id == 0x0E:
            (absolute,) = struct.unpack_from("<I", payload)
            (relative,) = struct.unpack_from("<I", payload, 4 + absolute)
            libids.append(payload[4 : 4 + absolute].decode("cp1252"))
            libids.append(payload[8 + absolute : 8 + absolute + relative].decode("cp1252"))
            assert len(payload) == 8 + absolute + relative + 6
    assert "{00020430-0000-0000-C000-000000000046}" in libids[0]
    assert "{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}" in libids[1] and "MSO.DLL" in libids[1]
    assert libids[2].startswith("*\\C") and libids[2].endswith("\\xlwings.xlam")
    assert libids[3] == "*\\Caddin\\xlwings.xlam"


def excel_dir(name: str) -> list[tuple[int, bytes]]:
    xlwings = pytest.importorskip("xlwings")
    path = Path(xlwings.__file__).parent / name
    if not path.exists():
        pytest.skip(f"xlwings' {name} is not installed")
    with zipfile.ZipFile(path) as book:
        ole = olefile.OleFileIO(book.read("xl/vbaProject.bin"))
    return dir_records(decompress(ole.openstream("VBA/dir").read()))


def test_build_vba_project_dir_layout_matches_excels(project: bytes) -> None:
    """The information and per-module records Excel wrote in xlwings' standalone quickstart."""
    excel = [record_id for record_id, _ in excel_dir("quickstart_standalone.xlsm")]
    ours = [record_id for record_id, _ in read_dir(project)]
    assert ours[: len(INFORMATION)] == excel[: len(INFORMATION)]
    assert ours[ours.index(0x0F) :][:3] == excel[excel.index(0x0F) :][:3]
    assert (
        ours[ours.index(0x19) : ours.index(0x2B) + 1]
        == excel[excel.index(0x19) : excel.index(0x2B) + 1]
    )


def test_build_vba_project_is_deterministic(project: bytes) -> None:
    assert build_vba_project(list(MODULES)) == project


def test_build_vba_project_own_references() -> None:
    refs = [DEFAULT_REFERENCES[0]]
    data = build_vba_project(MODULES[:1], references=refs)
    names = [payload for record_id, payload in read_dir(data) if record_id == 0x16]
    assert names == [b"stdole"]


def test_build_vba_project_class_module() -> None:
    data = build_vba_project([VbaModule("Counter", "Public Count As Long\n", "class")])
    assert "Class=Counter" in project_lines(data)
    parser = VBA_Parser("vbaProject.bin", data=data, relaxed=False)
    ((_, _, filename, code),) = parser.extract_all_macros()
    assert filename == "Counter.cls"
    assert 'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"' in code
    assert "Attribute VB_PredeclaredId = False\r\nAttribute VB_Exposed = False\r\n" in code


@pytest.mark.parametrize(
    "name",
    ["1Module", "My Module", "Modül", "", "A" * 32, "dir", "Bad-Name", "_private"],
)
def test_build_vba_project_bad_module_name(name: str) -> None:
    with pytest.raises(VbaProjectError, match=f"VBA module {name!r}"):
        build_vba_project([VbaModule(name, "", "standard")])


@pytest.mark.parametrize("text", ['MsgBox "→"', "' emoji 😀", 'x = "\u0081"'])
def test_build_vba_project_code_outside_cp1252(text: str) -> None:
    code = "Option Explicit\nSub A()\n    " + text + "\nEnd Sub\n"
    with pytest.raises(VbaProjectError, match="VBA module 'CSPRibbon': line 3: .* code page 1252"):
        build_vba_project([VbaModule("CSPRibbon", code, "standard")])


def test_build_vba_project_cp1252_text_is_kept() -> None:
    code = "' Café £5 – “quoted” €\r\n"
    data = build_vba_project([VbaModule("Notes", code, "standard")])
    ((_, _, _, got),) = VBA_Parser("vbaProject.bin", data=data, relaxed=False).extract_all_macros()
    assert without_header(got) == code


@pytest.mark.parametrize(
    ("modules", "message"),
    [
        ([VbaModule("A", "", "standard"), VbaModule("a", "", "standard")], "used twice"),
        ([VbaModule("A", "", "form")], "kind 'form'"),
        (
            [VbaModule("A", 'Attribute VB_Name = "A"\nSub X()\nEnd Sub\n', "standard")],
            "VB_Name header",
        ),
    ],
)
def test_build_vba_project_bad_modules(modules: list[VbaModule], message: str) -> None:
    with pytest.raises(VbaProjectError, match=message):
        build_vba_project(modules)


def test_build_vba_project_bad_project_name() -> None:
    with pytest.raises(VbaProjectError, match="project name 'CSP Status'"):
        build_vba_project(MODULES, project_name="CSP Status")


def test_reference_kind() -> None:
    assert [r.is_project for r in DEFAULT_REFERENCES] == [False, False, True]
    assert not Reference("x", "*\\G{0}#1.0#0#x#x").is_project


BAS_CODE = 'Option Explicit\r\n\r\nSub A()\r\n    Attribute A.VB_Description = "x"\r\nEnd Sub\r\n'
BAS = 'Attribute VB_Name = "CSPRibbon"\r\n' + BAS_CODE
CLS = (
    "VERSION 1.0 CLASS\r\nBEGIN\r\n  MultiUse = -1  'True\r\nEND\r\n"
    'Attribute VB_Name = "Counter"\r\n'
    "Attribute VB_GlobalNameSpace = False\r\nAttribute VB_Creatable = False\r\n"
    "Attribute VB_PredeclaredId = False\r\nAttribute VB_Exposed = False\r\nPublic Count As Long\r\n"
)
DOCUMENT_CLS = CLS.replace('"Counter"', '"ThisWorkbook"').replace(
    "PredeclaredId = False", "PredeclaredId = True"
)


@pytest.mark.parametrize(
    ("text", "exp"),
    [
        (BAS, VbaModule("CSPRibbon", BAS_CODE, "standard")),
        (
            BAS.replace("\r\n", "\n"),
            VbaModule("CSPRibbon", BAS_CODE.replace("\r\n", "\n"), "standard"),
        ),
        (CLS, VbaModule("Counter", "Public Count As Long\r\n", "class")),
        (DOCUMENT_CLS, VbaModule("ThisWorkbook", "Public Count As Long\r\n", "document")),
        ('Attribute VB_Name = "Empty"', VbaModule("Empty", "", "standard")),
    ],
    ids=["bas", "bas with LF", "class", "exported document", "header only"],
)
def test_read_module_source(text: str, exp: VbaModule) -> None:
    assert read_module_source(text) == exp


def test_read_module_source_kind_given() -> None:
    assert read_module_source(CLS, kind="document").kind == "document"


def test_read_module_source_round_trips_module_streams(project: bytes) -> None:
    parser = VBA_Parser("vbaProject.bin", data=project, relaxed=False)
    got = [read_module_source(code) for _, _, _, code in parser.extract_all_macros()]
    assert sorted(got, key=lambda m: m.name) == sorted(
        (VbaModule(m.name, crlf(m.code), m.kind) for m in MODULES), key=lambda m: m.name
    )


def test_read_module_source_without_name() -> None:
    with pytest.raises(VbaProjectError, match="Attribute VB_Name"):
        read_module_source("Option Explicit\r\n")
