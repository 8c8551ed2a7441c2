"""The workbook's text sources, assembled: the VBA project and the ribbon every book carries.

The ribbon's callbacks (``sources/vba/CSPRibbon.bas``) and the ribbon itself are written by hand;
the modules that follow the Python - the worksheet functions' wrappers, their help and the version -
are generated from it at build time (``udf_wrappers``), so no copy of them is kept to drift.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from csp_status.build.udf_wrappers import generated_modules
from csp_status.build.vba_project import VbaModule, build_vba_project, read_module_source
from csp_status.core.errors import BuildError
from csp_status.workbook.layout import SHEETS

__all__ = ["SOURCE_MODULES", "vba_modules", "vba_project_bin", "ribbon_xml", "source_text"]

SOURCE_MODULES = ("CSPRibbon.bas",)  # written by hand; the others are generated (see udf_wrappers)


def source_text(*path: str) -> str:
    """A text source shipped with the package (``sources/vba/CSPRibbon.bas``)."""
    node = resources.files("csp_status").joinpath("sources", *path)
    try:
        return node.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BuildError(f"the package has no source {'/'.join(path)!r}; is the installation complete?") from None


def vba_modules() -> list[VbaModule]:
    """ThisWorkbook, one document module per sheet (code names Sheet1…), then the standard modules."""
    modules = [VbaModule("ThisWorkbook", "", "document")]
    modules += [VbaModule(f"Sheet{n}", "", "document") for n in range(1, len(SHEETS) + 1)]
    modules += [read_module_source(source_text("vba", name)) for name in SOURCE_MODULES]
    modules += [read_module_source(text) for text in generated_modules().values()]
    return modules


@lru_cache(maxsize=1)
def vba_project_bin() -> bytes:
    """xl/vbaProject.bin: the same bytes on every call and every machine."""
    return build_vba_project(vba_modules())


@lru_cache(maxsize=1)
def ribbon_xml() -> bytes:
    """customUI/customUI14.xml, as written in the sources."""
    return source_text("ribbon", "customUI14.xml").encode("utf-8")
