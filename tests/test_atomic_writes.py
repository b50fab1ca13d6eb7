"""Outputs are written all or nothing: with ``--force`` the old files stay whole until the new
ones are completely written, and a failure midway leaves no mix of old and new files."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest
from conftest import ONE_KM_A_MINUTE, facility, make_scenario, site

from medevac.cli import main
from medevac.files import STAGING_PREFIX, OutputError, OutputExistsError, atomic_outputs, write_atomic
from medevac.report.build import OUTPUTS, write_report
from medevac.scenario import load_scenario, parse_scenario, write_scenario

SCENARIO = "medevac: 1\nname: atomic\nfacilities:\n  - {id: f, level: '2', lat: 0, lon: 0}\n"
SCENARIO += "sites:\n  - {id: s, lat: 0, lon: 0.3, personnel: 10}\n"


def leftovers(folder: Path) -> list[str]:
    """Staging folders left behind (there must be none)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(STAGING_PREFIX))


def disk_full(*_: Any, **__: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


# -- the helper -----------------------------------------------------------------------------


def test_files_go_into_place_together(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "sub" / "b.txt"
    with atomic_outputs([a, b]) as temporary:
        temporary[a].write_text("A", encoding="utf-8")
        temporary[b].write_text("B", encoding="utf-8")
        assert temporary[a].name == "a.txt"  # the target's own name: drivers go by the suffix
        assert not a.exists()  # nothing is in place before the block ends
    assert (a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")) == ("A", "B")
    assert leftovers(tmp_path) == leftovers(tmp_path / "sub") == []


def test_a_failure_midway_changes_nothing(tmp_path: Path) -> None:
    old = tmp_path / "old.txt"
    old.write_text("old", encoding="utf-8")
    new_folder = tmp_path / "new" / "deeper"
    with (
        pytest.raises(RuntimeError, match="midway"),
        atomic_outputs([old, new_folder / "x.txt"], force=True) as temp,
    ):
        temp[old].write_text("new", encoding="utf-8")
        raise RuntimeError("midway")
    assert old.read_text(encoding="utf-8") == "old"
    assert not (tmp_path / "new").exists()  # folders made for the outputs are removed again
    assert leftovers(tmp_path) == []


def test_a_full_disk_is_an_output_error_naming_the_target(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old report", encoding="utf-8")
    with pytest.raises(OutputError) as caught, atomic_outputs([target], force=True) as temporary:
        temporary[target].write_text("half", encoding="utf-8")
        disk_full()
    assert str(caught.value) == f"cannot write {target}: No space left on device"
    assert target.read_text(encoding="utf-8") == "old report"
    assert leftovers(tmp_path) == []


def test_a_rename_that_fails_puts_back_the_files_already_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, c = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"
    a.write_text("old a", encoding="utf-8")
    b.write_text("old b", encoding="utf-8")
    import medevac.files

    real_place = medevac.files._place

    def place(source: Path, target: Path, *, force: bool) -> None:
        if target == c:
            raise OSError(errno.EIO, "Input/output error")
        real_place(source, target, force=force)

    monkeypatch.setattr(medevac.files, "_place", place)
    with (
        pytest.raises(OutputError, match="Input/output error"),
        atomic_outputs([a, b, c], force=True) as temp,
    ):
        for target in (a, b, c):
            temp[target].write_text(f"new {target.stem}", encoding="utf-8")
    assert [p.read_text(encoding="utf-8") for p in (a, b)] == ["old a", "old b"]
    assert not c.exists()
    assert leftovers(tmp_path) == []


def test_without_force_nothing_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "mine.txt"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="use --force"):
        write_atomic(target, "other")
    late = tmp_path / "late.txt"
    with pytest.raises(OutputExistsError), atomic_outputs([late]) as temporary:
        temporary[late].write_text("computed", encoding="utf-8")
        late.write_text("made meanwhile", encoding="utf-8")  # appears during a long run
    assert target.read_text(encoding="utf-8") == "mine"
    assert late.read_text(encoding="utf-8") == "made meanwhile"
    assert leftovers(tmp_path) == []


def test_write_scenario_replaces_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "plan.yaml"
    target.write_text(SCENARIO, encoding="utf-8")
    changed = parse_scenario(SCENARIO.replace("name: atomic", "name: changed"))
    monkeypatch.setattr(Path, "write_text", lambda *_, **__: disk_full())
    with pytest.raises(OutputError, match="No space left on device"):
        write_scenario(changed, target, overwrite=True)
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == SCENARIO
    write_scenario(changed, target, overwrite=True)
    assert load_scenario(target).name == "changed"
    assert leftovers(tmp_path) == []


# -- the commands ---------------------------------------------------------------------------


def small_scenario() -> Any:
    return make_scenario(ground=ONE_KM_A_MINUTE, facilities=[facility("f", 0)], sites=[site("s", 30)])


def test_report_force_on_a_full_disk_keeps_the_old_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in OUTPUTS:
        (tmp_path / name).write_bytes(f"old {name}".encode())
    monkeypatch.setattr("medevac.report.build.write_workbook", disk_full)  # third of five files
    with pytest.raises(OutputError, match="No space left on device"):
        write_report(small_scenario(), tmp_path, force=True, progress=False, cell_km=10.0)
    assert {name: (tmp_path / name).read_bytes() for name in OUTPUTS} == {
        name: f"old {name}".encode() for name in OUTPUTS
    }
    assert leftovers(tmp_path) == []


def test_report_with_a_bad_cell_size_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "plan.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    out = tmp_path / "report"
    status = main(["report", str(scenario), "--out", str(out), "--cell-km", "1e-6", "--no-progress"])
    assert status == 2
    assert "error: --cell-km: a cell size giving at most 5,000,000 cells" in capsys.readouterr().err
    assert not out.exists()


def test_coverage_force_keeps_the_old_geopackage_until_the_new_one_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = tmp_path / "plan.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    out = tmp_path / "coverage.gpkg"
    argv = ["coverage", str(scenario), "--cell-km", "10", "--out", str(out)]
    assert main(argv) == 0
    first = {p.name: p.read_bytes() for p in tmp_path.glob("coverage*")}
    assert sorted(first) == [
        "coverage.gpkg",
        "coverage_first_aid_day_dry.tif",
        "coverage_resuscitation_day_dry.tif",
        "coverage_surgery_day_dry.tif",
    ]
    monkeypatch.setattr("medevac.coverage.layers.save_geotiff", disk_full)  # after the GeoPackage
    capsys.readouterr()
    assert main([*argv, "--force"]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in tmp_path.glob("coverage*")} == first
    assert leftovers(tmp_path) == []
    monkeypatch.undo()
    assert main([*argv, "--force", "--light", "night"]) == 0
    assert sorted(p.name for p in tmp_path.glob("coverage*")) == [
        "coverage.gpkg",
        "coverage_first_aid_day_dry.tif",  # day files of the first run are not this run's: kept
        "coverage_first_aid_night_dry.tif",
        "coverage_resuscitation_day_dry.tif",
        "coverage_resuscitation_night_dry.tif",
        "coverage_surgery_day_dry.tif",
        "coverage_surgery_night_dry.tif",
    ]
    assert out.read_bytes() != first["coverage.gpkg"]
