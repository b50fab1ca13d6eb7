"""A mission uploaded to the app: a scenario, a workbook or tables, with the files it names
(road layer, closures, patrol lines), as several files or one ``.zip`` of its folder.

Nothing outside the upload is ever read. Each file the mission names is looked for among
the uploaded files only: at the place its name points to, relative to the mission file
inside the upload (a ``.zip`` keeps its folders), else by its file name (the demo names
``../medevac/geodata/minusma/roads.geojson``; an uploaded ``roads.geojson`` answers it).
An absolute name is bad input, and so is a name no uploaded file answers
(``../../etc/passwd``), whatever the server holds there: the answer never depends on it.

The files are then written into a fresh sandbox folder, each where its name points (the
mission file sits deep enough that even a ``../`` name lands inside the sandbox), and the
mission is read from there by the ordinary readers (:func:`medevac.scenario.parse_scenario`,
:func:`medevac.intake.import_scenario`), so a name as written finds its file and an export
keeps the names its author wrote. Only the mission file and the files it names are written.

Bad input, each naming the file: a file or a ``.zip`` over the size limits; ``.zip``
entries that are absolute or escape the folder, links, encrypted, or listed twice; a layer
that is an XML descriptor (GDAL opens files by content, and a VRT reads any file the
server can), alone or inside a zipped layer.
"""

from __future__ import annotations

import io
import posixpath
import stat
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from medevac import messages
from medevac.errors import Problem, ScenarioError
from medevac.i18n import format_template, gettext
from medevac.intake.assemble import CSV_SUFFIXES, Sources, import_scenario
from medevac.intake.placemarks import SUFFIXES as POINT_SUFFIXES
from medevac.intake.settings import file_names
from medevac.intake.tables import WORKBOOK_SUFFIXES, read_csv, read_workbook
from medevac.model import PathFile, Scenario
from medevac.scenario import parse_scenario, scenario_from_mapping, scenario_to_mapping

SCENARIO_SUFFIXES = (".yaml", ".yml")
TABLE_SUFFIXES = CSV_SUFFIXES + POINT_SUFFIXES
ROAD_LAYER_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp", ".zip", ".pbf", ".graphml")
LAYER_SUFFIXES = (*ROAD_LAYER_SUFFIXES, ".shx", ".dbf", ".prj", ".cpg")
"""Layers, and a shapefile's companions (written beside it)."""
SHAPEFILE_COMPANIONS = (".shx", ".dbf", ".prj", ".cpg")
MISSION_SUFFIXES = (*SCENARIO_SUFFIXES, *WORKBOOK_SUFFIXES, *TABLE_SUFFIXES, ".zip")
"""What the mission box takes: a scenario, a workbook, a table, or a .zip of a folder."""
TABLE_ROLES = ("sites", "facilities", "airframes", "settings")
_SKIPPED = ("__MACOSX/",)  # macOS's resource forks in a zip: never part of a mission
_MB = 1024 * 1024


@dataclass(frozen=True)
class UploadedFile:
    """One uploaded file: its name as the browser sent it, and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Limits:
    """Sizes an upload may have: each file, all of a .zip unpacked, entries of a .zip."""

    file_mb: float = 50.0
    unpacked_mb: float = 200.0
    zip_entries: int = 2000


@dataclass(frozen=True)
class UploadedMission:
    """A mission read from an upload: the scenario (its files in the sandbox), what it was
    loaded from (``mission.zip: scenarios/minusma-north.yaml``) and the readers' warnings."""

    scenario: Scenario
    label: str
    warnings: tuple[str, ...] = ()


def named_files(scenario: Scenario) -> list[tuple[str, str]]:
    """Every file a scenario names, as written, with its key path (the road layer last)."""
    named = [(f"ground.closures[{i}]", path) for i, path in enumerate(scenario.ground.closures)]
    named += [
        (f"patrols[{i}].path.file", patrol.path.file)
        for i, patrol in enumerate(scenario.patrols)
        if isinstance(patrol.path, PathFile)
    ]
    if scenario.ground.roads:
        named.append(("ground.roads", scenario.ground.roads))
    return named


