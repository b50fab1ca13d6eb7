"""Writing output files so that nothing a planner made is lost: all or nothing, in place.

Every writer (reports, coverage layers, GeoTIFFs, scenario files) goes through
:func:`atomic_outputs`: each file is first written under a hidden folder beside its
target, and only when every one of them is written are they renamed into place. A
failure midway (a full disk, a bad argument found late, a crash) leaves the old files as
they were and no half-written new ones; a rename within one folder is atomic, so a
reader never sees a truncated file. Without ``force`` an existing file is never
replaced, even one that appeared while the outputs were being computed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from medevac.errors import MedevacError
from medevac.i18n import format_template, gettext

STAGING_PREFIX = ".medevac-partial-"
"""Name of the hidden folders that hold outputs being written (removed when done)."""


class OutputExistsError(FileExistsError, MedevacError):
    """An output file is already there and overwriting was not asked for."""


class OutputError(OSError, MedevacError):
    """An output that cannot be written: a read-only folder, a full disk, a path that is a file."""

    def __init__(self, path: Path | str, error: OSError) -> None:
        super().__init__(error.errno, error.strerror or str(error), str(path))

    def __str__(self) -> str:
        template = gettext("cannot write {path}: {reason}")  # the reason is the system's words
        return format_template(template, path=self.filename, reason=self.strerror)


def _exists_text(target: Path) -> str:
    return format_template(gettext("output already exists: {path} (use --force to overwrite)"), path=target)


def ensure_writable(paths: Iterable[Path], *, force: bool) -> None:
    """Refuse (naming every file) when any target exists, unless ``force``."""
    existing = [str(p) for p in paths if p.exists()]
    if existing and not force:
        template = gettext(
            "output already exists: {paths} (use --force to overwrite, or choose another --out)"
        )
        raise OutputExistsError(format_template(template, paths=", ".join(existing)))


def check_outputs(targets: Sequence[Path], *, force: bool) -> None:
    """Refuse early, before a long run: a target that exists (unless ``force``), or a folder
    that cannot be written (tried by making, then removing, a staging folder in it)."""
    ensure_writable(targets, force=force)
    for folder in dict.fromkeys(Path(t).parent for t in targets):
        made: list[Path] = []
        try:
            made = _make_folders(folder)
            Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder)).rmdir()
        except OSError as error:
            raise OutputError(next(Path(t) for t in targets if Path(t).parent == folder), error) from None
        finally:
            for made_folder in reversed(made):
                _remove_if_empty(made_folder)


@contextmanager
def atomic_outputs(targets: Sequence[Path], *, force: bool = False) -> Iterator[dict[Path, Path]]:
    """Temporary paths for ``targets``, moved into place together when the block succeeds.

    Yields ``{target: temporary path}``; write each file to its temporary path (it has the
    target's name, so drivers that go by the suffix behave). On an exception nothing is
    moved and the temporary files are deleted; folders made for the targets and left empty
    are removed too.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with atomic_outputs([folder / "a.txt"]) as temp:
    ...     _ = temp[folder / "a.txt"].write_text("new")
    >>> (folder / "a.txt").read_text()
    'new'
    >>> shutil.rmtree(folder)
    """
    targets = [Path(t) for t in targets]
    ensure_writable(targets, force=force)
    made: list[Path] = []
    staging: dict[Path, Path] = {}
    temporary: dict[Path, Path] = {}
    try:
        try:
            for target in targets:
                folder = target.parent
                if folder not in staging:
                    made += _make_folders(folder)
                    staging[folder] = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
                temporary[target] = staging[folder] / target.name
        except OSError as error:
            raise OutputError(target, error) from None
        try:
            yield temporary
        except OSError as error:
            if isinstance(error, MedevacError):
                raise
            raise OutputError(_target_of(error, temporary), error) from error
        missing = [str(t) for t, path in temporary.items() if not path.exists()]
        if missing:
            raise RuntimeError(f"outputs not written: {', '.join(missing)}")
        ensure_writable(targets, force=force)  # one may have appeared during a long run
        _place_all(temporary, force=force)
    except BaseException:
        for folder in staging.values():
            shutil.rmtree(folder, ignore_errors=True)
        for folder in reversed(made):
            _remove_if_empty(folder)
        raise
    for folder in staging.values():
        shutil.rmtree(folder, ignore_errors=True)


def write_atomic(path: Path, content: str | bytes, *, force: bool = False) -> Path:
    """Write one file atomically (text as UTF-8); refused if it exists, unless ``force``."""
    with atomic_outputs([path], force=force) as temp:
        if isinstance(content, str):
            temp[path].write_text(content, encoding="utf-8")
        else:
            temp[path].write_bytes(content)
    return path


def _place_all(temporary: dict[Path, Path], *, force: bool) -> None:
    """Rename every temporary file onto its target; if one rename fails, put back the
    files already replaced (from hard links kept of them) so old and new never mix."""
    placed: list[tuple[Path, Path | None, bool]] = []  # target, its old file kept, it existed
    try:
        for target, path in temporary.items():
            existed, kept = target.exists(), None
            if existed:
                kept = path.with_name(f"{path.name}.old")
                try:
                    os.link(target, kept)
                except OSError:  # no hard links here: this one cannot be put back
                    kept = None
            _place(path, target, force=force)
            placed.append((target, kept, existed))
    except BaseException as error:
        for target, kept, existed in reversed(placed):
            with suppress(OSError):
                if kept is not None:
                    kept.replace(target)
                elif not existed:
                    target.unlink()
        if isinstance(error, OSError) and not isinstance(error, MedevacError):
            raise OutputError(target, error) from error
        raise


def _place(source: Path, target: Path, *, force: bool) -> None:
    if force:
        source.replace(target)
        return
    try:
        os.link(source, target)  # fails if the target exists: no replacing by accident
    except FileExistsError:
        raise OutputExistsError(_exists_text(target)) from None
    except OSError:  # a file system without hard links
        if target.exists():
            raise OutputExistsError(_exists_text(target)) from None
        source.replace(target)
    else:
        source.unlink()


def _make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and missing parents; return those created, outermost first."""
    missing = []
    at = folder
    while not at.exists():
        missing.append(at)
        if at.parent == at:
            break
        at = at.parent
    folder.mkdir(parents=True, exist_ok=True)
    return list(reversed(missing))


def _remove_if_empty(folder: Path) -> None:
    with suppress(OSError):  # not empty: something else is in it
        folder.rmdir()


def _target_of(error: OSError, temporary: dict[Path, Path]) -> Path:
    """The target a failed write was for, rather than its hidden temporary path."""
    for target, path in temporary.items():
        if error.filename and Path(str(error.filename)) == path:
            return target
    return next(iter(temporary), Path(str(error.filename or "")))


__all__ = [
    "OutputError",
    "OutputExistsError",
    "atomic_outputs",
    "check_outputs",
    "ensure_writable",
    "write_atomic",
]
