"""Where the book is and what it is: symbolic links, permissions, files that are not files, a save by an
officer during a refresh, lock files that lie, names with glob characters, and output paths that would
destroy a master book.

Every check (Excel's owner file, LibreOffice's lock, our lock, permissions) is made beside the real
file; only regular files are opened; nothing is ever written over an input, an officer's save, or a
file that is not recognisably an earlier output (without ``--force``).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import bookedit
import pytest
from adversarial import CSP, listing, says_what_to_do

from csp_status.cli import main
from csp_status.core.errors import BookError
from csp_status.refresh import refresh_book
from csp_status.workbook import files
from csp_status.workbook.files import leftover_temporaries

LOCKED = ("{book}: another run is writing this book ({lock} exists); wait for it to finish, or delete the lock "
          "file if no run is in progress")
HOLD = """
import sys
from pathlib import Path
from csp_status.workbook.files import book_lock
with book_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.readline()
"""




@pytest.fixture
def book(edited, tmp_path) -> Path:
    path = tmp_path / "x.xlsm"
    shutil.copyfile(edited[0], path)
    return path


def one_line(argv: list[str], capsys) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert (code, out) == (1, ""), err
    assert err.startswith("Error: ") and err.count("\n") == 1 and says_what_to_do(err), err
    return err[len("Error: "):].rstrip("\n")


# ---- an officer's save during the refresh ------------------------------------------------------------

def test_officers_save_during_a_refresh_is_kept_and_so_is_the_refresh(book, edited, monkeypatch, capsys):
    """Excel saves the book (a new file renamed over it) after the refresh read it and before its rename."""
    officers = edited[0].read_bytes().replace(b"CNP PM1", b"CNP PX1")  # what the officer saved, any other bytes
    real_fsync, saved = os.fsync, []

    def fsync_then_officer_saves(fd):
        real_fsync(fd)
        if not saved:
            saved.append(True)
            other = book.with_name("excel-save.tmp")
            other.write_bytes(officers)
            os.replace(other, book)
    monkeypatch.setattr(files.os, "fsync", fsync_then_officer_saves)
    message = one_line(["refresh", str(book)], capsys)
    assert message == (f"{book}: the book was saved by someone else while it was being refreshed; their save is "
                       "kept as it is, and the refreshed copy of the earlier book is x (refreshed).xlsm beside it. "
                       "Run the refresh again to include their changes, then delete x (refreshed).xlsm")
    assert book.read_bytes() == officers
    assert (book.parent / "x (refreshed).xlsm").read_bytes() == edited[1]
    assert listing(book.parent) == ["x (refreshed).xlsm", "x.xlsm"]


def test_officers_save_with_the_same_size_and_time_is_still_seen(book, edited, monkeypatch):
    before = book.stat()
    changed = bytearray(book.read_bytes())
    real_fsync = os.fsync

    def fsync_then_overwrite_in_place(fd):
        real_fsync(fd)
        if changed:
            changed[-30] ^= 1  # one byte of the directory's comment area: same size
            book.write_bytes(bytes(changed))
            os.utime(book, ns=(before.st_atime_ns, before.st_mtime_ns))
            changed.clear()
    monkeypatch.setattr(files.os, "fsync", fsync_then_overwrite_in_place)
    with pytest.raises(BookError, match="saved by someone else"):
        refresh_book(book)
    assert (book.parent / "x (refreshed).xlsm").read_bytes() == edited[1]


# ---- symbolic links: every check beside the real file ------------------------------------------------

@pytest.fixture
def linked(book, tmp_path) -> tuple[Path, Path]:
    """The book moved to another folder, and a link to it where it was."""
    shared = tmp_path / "shared"
    shared.mkdir()
    real = shared / "real.xlsm"
    book.rename(real)
    book.symlink_to(real)
    return book, real


def test_symlink_excel_owner_file_beside_the_real_file_refused(linked, capsys):
    link, real = linked
    (real.parent / "~$real.xlsm").write_bytes(b"officer")
    before = real.read_bytes()
    message = one_line(["refresh", str(link)], capsys)
    assert message.startswith(f"{link}: the book is open in Excel (~$real.xlsm is beside it); close it first")
    assert real.read_bytes() == before and link.is_symlink()


def test_symlink_libreoffice_lock_beside_the_real_file_refused(linked, capsys):
    link, real = linked
    (real.parent / ".~lock.real.xlsm#").write_text("officer")
    message = one_line(["refresh", str(link)], capsys)
    assert message.startswith(f"{link}: the book is open in LibreOffice (.~lock.real.xlsm# is beside it)")


def test_two_links_to_one_book_share_one_lock(linked, tmp_path, edited):
    link, real = linked
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    other = elsewhere / "mine.xlsm"
    other.symlink_to(real)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(link)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        assert (real.parent / ".real.xlsm.csp-lock").exists()
        with pytest.raises(BookError) as info:
            refresh_book(other)
        assert str(info.value) == LOCKED.format(book=other, lock=".real.xlsm.csp-lock")
    finally:
        holder.communicate("done\n", timeout=30)
    assert refresh_book(other).changed and real.read_bytes() == edited[1]
    assert other.is_symlink() and link.is_symlink()
    assert listing(real.parent) == ["real.xlsm"]


# ---- permissions ---------------------------------------------------------------------------------------

def test_read_only_book_is_not_replaced(book, capsys):
    book.chmod(0o444)
    before = book.read_bytes()
    message = one_line(["refresh", str(book)], capsys)
    assert message == (f"{book}: the book is read-only; the book is unchanged. Make it writable (Properties, untick "
                       "Read-only), or copy it and use the copy")
    assert (book.read_bytes(), stat.S_IMODE(book.stat().st_mode)) == (before, 0o444)
    assert listing(book.parent) == ["x.xlsm"]


def test_read_only_book_not_replaced_by_import_force(seed_path, tmp_path, capsys):
    out = tmp_path / "x.xlsm"
    out.write_bytes(b"an officer's read-only book")
    out.chmod(0o444)
    message = one_line(["import", str(seed_path), "-o", str(out), "--force"], capsys)
    assert message.startswith(f"{out}: the book is read-only; the book is unchanged.")
    assert out.read_bytes() == b"an officer's read-only book"


def _as_nobody() -> list[str]:
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("running as another user needs root and setpriv")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_book_that_cannot_be_read_is_not_called_damaged(book):
    book.chmod(0o000)
    book.parent.chmod(0o777)
    proc = subprocess.run([*_as_nobody(), str(CSP), "status", "x.xlsm"], cwd=book.parent, capture_output=True,
                          text=True, timeout=60)
    assert (proc.returncode, proc.stderr) == (1, "Error: x.xlsm: cannot read it (Permission denied); ask for read "
                                                 "access to it, or copy it to a folder of your own\n")


# ---- files that are not files ---------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["refresh", "status", "report"])
@pytest.mark.parametrize("kind", ["/dev/zero", "link to /dev/zero", "fifo", "socket"])
def test_only_regular_files_are_opened(tmp_path, capsys, monkeypatch, command, kind):
    monkeypatch.chdir(tmp_path)
    book = tmp_path / "x.xlsm"
    what = "a device"
    if kind == "/dev/zero":
        book = Path("/dev/zero")
    elif kind == "link to /dev/zero":
        book.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(book)
        what = "a pipe"
    else:
        import socket

        server = socket.socket(socket.AF_UNIX)
        server.bind(str(book))
        what = "a socket"
    start = time.perf_counter()
    argv = [command, str(book)] + (["-o", str(tmp_path / "pack.html")] if command == "report" else [])
    result: list[str] = []
    worker = threading.Thread(target=lambda: result.append(one_line(argv, capsys)), daemon=True)
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), "hangs"
    assert result == [f"{book}: is {what}, not a workbook file; give the workbook's file name"]
    assert time.perf_counter() - start < 5
    assert not [n for n in listing(tmp_path) if n.endswith((".csp-lock", ".tmp", ".html"))]


@pytest.mark.parametrize("kind", ["/dev/zero", "fifo"])
def test_legacy_summary_that_is_not_a_file_refused(tmp_path, capsys, kind):
    legacy = tmp_path / "legacy.tsv"
    if kind == "fifo":
        os.mkfifo(legacy)
    else:
        legacy.symlink_to("/dev/zero")
    message = one_line(["import", str(legacy), "-o", str(tmp_path / "x.xlsm")], capsys)
    what = "a pipe" if kind == "fifo" else "a device"
    assert message == f"{legacy}: is {what}, not a workbook file; give the workbook's file name"


# ---- lock files that lie, names with glob characters ---------------------------------------------------

@pytest.mark.parametrize("pid", ["99999999999999999999999999", "4194305", "18446744073709551617"])
def test_lock_with_an_impossible_process_number_is_taken_over(book, edited, pid):
    import socket

    (book.parent / ".x.xlsm.csp-lock").write_text(f"{pid} {socket.gethostname()}")
    assert refresh_book(book).changed
    assert (book.read_bytes(), listing(book.parent)) == (edited[1], ["x.xlsm"])


@pytest.mark.parametrize("name", ["[x].xlsm", "a[bc].xlsm", "*.xlsm", "x?.xlsm"])
def test_glob_characters_in_a_book_name(edited, tmp_path, name):
    # the killed run's leftovers of this book are cleared; another book's temporary file is left alone
    book = tmp_path / name
    shutil.copyfile(edited[0], book)
    own = tmp_path / f".{name}.12345.tmp"
    own.write_bytes(b"left by a killed run")
    others = [tmp_path / f".{n}.12345.tmp" for n in ("x.xlsm", "b.xlsm", "ab.xlsm", "xy.xlsm", "q.xlsm")]
    for other in others:
        other.write_bytes(b"another book's run, in progress")
    stale_lock = tmp_path / f".{name}.csp-lock.999.new"
    stale_lock.write_bytes(b"")
    assert refresh_book(book).changed
    assert book.read_bytes() == edited[1]
    assert not own.exists() and not stale_lock.exists()
    assert all(other.read_bytes() == b"another book's run, in progress" for other in others)
    assert leftover_temporaries(book) == []


# ---- output paths that would destroy a master book -------------------------------------------------------

def test_report_output_that_is_the_book_refused_even_with_force(book, capsys):
    before = book.read_bytes()
    for extra in ([], ["--force"]):
        message = one_line(["report", str(book), "-o", str(book), *extra], capsys)
        assert message == (f"{book}: is also the input, which would be replaced by the board pack; choose another "
                           "name for the board pack")
    assert book.read_bytes() == before


def test_report_output_that_is_the_book_through_a_link_refused(book, tmp_path, capsys):
    (tmp_path / "pack.html").symlink_to(book)
    before = book.read_bytes()
    message = one_line(["report", str(book), "-o", str(tmp_path / "pack.html"), "--force"], capsys)
    assert message.startswith(f"{tmp_path / 'pack.html'}: is also the input")
    assert book.read_bytes() == before


def test_report_output_over_another_workbook_needs_force(book, imported, tmp_path, capsys):
    other = tmp_path / "other.xlsm"
    shutil.copyfile(imported, other)
    message = one_line(["report", str(book), "-o", str(other)], capsys)
    assert message == (f"{other}: already exists and is not a board pack made by CSP Status (it may be a workbook or "
                       "another file of value); choose another name, or pass --force to replace it")
    assert other.read_bytes() == imported.read_bytes()
    assert main(["report", str(book), "-o", str(tmp_path / "pack.html")]) == 0
    assert main(["report", str(book), "-o", str(tmp_path / "pack.html")]) == 0  # an earlier board pack: replaced


def test_build_over_an_imported_book_needs_force(imported, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    book = tmp_path / "csp_workbook.xlsm"
    shutil.copyfile(imported, book)
    bookedit.set_cell(book, "Data", f"E{bookedit.find_row(book, 'Data', A='CNP PM3', B='2011/12')}", 12000)
    before = book.read_bytes()
    message = one_line(["build", "-o", str(book)], capsys)
    assert message == (f"{book}: already exists and holds other figures than the bundled workbook (an imported or "
                       "edited book?); choose another name with -o, or pass --force to replace it")
    assert book.read_bytes() == before
    assert main(["build", "-o", str(book), "--force"]) == 0
    capsys.readouterr()
    bookedit.set_cell(book, "Settings", "B1", bookedit.cell_text(book, "Settings", "B1"))  # same figures, other bytes
    assert main(["build", "-o", str(book)]) == 0  # an earlier build: replaced without --force


def test_rollup_output_over_a_password_protected_book_refused(imported, tmp_path, capsys):
    folder = tmp_path / "books"
    folder.mkdir()
    shutil.copyfile(imported, folder / "eastmoor.xlsm")
    out = tmp_path / "master.xlsx"
    out.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(4000))  # a book saved with a password
    before = out.read_bytes()
    message = one_line(["rollup", str(folder), "-o", str(out), "-q"], capsys)
    assert message.startswith(f"{out}: already exists and is not an overview made by CSP Status")
    assert out.read_bytes() == before
    out.unlink()
    assert main(["rollup", str(folder), "-o", str(out), "-q"]) == 0
    assert main(["rollup", str(folder), "-o", str(out), "-q"]) == 0  # an earlier overview: replaced



@pytest.fixture
def books(imported, tmp_path) -> Path:
    """A folder of master books to roll up: two .xlsm and one saved as .xlsx."""
    folder = tmp_path / "books"
    folder.mkdir()
    for name in ("a.xlsm", "b.xlsm", "d.xlsx"):
        shutil.copyfile(imported, folder / name)
    return folder


@pytest.mark.parametrize("extra", [[], ["--force"]])
def test_rollup_output_that_is_a_book_in_the_folder_refused_even_with_force(books, capsys, extra):
    out = books / "d.xlsx"
    before = listing(books), out.read_bytes()
    message = one_line(["rollup", str(books), "-o", str(out), "-q", *extra], capsys)
    assert message == (f"{out}: is also the input, which would be replaced by the overview; choose another name "
                       "for the overview")
    assert (listing(books), out.read_bytes()) == before


@pytest.mark.parametrize("extra", [[], ["--force"]])
def test_rollup_output_linked_to_a_book_in_the_folder_refused_even_with_force(books, tmp_path, capsys, extra):
    out = tmp_path / "ov.xlsx"
    out.symlink_to(books / "a.xlsm")
    before = (books / "a.xlsm").read_bytes()
    message = one_line(["rollup", str(books), "-o", str(out), "-q", *extra], capsys)
    assert message == (f"{out}: is also the input {books / 'a.xlsm'}, which would be replaced by the overview; "
                       "choose another name for the overview")
    assert (books / "a.xlsm").read_bytes() == before and out.is_symlink()


def test_rollup_overview_kept_in_the_folder_is_replaced_not_read(books, capsys):
    out = books / "overview.xlsx"
    assert main(["rollup", str(books), "-o", str(out), "-q"]) == 0
    assert main(["rollup", str(books), "-o", str(out), "-q"]) == 0  # an earlier overview: replaced, not rolled up
    capsys.readouterr()
    from csp_status.outputs.rollup import find_books

    assert [p.name for p in find_books(books, out=out)] == ["a.xlsm", "b.xlsm", "d.xlsx"]


def test_import_output_that_is_the_legacy_summary_refused(seed_path, tmp_path, capsys):
    from openpyxl import Workbook

    legacy = tmp_path / "legacy.xlsx"
    workbook = Workbook()
    workbook.active.append(["Ref"])
    workbook.save(legacy)
    before = legacy.read_bytes()
    message = one_line(["import", str(legacy), "-o", str(legacy), "--force"], capsys)
    assert message == (f"{legacy}: is also the legacy summary being imported, which would be replaced by the new "
                       "master workbook; choose another name for the new master workbook")
    assert legacy.read_bytes() == before


@pytest.mark.parametrize("linked", [False, True])
def test_import_output_that_is_the_layout_book_refused_even_with_force(tmp_path, linked):
    # an officer corrects a role on the Layout sheet and imports again, naming the same book as the output
    from csp_status.importer import import_legacy
    from csp_status.workbook.layout_sheets import read_corrections

    summary = shutil.copyfile(Path(__file__).parent / "data" / "layouts" / "police_output_measures_nz_2014_15.tsv",
                              tmp_path / "own.tsv")
    layout = tmp_path / "own.xlsm"
    import_legacy(summary, layout)
    out = layout
    if linked:
        out = tmp_path / "again.xlsm"
        out.symlink_to(layout)
    before = layout.read_bytes()
    with pytest.raises(BookError) as info:
        import_legacy(summary, out, overwrite=True, corrections=read_corrections(layout), layout=layout)
    said = f" ({layout})" if linked else ""
    assert str(info.value) == (f"{out}: is also the layout its columns' roles are read from (--layout){said}, which "
                               "would be replaced by the new master workbook; choose another name for the new "
                               "master workbook")
    assert layout.read_bytes() == before and says_what_to_do(str(info.value))


def test_csp_import_over_its_layout_book_refused_even_with_force(tmp_path, capsys):
    # the same from the command line: csp import own.tsv --layout own.xlsm -o own.xlsm --force
    from csp_status.importer import import_legacy

    summary = shutil.copyfile(Path(__file__).parent / "data" / "layouts" / "police_output_measures_nz_2014_15.tsv",
                              tmp_path / "own.tsv")
    layout = tmp_path / "own.xlsm"
    import_legacy(summary, layout)
    before = layout.read_bytes()
    message = one_line(["import", str(summary), "--layout", str(layout), "-o", str(layout), "--force"], capsys)
    assert message.startswith(f"{layout}: is also the layout its columns' roles are read from (--layout)")
    assert layout.read_bytes() == before


def test_board_pack_written_through_the_guarded_write_path(book, tmp_path, capsys):
    # one write path for every output: a read-only board pack is kept, a linked one stays a link
    pack = tmp_path / "pack.html"
    assert main(["report", str(book), "-o", str(pack)]) == 0
    capsys.readouterr()
    pack.chmod(0o444)
    before = pack.read_bytes()
    message = one_line(["report", str(book), "-o", str(pack)], capsys)
    assert message.startswith(f"{pack}: the board pack is read-only; the board pack is unchanged.")
    assert pack.read_bytes() == before
    pack.chmod(0o644)
    shared = tmp_path / "shared"
    shared.mkdir()
    pack.rename(shared / "pack.html")
    pack.symlink_to(shared / "pack.html")
    assert main(["report", str(book), "-o", str(pack)]) == 0
    assert pack.is_symlink() and (shared / "pack.html").read_bytes().startswith(b"<!DOCTYPE html>")