def layer_problem(name: str, data: bytes) -> Problem | None:
    """Why an uploaded layer is refused: XML, in it or in its zip (only ``.graphml`` is XML).

    GDAL opens a file by its content, and XML descriptors such as a VRT read other files
    (any on the server) or addresses, whatever the file's name.
    """

    def is_xml(head: bytes) -> bool:
        return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")

    allowed = gettext(
        "a layer (GeoPackage, GeoJSON, shapefile, OSM .pbf, GraphML), not an XML descriptor such as a VRT"
    )
    if name.lower().endswith(".graphml"):
        return None
    if not name.lower().endswith(".zip"):
        return Problem(name, "", "XML", allowed) if is_xml(data[:512]) else None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                if member.is_dir():
                    continue
                with archive.open(member) as packed:
                    head = packed.read(512)
                if is_xml(head) or member.filename.lower().endswith((".zip", ".vrt")):
                    return Problem(name, "", member.filename, allowed)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, zlib.error) as error:
        return Problem(name, "", str(error), gettext("a readable zip archive of a layer"))
    return None


def is_absolute(name: str) -> bool:
    """An absolute name on any system: ``/etc``, ``C:\\data``, ``\\\\server\\share``, ``~/x``."""
    return (
        PurePosixPath(name).is_absolute()
        or PureWindowsPath(name).is_absolute()
        or bool(PureWindowsPath(name).drive)
        or name.startswith(("\\", "~"))
    )


def _suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def _base_name(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).name


def table_role(name: str) -> str | None:
    """The table a file holds, by its name: ``facilities.csv``, ``sites-2026.kml``."""
    stem = PurePosixPath(name).stem.lower()
    return next((role for role in TABLE_ROLES if stem.startswith(role)), None)


# -- the files of an upload, before anything is written ------------------------------------------


