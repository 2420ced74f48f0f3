"""Files: writing results whole or not at all (with the permissions any other tool would give), reading CSV."""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

from ccsim.errors import CcsimError

__all__ = ["file_mode", "read_csv_records", "write_atomic"]


def _umask() -> int:
    """The process umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # no other way to read it: set and restore at once
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The permission bits of a new file: ``0o666`` less the umask (``0o644`` with umask 022)."""
    return 0o666 & ~_umask()


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename.

    A reader never sees a half-written file, and an interrupted write leaves the previous
    file (if any) untouched. The file gets the permissions of a newly created file
    (``0o666`` less the umask), like a file written by any other tool.

    Parameters
    ----------
    path : str or pathlib.Path
        Destination file; its folder must exist.
    data : str or bytes
        The whole content (text is written as UTF-8).
    """
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), file_mode())  # mkstemp creates 0600
            fh.write(raw)
        if not hasattr(os, "fchmod"):
            os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_csv_records(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank rows of a CSV file, each row with its line number.

    Rows with no value at all (blank lines, the ``,,,`` a spreadsheet leaves) are skipped.
    A file that cannot be read raises :class:`ccsim.CcsimError` naming it and why.
    """
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            records = [(reader.line_num, row) for row in reader]
    except FileNotFoundError:
        raise CcsimError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CcsimError(f"{path}: is a directory, expected a CSV file") from None
    except PermissionError:
        raise CcsimError(f"{path}: permission denied") from None
    except UnicodeDecodeError as exc:
        raise CcsimError(f"{path}: not a UTF-8 text file ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise CcsimError(f"{path}: not a readable CSV file ({exc})") from None
    if not header or not any(c.strip() for c in header):
        raise CcsimError(f"{path}: empty file: expected a header line naming the columns (volume, aht_s, ...)")
    # rows with no value at all (blank lines, the ",,," a spreadsheet leaves) are skipped
    return [c.strip() for c in header], [(n, row) for n, row in records if any(c.strip() for c in row)]
