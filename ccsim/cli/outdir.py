"""The ``--out`` folder: new, empty, or written by ccsim before (it has a manifest)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from ccsim import __version__
from ccsim.cli.common import EXIT_USAGE, MANIFEST
from ccsim.errors import CcsimError

#: A command's files by name: their content, or a function making them (called only when written).
Files = Mapping[str, str | bytes] | Callable[[], Mapping[str, str | bytes]]


class OutDir:
    """The ``--out`` folder of a command: new, empty, or written by ccsim before (it has a manifest).

    The manifest lists the files ccsim wrote there. A new run writes its files, then replaces
    the manifest, then removes the previous run's files that it did not write again, so that
    the folder holds one run's files. Before writing, the manifest lists the old and new files
    together: an interruption at any point leaves every file ccsim wrote listed. Hidden files
    (a name starting with a dot, as ``.DS_Store``) are ignored and never removed.
    """

    def __init__(self, path: str, command: str) -> None:
        self.made = False  # made here (new), so that a command with nothing to write can take it back
        self.command = command
        self.path = Path(path)
        self.manifest = self.path / MANIFEST
        if self.path.exists() and not self.path.is_dir():
            raise CcsimError(f"--out: {self.path} exists and is not a folder")
        try:
            if self.path.is_dir():
                previous = self._read_manifest()
                if previous is None:
                    self._refuse_if_not_empty()
                    previous = []
                self.previous = previous
            else:
                self.path.mkdir(parents=True)
                self.previous = []
                self.made = True
        except OSError as exc:
            raise CcsimError(f"--out: cannot use {self.path}: {exc.strerror or exc}") from None

    def discard(self) -> None:
        """Remove the folder this command made, when nothing was written into it."""
        if self.made and self.path.is_dir() and not any(self.path.iterdir()):
            self.path.rmdir()

    def _refuse_if_not_empty(self) -> None:
        visible = sorted(p.name for p in self.path.iterdir() if not p.name.startswith("."))
        if visible:
            shown = ", ".join(visible[:3]) + (", ..." if len(visible) > 3 else "")
            raise CcsimError(
                f"--out: {self.path} is not empty and has no {MANIFEST} (it was not written by ccsim; "
                f"it holds {shown}): give a new or empty folder"
            )

    def _read_manifest(self) -> list[str] | None:
        try:
            text = self.manifest.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, list) or not all(isinstance(f, str) and _plain_name(f) for f in files):
            raise CcsimError(
                f"--out: {self.manifest} is not a ccsim manifest (a JSON object with a list of file names "
                "in 'files'); remove it or give another folder"
            )
        return files

    def _write_manifest(self, files: list[str], about: dict) -> None:
        from ccsim.files import write_atomic

        data = {"written_by": f"ccsim {__version__} {self.command}", **about, "files": files}
        write_atomic(self.manifest, json.dumps(data, indent=2) + "\n")

    def write(self, files: Mapping[str, str | bytes], about: dict) -> tuple[list[str], list[str]]:
        """Write ``files``, then remove the previous run's files not written again.

        A command may write more than once (the plan, then the plan with its roster): each
        write's set replaces the one before.

        Parameters
        ----------
        files : dict
            File name to content.
        about : dict
            What the files show, for the manifest (scenario, variant, seed, replications...).

        Returns
        -------
        (written, removed)
            The names of the files written and of the previous run's files removed.
        """
        from ccsim.files import write_atomic

        names = list(files)
        stale = [f for f in self.previous if f not in files]
        target = self.manifest
        try:
            self._write_manifest(names + stale, about)
            for name, data in files.items():
                target = self.path / name
                write_atomic(target, data)
            kept = []
            for name in stale:
                target = self.path / name
                if target.is_file() or target.is_symlink():
                    try:
                        target.unlink()
                    except OSError:
                        kept.append(name)
            target = self.manifest
            self._write_manifest(names + kept, about)
        except OSError as exc:
            raise CcsimError(f"--out: cannot write {target}: {exc.strerror or exc}") from None
        self.previous = names + kept  # a second write (the roster after the plan) replaces these
        if kept:
            raise CcsimError(f"--out: cannot remove the previous run's {', '.join(kept)} from {self.path}")
        return names, [f for f in stale if f not in kept]


def _plain_name(name: str) -> bool:
    """A file name of the folder itself: no path, not hidden (so never the manifest)."""
    return bool(name) and not name.startswith(".") and "/" not in name and "\\" not in name and Path(name).name == name


def write_out(out: OutDir | None, files: Files, about: dict, code: int = 0, *, list_names: bool = True) -> int:
    """Write a command's ``--out`` folder, say so on stderr, and give the command's exit code.

    Every command that writes a folder ends this way, after printing its result (so that a
    folder that cannot be written never hides it): ``files`` are written (:meth:`OutDir.write`)
    and named on stderr, ``wrote 5 files to DIR: a.csv, ...`` with the previous run's files
    removed (only the count and the folder when ``list_names`` is false).

    Parameters
    ----------
    out : OutDir or None
        The folder (None: no ``--out`` given, nothing written).
    files : dict or callable
        File name to content, or a function making them, called only when there is a folder.
    about : dict
        What the files show, for the manifest.
    code : int, default 0
        The command's exit code when the files are written (130 for an interrupted run).

    Returns
    -------
    int
        ``code``; 2 when the folder cannot be written (the error on stderr, one line).
    """
    if out is None:
        return code
    try:
        written, removed = out.write(files() if callable(files) else files, about)
    except CcsimError as exc:
        print(f"ccsim: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    said = f": {', '.join(written)}" if list_names else ""
    if list_names and removed:
        said += f"; removed the previous run's {', '.join(removed)}"
    print(f"wrote {len(written)} files to {out.path}{said}", file=sys.stderr)
    return code


def about_result(result) -> dict:
    """What a simulation result's files show, for the manifest."""
    return {
        "scenario": result.scenario,
        "variant": result.variant,
        "seed": result.seed,
        "replications": result.replications,
    }