class _Tree:
    """The uploaded files by path (``/``-separated, relative, normalised), read on demand:
    a zip's entries are unpacked only when the mission needs them, within the limits."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.readers: dict[str, Callable[[], bytes]] = {}
        self.origin: dict[str, str] = {}  # how each path is named in problems
        self.flat: set[str] = set()  # uploaded one by one (not from a zip)
        self.unpacked = 0
        self._read: dict[str, bytes] = {}

    def __contains__(self, path: str) -> bool:
        return path in self.readers

    def paths(self) -> list[str]:
        return list(self.readers)

    def read(self, path: str) -> bytes:
        if path not in self._read:
            self._read[path] = self.readers[path]()
        return self._read[path]

    def add(self, path: str, data: bytes, origin: str) -> None:
        self.readers[path] = lambda: data
        self.origin[path] = origin
        self.flat.add(path)

    def add_zip(self, upload: UploadedFile) -> list[Problem]:
        """The entries of a zip of a mission's folder; every refused entry is a problem."""
        name = upload.name
        problems: list[Problem] = []
        try:
            archive = zipfile.ZipFile(io.BytesIO(upload.data))
            members = archive.infolist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            return [Problem(name, "", str(error), messages.upload_problem("bad_zip"))]
        if len(members) > self.limits.zip_entries:
            limit = self.limits.zip_entries
            return [
                Problem(
                    name,
                    "",
                    format_template(gettext("{count:,} files"), count=len(members)),
                    messages.upload_problem("too_many_entries", limit=limit),
                )
            ]
        declared = 0
        for member in members:
            entry = member.filename.replace("\\", "/")
            if member.is_dir() or entry.startswith(_SKIPPED) or _base_name(entry).startswith("._"):
                continue
            path = posixpath.normpath(entry)
            if (member.external_attr >> 16) & 0o170000 == stat.S_IFLNK:
                problems.append(
                    Problem(name, member.filename, gettext("a link"), messages.upload_problem("zip_link"))
                )
            elif is_absolute(member.filename) or path == ".." or path.startswith("../"):
                problems.append(Problem(name, "", member.filename, messages.upload_problem("zip_escapes")))
            elif member.flag_bits & 0x1:
                problems.append(
                    Problem(
                        name, member.filename, gettext("encrypted"), messages.upload_problem("zip_encrypted")
                    )
                )
            elif path in self.readers:
                problems.append(Problem(name, "", member.filename, messages.upload_problem("zip_twice")))
            elif member.file_size > self.limits.file_mb * _MB:
                problems.append(self._too_big(name, member.filename, member.file_size))
            else:
                declared += member.file_size
                self.readers[path] = self._reader(archive, member, name)
                self.origin[path] = f"{name}: {path}"
        if declared > self.limits.unpacked_mb * _MB:
            problems.append(self._unpacked_too_big(name, declared))
        return problems

    def _too_big(self, name: str, entry: str, size: int) -> Problem:
        allowed = messages.upload_problem("too_big", limit_mb=self.limits.file_mb)
        return Problem(name, entry, _megabytes(size), allowed)

    def _unpacked_too_big(self, name: str, size: int) -> Problem:
        allowed = messages.upload_problem("unpacked_too_big", limit_mb=self.limits.unpacked_mb)
        return Problem(name, "", _megabytes(size), allowed)

    def _reader(self, archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> Callable[[], bytes]:
        """Unpack one entry, never past the limits whatever its header claims."""

        def read() -> bytes:
            cap = int(self.limits.file_mb * _MB)
            try:
                with archive.open(member) as packed:
                    data = packed.read(cap + 1)
            except (
                zipfile.BadZipFile,
                RuntimeError,
                NotImplementedError,
                OSError,
                EOFError,
                zlib.error,
            ) as error:
                raise ScenarioError(
                    [Problem(name, member.filename, str(error), messages.upload_problem("bad_zip"))]
                ) from None
            if len(data) > cap:
                raise ScenarioError([self._too_big(name, member.filename, len(data))])
            self.unpacked += len(data)
            if self.unpacked > self.limits.unpacked_mb * _MB:
                raise ScenarioError([self._unpacked_too_big(name, self.unpacked)])
            return data

        return read


def _mission_in_zip(tree: _Tree, name: str) -> str:
    """The mission file of a zipped folder: its one scenario, else its one workbook, else its
    sites table (or first table)."""
    paths = tree.paths()
    for suffixes, what in ((SCENARIO_SUFFIXES, "scenario (.yaml)"), (WORKBOOK_SUFFIXES, "workbook")):
        found = sorted(p for p in paths if _suffix(p) in suffixes)
        if len(found) == 1:
            return found[0]
        if found:
            files = ", ".join(found)
            raise ScenarioError(
                [
                    Problem(
                        name, "", files, messages.upload_problem("several_missions", what=what, files=files)
                    )
                ]
            )
    tables = sorted(p for p in paths if _suffix(p) in TABLE_SUFFIXES and table_role(p))
    if tables:
        return next((p for p in tables if table_role(p) == "sites"), tables[0])
    listed = ", ".join(sorted(paths)[:10]) or "no files"
    raise ScenarioError([Problem(name, "", listed, messages.upload_problem("no_mission"))])


# -- placing the files ---------------------------------------------------------------------------


@dataclass
class _Placement:
    """Where each needed file goes (a path that may start with ``../``, relative to the
    folder of the tree) and which uploaded file it is."""

    files: dict[str, str]
    claimed: set[str]


def _resolve(
    named: Sequence[tuple[str, str]], source: str, tree: _Tree, mission_path: str, problems: list[Problem]
) -> _Placement:
    base_dir = posixpath.dirname(mission_path)
    placement = _Placement({}, set())

    def spare_road_layers() -> list[str]:
        return [
            p
            for p in sorted(tree.flat)
            if p != mission_path and p not in placement.claimed and _suffix(p) in ROAD_LAYER_SUFFIXES
        ]

    for key, name in named:
        if is_absolute(name):
            problems.append(Problem(source, key, name, messages.upload_problem("absolute")))
            continue
        target = posixpath.normpath(posixpath.join(base_dir, name.replace("\\", "/")))
        if target in tree and target != mission_path:
            found = target
        else:
            wanted = _base_name(name)
            matches = sorted(p for p in tree.paths() if p != mission_path and _base_name(p) == wanted)
            spare = spare_road_layers()
            if len(matches) == 1:
                found = matches[0]
            elif matches:
                files = ", ".join(tree.origin[p] for p in matches)
                problems.append(Problem(source, key, name, messages.upload_problem("ambiguous", files=files)))
                continue
            elif key == "ground.roads" and len(spare) == 1 and _suffix(wanted) in ROAD_LAYER_SUFFIXES:
                found = spare[0]  # the one road layer uploaded, under another name
            else:
                problems.append(
                    Problem(source, key, name, messages.upload_problem("not_uploaded", file=wanted))
                )
                continue
        placement.claimed.add(found)
        placement.files[target] = found
        if _suffix(found) == ".shp":  # a shapefile's companions sit beside it, named alike
            stem, target_stem = found[: -len(".shp")], target[: -len(".shp")]
            for companion in SHAPEFILE_COMPANIONS:
                for case in (companion, companion.upper()):
                    if stem + case in tree:
                        placement.files[target_stem + case] = stem + case
                        placement.claimed.add(stem + case)
    return placement


def _depth(paths: Sequence[str]) -> int:
    """How many folders above the tree the paths reach (``../../x`` reaches 2)."""
    depth = 0
    for path in paths:
        parts = PurePosixPath(path).parts
        depth = max(depth, next((i for i, part in enumerate(parts) if part != ".."), len(parts)))
    return depth


def _write(sandbox: Path, root: Path, files: dict[str, bytes], problems: list[Problem], origin: str) -> None:
    resolved = sandbox.resolve()
    for path, data in files.items():
        target = (root / path).resolve()
        if target == resolved or not target.is_relative_to(resolved):  # cannot happen: depth keeps it in
            problems.append(Problem(origin, "", path, messages.upload_problem("zip_escapes")))
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except (OSError, ValueError) as error:
            allowed = format_template(gettext("a file name the server can write ({reason})"), reason=error)
            problems.append(Problem(origin, "", path, allowed))


def _megabytes(size: int) -> str:
    """A size as a problem shows it: ``12.5 MB`` / ``12,5 Mo``."""
    return format_template(gettext("{mb:.1f} MB"), mb=size / _MB)


# -- the upload ----------------------------------------------------------------------------------


def open_upload(
    mission: UploadedFile, others: Sequence[UploadedFile], sandbox: Path, limits: Limits | None = None
) -> UploadedMission:
    """The mission of an upload, its files written into ``sandbox`` (an empty folder) and
    read from there; :class:`ScenarioError` lists every problem, naming files as uploaded.

    ``mission`` is a scenario (YAML), a workbook, a table (sites, or a file named after its
    table: ``facilities.csv``) or a ``.zip`` of the mission's folder; ``others`` are the files
    it names (and, beside a table, the other tables). A road layer uploaded under another
    name than the scenario gives it (or when it names none) is its road layer when it is
    the only one uploaded.
    """
    limits = limits or Limits()
    tree = _Tree(limits)
    problems: list[Problem] = []
    for upload in (mission, *others):
        if len(upload.data) > limits.file_mb * _MB:
            allowed = messages.upload_problem("too_big", limit_mb=limits.file_mb)
            problems.append(Problem(_base_name(upload.name), "", _megabytes(len(upload.data)), allowed))
    if problems:
        raise ScenarioError(problems)
    zip_name = ""
    if _suffix(mission.name) == ".zip":
        zip_name = _base_name(mission.name)
        problems += tree.add_zip(mission)
        if problems:
            raise ScenarioError(problems)
        mission_path = _mission_in_zip(tree, zip_name)
    else:
        mission_path = _base_name(mission.name)
        if _suffix(mission_path) not in MISSION_SUFFIXES:
            found = _suffix(mission_path) or mission_path
            raise ScenarioError([Problem(mission_path, "", found, messages.upload_problem("mission_type"))])
        tree.add(mission_path, mission.data, mission_path)
    for upload in others:
        name = _base_name(upload.name)
        if name in ("", ".", ".."):
            continue
        if name in tree:
            problems.append(Problem(name, "", name, messages.upload_problem("uploaded_twice")))
            continue
        tree.add(name, upload.data, name)
    if problems:
        raise ScenarioError(problems)
    label = f"{zip_name}: {mission_path}" if zip_name else mission_path
    suffix = _suffix(mission_path)
    if suffix in SCENARIO_SUFFIXES:
        return _open_scenario(tree, mission_path, label, sandbox)
    return _open_tables(tree, mission_path, label, sandbox, workbook=suffix in WORKBOOK_SUFFIXES)


def _open_scenario(tree: _Tree, mission_path: str, label: str, sandbox: Path) -> UploadedMission:
    try:
        text = tree.read(mission_path).decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(
            [Problem(label, "", gettext("binary data"), messages.upload_problem("not_utf8"))]
        ) from None
    draft = parse_scenario(text, source=label)  # no folder: no file is looked for yet
    problems: list[Problem] = []
    placement = _resolve(named_files(draft), label, tree, mission_path, problems)
    root = _place(tree, mission_path, placement, sandbox, problems)
    folder = (root / mission_path).parent
    document = scenario_to_mapping(draft)
    _attach_spare_road_layer(document, tree, mission_path, placement, root, sandbox, problems)
    if problems:
        raise ScenarioError(problems)
    return UploadedMission(scenario_from_mapping(document, source=label, source_dir=folder), label)


def _open_tables(
    tree: _Tree, mission_path: str, label: str, sandbox: Path, *, workbook: bool
) -> UploadedMission:
    """A workbook, or tables (CSV, KML, GeoJSON), imported as ``medevac import`` does."""
    problems: list[Problem] = []
    base_dir = posixpath.dirname(mission_path)
    tables: dict[str, str] = {}
    if not workbook:
        for path in [mission_path, *sorted(p for p in tree.paths() if p != mission_path)]:
            if posixpath.dirname(path) != base_dir or _suffix(path) not in TABLE_SUFFIXES:
                continue
            role = table_role(path) or ("sites" if path == mission_path else None)
            if role is None:
                if _suffix(path) in CSV_SUFFIXES:
                    problems.append(
                        Problem(tree.origin[path], "", path, messages.upload_problem("table_role"))
                    )
                continue  # a GeoJSON that names no table: a layer
            if role in tables:
                other = tree.origin[tables[role]]
                problems.append(
                    Problem(
                        tree.origin[path],
                        "",
                        path,
                        messages.upload_problem("table_twice", role=role, other=other),
                    )
                )
                continue
            tables[role] = path
    # The settings (a sheet, or settings.csv) name the files: read them from a scratch copy.
    scratch = sandbox / ".scan"
    scratch.mkdir(parents=True, exist_ok=True)
    named: list[tuple[str, str]] = []
    settings_path = mission_path if workbook else tables.get("settings")
    if settings_path is not None:
        copy = scratch / _base_name(settings_path)
        copy.write_bytes(tree.read(settings_path))
        table = read_workbook(copy)[0].get("settings") if workbook else read_csv(copy, "settings")
        named = file_names(table) if table is not None else []
        copy.unlink()
    scratch.rmdir()
    placement = _resolve(named, label, tree, mission_path, problems)
    for path in tables.values():
        placement.files.setdefault(path, path)
        placement.claimed.add(path)
    root = _place(tree, mission_path, placement, sandbox, problems)
    if problems:
        raise ScenarioError(problems)
    folder = (root / mission_path).parent
    if workbook:
        sources = Sources(workbook=root / mission_path)
    else:
        sources = Sources(**{role: root / path for role, path in tables.items()})
    imported = import_scenario(sources, folder)
    document = scenario_to_mapping(imported.scenario)
    _attach_spare_road_layer(document, tree, mission_path, placement, root, sandbox, problems)
    if problems:
        raise ScenarioError(problems)
    scenario = scenario_from_mapping(document, source=label, source_dir=folder)
    return UploadedMission(scenario, label, imported.warnings)


def _place(
    tree: _Tree, mission_path: str, placement: _Placement, sandbox: Path, problems: list[Problem]
) -> Path:
    """Write the mission file and the files it needs; return the folder the tree sits in."""
    root = sandbox.joinpath(*(["_"] * _depth(list(placement.files))))
    files: dict[str, bytes] = {}
    for target, found in placement.files.items():
        try:
            data = tree.read(found)
        except ScenarioError as error:
            problems += error.problems
            continue
        refused = layer_problem(tree.origin[found], data) if _suffix(found) in LAYER_SUFFIXES else None
        if refused is not None:
            problems.append(refused)
            continue
        files[target] = data
    if problems:
        return root
    try:
        files[mission_path] = tree.read(mission_path)
    except ScenarioError as error:
        problems += error.problems
        return root
    _write(sandbox, root, files, problems, tree.origin[mission_path])
    return root


def _attach_spare_road_layer(
    document: dict[str, object],
    tree: _Tree,
    mission_path: str,
    placement: _Placement,
    root: Path,
    sandbox: Path,
    problems: list[Problem],
) -> None:
    """A mission naming no road layer takes the one road layer uploaded that it does not
    name otherwise (uploaded beside it, not found in a zipped folder)."""
    ground = document.get("ground")
    if problems or (isinstance(ground, dict) and ground.get("roads")):
        return
    spare = [
        p
        for p in sorted(tree.flat)
        if p != mission_path and p not in placement.claimed and _suffix(p) in ROAD_LAYER_SUFFIXES
    ]
    if len(spare) != 1:
        return
    data = tree.read(spare[0])
    refused = layer_problem(spare[0], data)
    if refused is not None:
        problems.append(refused)
        return
    target = posixpath.normpath(posixpath.join(posixpath.dirname(mission_path), spare[0]))
    _write(sandbox, root, {target: data}, problems, spare[0])
    relative = posixpath.relpath(target, posixpath.dirname(mission_path) or ".")
    document["ground"] = {**(ground if isinstance(ground, dict) else {}), "roads": relative}


__all__ = [
    "LAYER_SUFFIXES",
    "MISSION_SUFFIXES",
    "ROAD_LAYER_SUFFIXES",
    "Limits",
    "UploadedFile",
    "UploadedMission",
    "is_absolute",
    "layer_problem",
    "named_files",
    "open_upload",
    "table_role",
]
