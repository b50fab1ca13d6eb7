"""End to end in a real browser: serve the app, drive Debian's chromium with selenium.

Checks what AppTest cannot: the page renders in a browser with no internet (the map canvas
and the gap table appear), a what-if typed into the page changes the numbers on it, a new
mission's conditions are the ones the browser sends back at the next click, map
tooltips read as text and are never cut off by the map's edge, and a workbook uploaded,
edited in its table and saved to the library is found there after a reload, and the
app opened at ``/?lang=fr`` speaks French, with decimal commas, until English is chosen.
A screenshot is kept in ``artifacts/`` (gitignored) for CI to keep.
"""

from __future__ import annotations

import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from medevac.check import check
from medevac.mapdata import facility_records, scenario_bounds
from medevac.scenario import load_scenario
from medevac.whatif import AddFacility, Point, apply_edits

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "artifacts"
DEMO = ROOT / "scenarios" / "minusma-north.yaml"
APPLY_BUTTON = "//button[.//p[starts-with(normalize-space(.), 'Apply: + Level 2')]]"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="needs /usr/bin/chromium and /usr/bin/chromedriver "
        "(apt-get install chromium chromium-driver; .ci/run installs them)",
    ),
]


# -- the page, as every test reads it ------------------------------------------------------


def wait_for_rerun(driver: Any, wait: Any, drawn_s: float) -> None:
    """Wait for the rerun a widget started to finish (the header's status widget goes), then
    ``drawn_s`` more for the page to draw what it was sent."""
    from selenium.webdriver.common.by import By

    time.sleep(1.0)
    wait.until(lambda _: not driver.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]'))
    time.sleep(drawn_s)


def click_tab(driver: Any, label: str) -> None:
    """Click the tab of this label, scrolled into view first (the map may cover the tab bar)."""
    from selenium.webdriver.common.by import By

    tab = next(t for t in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stTab"]') if t.text == label)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", tab)
    tab.click()


def choose(driver: Any, wait: Any, label: str, option: str) -> None:
    """Pick an option of the select box of this label (its input clicked: the map's toolbar
    may cover the arrow)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    box = next(
        b
        for b in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stSelectbox"]')
        if b.find_element(By.CSS_SELECTOR, "label").text == label
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.find_element(By.CSS_SELECTOR, "input").click()
    xpath = f"//*[@role='option'][normalize-space(.)='{option}']"
    wait.until(ec.element_to_be_clickable((By.XPATH, xpath))).click()


def main_text(driver: Any) -> str:
    """The text of the page's main area, as shown."""
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.CSS_SELECTOR, '[data-testid="stMain"]').text)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def library_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The served app's variant library (MEDEVAC_LIBRARY): a file of these tests' own."""
    return tmp_path_factory.mktemp("library") / "library.sqlite"


@pytest.fixture(scope="module")
def server(library_file: Path) -> Iterator[str]:
    port = free_port()
    command = [
        *(sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py")),
        *("--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1"),
        *("--browser.gatherUsageStats", "false"),
    ]
    url = f"http://127.0.0.1:{port}"
    environment = {**os.environ, "MEDEVAC_LIBRARY": str(library_file)}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=environment)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    log.seek(0)
                    pytest.fail(f"streamlit exited: {log.read().decode(errors='replace')}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    time.sleep(0.3)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="medevac-chromium-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--window-size=1280,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_map_gap_table_and_a_whatif_in_a_real_browser(server: str, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    driver = browser
    wait = WebDriverWait(driver, 90)
    driver.get(server)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="stMetric"]')))
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="stDeckGlJsonChart"] canvas')))
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="stDataFrame"]')))

    def metric_texts() -> list[str]:
        return [m.text for m in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]')]

    def surgery_value() -> str:
        for metric in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]'):
            label = metric.find_element(By.CSS_SELECTOR, '[data-testid="stMetricLabel"]').text
            if label.startswith("surgery"):
                return str(metric.find_element(By.CSS_SELECTOR, '[data-testid="stMetricValue"]').text)
        return ""

    scenario = load_scenario(DEMO)
    result = check(scenario)
    surgery = result.legs.index("surgery")
    meeting = int(result.meets[surgery].sum())
    before = metric_texts()
    assert surgery_value() == f"{meeting}/{len(scenario.sites)}", before

    # The what-if: a Level 2 typed in at a site that fails surgery (it must then meet it:
    # ground departure 15 + 0 km + handover 5 = 20 min).
    target = next(s for s in range(len(scenario.sites)) if not result.meets[surgery, s])
    site = scenario.sites[target]
    tab = next(
        t for t in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stTab"]') if "What-if" in t.text
    )
    tab.click()
    coordinates = wait.until(ec.element_to_be_clickable((By.XPATH, "//label[.//p[text()='coordinates']]")))
    coordinates.click()
    for label, value in (("Latitude", site.lat), ("Longitude", site.lon)):
        box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, f'input[aria-label="{label}"]')))
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(f"{value:.4f}", Keys.ENTER)
        time.sleep(1.0)
    apply = wait.until(ec.element_to_be_clickable((By.XPATH, APPLY_BUTTON)))
    apply.click()
    variant = check(apply_edits(scenario, [AddFacility("new-l2-1", "2", Point(site.lat, site.lon))]))
    expected = f"{int(variant.meets[surgery].sum())}/{len(scenario.sites)}"
    assert bool(variant.meets[surgery, target])
    wait.until(lambda _: surgery_value() == expected)
    after = metric_texts()
    assert after != before
    ARTIFACTS.mkdir(exist_ok=True)
    top = driver.find_element(By.CSS_SELECTOR, '[data-testid="stMetric"]')
    driver.execute_script("arguments[0].scrollIntoView()", top)
    time.sleep(1.0)
    assert driver.save_screenshot(str(ARTIFACTS / "app-whatif.png"))


def test_a_new_demo_keeps_its_own_conditions_in_the_browser(server: str, browser: object) -> None:
    """The browser keeps each widget's value; a new mission must overwrite them, or the next
    click sends the previous mission's light, season, profile and convoy factor back (AppTest
    reads widgets from the server's state, so only a browser shows this)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    driver = browser
    wait = WebDriverWait(driver, 90)
    driver.get(server)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="stMetric"]')))

    def state_line() -> str:
        """The line under the title: mission, profile, light and season."""
        for caption in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stCaptionContainer"]'):
            if " · " in caption.text:
                return str(caption.text)
        return ""

    def unrelated_click(leg: str) -> None:
        """Another rerun that touches no condition: change the coverage surface shown."""
        choose(driver, wait, "Coverage surface of", leg)
        wait_for_rerun(driver, wait, 1.0)

    minusma = load_scenario(DEMO).name
    wait.until(lambda _: state_line().startswith(minusma))
    driver.find_element(By.XPATH, "//label[.//p[text()='night']]").click()
    wait.until(lambda _: "night, dry season" in state_line())

    choose(driver, wait, "Bundled demo", "unmiss.yaml")
    unmiss = load_scenario(ROOT / "scenarios" / "unmiss.yaml").name
    wait.until(lambda _: state_line().startswith(unmiss))
    assert "· un-10-1-2 · day, dry season · baseline" in state_line()
    unrelated_click("no surface")
    assert state_line().startswith(unmiss)
    assert "· un-10-1-2 · day, dry season · baseline" in state_line()  # not the night set before
    convoy = driver.find_element(By.CSS_SELECTOR, '[data-testid="stSliderThumbValue"]').text
    assert float(convoy) == load_scenario(ROOT / "scenarios" / "unmiss.yaml").ground.convoy_factor


def test_a_workbook_edited_in_its_table_saved_and_found_after_a_reload(
    server: str, browser: object, library_file: Path, tmp_path: Path
) -> None:
    """Upload the demo as a workbook (``medevac template --from``) with its road layer and
    patrols, raise a facility's level in the Tables tab, see the site count change, save the
    variant to the library, reload the page and find it there."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from medevac.intake import Sources, import_scenario
    from medevac.library import Library, check_all_conditions, headline_of
    from medevac.whatif import SetEntry

    assert isinstance(browser, WebDriver)
    driver = browser
    wait = WebDriverWait(driver, 90)
    book = tmp_path / "mission.xlsx"
    made = subprocess.run(
        [sys.executable, "-m", "medevac", "template", "--from", str(DEMO), "--out", str(book)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    mission = import_scenario(Sources(workbook=book), tmp_path).scenario  # as the app must read it
    kidal_l2 = SetEntry("facilities", "kidal-l1", (("level", "2"),))
    before, after = check(mission), check(apply_edits(mission, [kidal_l2]))
    surgery = before.legs.index("surgery")
    expected_before = f"{int(before.meets[surgery].sum())}/{len(mission.sites)}"
    expected_after = f"{int(after.meets[surgery].sum())}/{len(mission.sites)}"
    assert expected_before != expected_after  # a Level 2 at Kidal gives its camp surgery

    def surgery_value() -> str:
        for metric in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]'):
            label = metric.find_element(By.CSS_SELECTOR, '[data-testid="stMetricLabel"]').text
            if label.startswith("surgery"):
                return str(metric.find_element(By.CSS_SELECTOR, '[data-testid="stMetricValue"]').text)
        return ""

    def open_tab(name: str) -> None:
        """Switching tabs re-runs the page: find its tables once it has drawn them."""
        click_tab(driver, name)
        wait_for_rerun(driver, wait, 0.5)

    driver.get(server)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="stMetric"]')))
    boxes = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebar"] input[type="file"]')
    layers = (
        ROOT / "medevac" / "geodata" / "minusma" / "roads.geojson",
        ROOT / "scenarios" / "minusma-patrols.geojson",
    )
    boxes[1].send_keys("\n".join(str(path) for path in layers))  # the files it names, then the workbook
    wait_for_rerun(driver, wait, 0.5)
    driver.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebar"] input[type="file"]')[0].send_keys(
        str(book)
    )

    def loaded() -> bool:
        captions = driver.find_elements(
            By.CSS_SELECTOR, '[data-testid="stSidebar"] [data-testid="stCaptionContainer"]'
        )
        return any(c.text.startswith("Loaded: mission.xlsx") for c in captions)

    wait.until(lambda _: loaded())
    wait_for_rerun(driver, wait, 0.5)
    assert surgery_value() == expected_before

    # The level of kidal-l1 in the facilities table: select its id cell, two columns right, type.
    open_tab("Tables")
    grid = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stDataFrame"]')
    facilities = next(g for g in grid if g.find_elements(By.XPATH, ".//th[normalize-space(.)='level']"))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", facilities)
    time.sleep(1.0)
    canvas = facilities.find_element(By.CSS_SELECTOR, 'canvas[data-testid="data-grid-canvas"]')
    row = [f.id for f in mission.facilities].index("kidal-l1")
    size = canvas.size
    # Rows are 35 px under a 35 px header; the id column starts after the row selector.
    x, y = -size["width"] / 2 + 60, -size["height"] / 2 + 35 * (row + 1) + 17
    ActionChains(driver).move_to_element_with_offset(canvas, round(x), round(y)).click().perform()
    time.sleep(0.5)
    ActionChains(driver).send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ENTER).perform()
    time.sleep(0.5)
    ActionChains(driver).send_keys("2").perform()
    time.sleep(0.5)
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait.until(lambda _: surgery_value() == expected_after)
    wait_for_rerun(driver, wait, 0.5)
    ARTIFACTS.mkdir(exist_ok=True)
    assert driver.save_screenshot(str(ARTIFACTS / "app-tables.png"))
    top = driver.find_element(By.CSS_SELECTOR, '[data-testid="stMetric"]')
    driver.execute_script("arguments[0].scrollIntoView()", top)
    time.sleep(1.0)
    assert driver.save_screenshot(str(ARTIFACTS / "app-tables-numbers.png"))  # the count changed

    open_tab("Library")
    name = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, 'input[aria-label="Name"]')))
    name.send_keys("Kidal L2 (browser)", Keys.ENTER)
    wait_for_rerun(driver, wait, 0.5)
    save = wait.until(ec.element_to_be_clickable((By.XPATH, "//button[.//p[text()='Save to the library']]")))
    save.click()
    wait.until(lambda _: "Saved 'Kidal L2 (browser)' (id 1)." in driver.page_source)
    (saved,) = Library(library_file).list()
    assert (saved.name, saved.description) == ("Kidal L2 (browser)", "facility kidal-l1: level 2")
    assert saved.headline == headline_of(check_all_conditions(apply_edits(mission, [kidal_l2])))

    driver.refresh()  # a new session: the page opens on the bundled demo
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="stMetric"]')))
    wait_for_rerun(driver, wait, 0.5)
    open_tab("Library")

    def library_names() -> list[str]:
        """The names column of the library's table (the grid's cells, as its accessible table)."""
        table = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stDataFrame"]')
        listed = [t for t in table if t.find_elements(By.XPATH, ".//th[normalize-space(.)='saved (UTC)']")]
        cells = listed[0].find_elements(By.CSS_SELECTOR, 'td[aria-colindex="2"]') if listed else []
        return [str(c.get_attribute("textContent")) for c in cells]

    wait.until(lambda _: library_names() == ["Kidal L2 (browser)"])
    table = next(
        t
        for t in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stDataFrame"]')
        if t.find_elements(By.XPATH, ".//th[normalize-space(.)='saved (UTC)']")
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", table)
    time.sleep(1.0)
    assert driver.save_screenshot(str(ARTIFACTS / "app-library.png"))


def test_map_tooltips_and_a_two_click_placement(server: str, browser: object) -> None:
    """Hover a facility's badge at the map's right edge and an empty spot: the tooltip shows
    the record's lines (no ``<b>``, no ``{tooltip}``) and lies inside the map. Two clicks at a
    spot place a what-if within a km of it (the second on the fine cells the first opens)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from medevac.mapview import BADGE_OFFSET_PX, cell_view, coarse_cells

    assert isinstance(browser, WebDriver)
    driver = browser
    wait = WebDriverWait(driver, 90)
    driver.get(server)
    chart_css = '[data-testid="stDeckGlJsonChart"]'
    canvas = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, f"{chart_css} canvas")))
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="stMetric"]')))
    chart = driver.find_element(By.CSS_SELECTOR, chart_css)
    driver.execute_script("arguments[0].scrollIntoView()", chart)
    time.sleep(2.0)  # let deck.gl draw

    scenario = load_scenario(DEMO)
    bounds = scenario_bounds(scenario)
    view = {"lat": bounds.centre[0], "lon": bounds.centre[1], "zoom": bounds.zoom(height_px=620)}

    def pixels(lat: float, lon: float) -> tuple[float, float]:
        """Web Mercator pixels at the map's zoom (deck.gl's 512-pixel world)."""
        size = 512 * 2 ** view["zoom"]
        y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
        return size * (lon + 180) / 360, size * (1 - y / math.pi) / 2

    def offset(lat: float, lon: float, up_px: float = 0.0) -> tuple[int, int]:
        """Pixels from the map's centre to a place (``up_px`` higher on the screen)."""
        x0, y0 = pixels(view["lat"], view["lon"])
        x, y = pixels(lat, lon)
        return round(x - x0), round(y - y0 - up_px)

    def hover(lat: float, lon: float, up_px: float = 0.0) -> tuple[str, dict[str, float]]:
        """The tooltip's text and box after pointing at a place."""
        ActionChains(driver).move_to_element_with_offset(canvas, *offset(lat, lon, up_px)).perform()
        tip = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, f"{chart_css} .deck-tooltip")))
        time.sleep(0.5)
        box = driver.execute_script("return arguments[0].getBoundingClientRect().toJSON()", tip)
        return str(tip.text), box

    def inside(box: dict[str, float], outer: dict[str, float]) -> bool:
        return bool(
            box["left"] >= outer["left"]
            and box["right"] <= outer["right"]
            and box["top"] >= outer["top"]
            and box["bottom"] <= outer["bottom"]
        )

    frame = driver.execute_script("return arguments[0].getBoundingClientRect().toJSON()", canvas)
    east = max(facility_records(scenario), key=lambda r: r["lon"])  # Menaka, at the right edge
    text, box = hover(east["lat"], east["lon"], up_px=-BADGE_OFFSET_PX)  # its badge, above it
    assert text == east["tooltip"], text  # "Level 1, Menaka camp (menaka-l1)\nLevel 1; ..."
    assert "<" not in text
    assert inside(box, frame), (box, frame)  # was cut at the map's right edge

    text, box = hover(bounds.north - 1.0, bounds.west + 1.0)  # nothing there but the cells to click
    assert text.endswith("): zoom in here to place"), text
    assert inside(box, frame), (box, frame)

    # Two clicks at one spot: the first zooms onto its coarse cell, the second takes the fine
    # cell under the pointer. The What-if tab's "Clicked:" shows the place taken.
    def clicked() -> tuple[float, float] | None:
        page = str(driver.execute_script("return document.body.textContent"))
        found = re.search(r"Clicked: (?:[^(]*)\((-?[0-9.]+), (-?[0-9.]+)\)", page)
        return (float(found.group(1)), float(found.group(2))) if found else None

    spot = (16.31, -1.23)  # open country between Gao and Timbuktu
    ActionChains(driver).move_to_element_with_offset(canvas, *offset(*spot)).click().perform()
    coarse = wait.until(lambda _: clicked())
    assert coarse is not None
    cell_km = coarse_cells(bounds).cell_km
    assert geodesic_km(spot, coarse) <= cell_km * 0.75  # inside its cell, less than half a diagonal
    zoomed = cell_view(coarse[0], coarse[1], cell_km, 620)
    view.update(lat=zoomed.lat, lon=zoomed.lon, zoom=zoomed.zoom)
    time.sleep(3.0)  # the map moves onto the cell and draws its fine cells
    canvas = driver.find_element(By.CSS_SELECTOR, f"{chart_css} canvas")
    ActionChains(driver).move_to_element_with_offset(canvas, *offset(*spot)).click().perform()
    fine = wait.until(lambda _: clicked() if clicked() != coarse else None)
    assert fine is not None
    assert geodesic_km(spot, fine) <= 0.8, (spot, fine)  # half a 1-km cell's diagonal, and a pixel
    ARTIFACTS.mkdir(exist_ok=True)
    assert driver.save_screenshot(str(ARTIFACTS / "app-tooltip.png"))


def geodesic_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic km between two (lat, lon) points."""
    from pyproj import Geod

    return float(Geod(ellps="WGS84").inv(a[1], a[0], b[1], b[0])[2]) / 1000


def test_robustness_and_optimise_tabs_in_a_real_browser(server: str, browser: object) -> None:
    """The Robustness tab draws its three views (the N-1 heat map, the chance map, the day's
    chart) and the Optimise tab proposes a placement, in a real browser; a screenshot of each."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from medevac import messages
    from medevac.planning.candidates import load_candidates
    from medevac.planning.optimise import Question, optimise

    assert isinstance(browser, WebDriver)
    driver = browser
    wait = WebDriverWait(driver, 120)
    driver.get(server)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="stDeckGlJsonChart"] canvas')))
    ARTIFACTS.mkdir(exist_ok=True)

    def open_tab(key: str) -> None:
        click_tab(driver, messages.APP_TEXT[key])

    def maps_drawn() -> int:
        """Maps on the page with a canvas (deck.gl draws two per map)."""
        maps = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stDeckGlJsonChart"]')
        return sum(1 for m in maps if m.find_elements(By.CSS_SELECTOR, "canvas"))

    def keep(element: WebElement, name: str) -> None:
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        time.sleep(2.0)  # let Vega or deck.gl draw
        assert element.screenshot(str(ARTIFACTS / name))

    open_tab("tab.robustness")
    charts = '[data-testid="stVegaLiteChart"]'
    wait.until(lambda _: len(driver.find_elements(By.CSS_SELECTOR, f"{charts} .marks")) == 2)
    wait.until(lambda _: maps_drawn() == 2)
    text = main_text(driver)
    for heading in ("rb.n1.head", "rb.p.head", "rb.day.head"):
        assert messages.APP_TEXT[heading] in text
    assert "single points of failure (day, dry season): facility gao-l2" in text
    assert messages.APP_TEXT["rb.p.legend"] in text
    heat_map, day_chart = driver.find_elements(By.CSS_SELECTOR, charts)
    keep(heat_map, "app-robustness-n-1.png")
    keep(
        driver.find_elements(By.CSS_SELECTOR, '[data-testid="stDeckGlJsonChart"]')[1],
        "app-robustness-chances.png",
    )
    keep(day_chart, "app-robustness-day.png")

    open_tab("tab.optimise")
    solve = wait.until(
        ec.element_to_be_clickable((By.XPATH, f"//button[.//p[text()='{messages.APP_TEXT['op.solve']}']]"))
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", solve)
    solve.click()
    scenario = load_scenario(DEMO)
    expected = optimise(
        scenario, Question(add_facilities=(("2", 1),)), load_candidates(scenario, "facilities,sites")
    )
    [placement] = expected.placements
    place = placement.candidate
    line = messages.placement_text(
        "facility", placement.id, f"{place.name} ({place.lat:.2f}, {place.lon:.2f})", level="2"
    )
    wait.until(lambda _: line in main_text(driver))
    assert messages.app_text("op.gained", sites=", ".join(expected.sites_gained)) in main_text(driver)
    assert "Solved in " in main_text(driver)
    wait.until(lambda _: maps_drawn() == 2)
    keep(driver.find_elements(By.CSS_SELECTOR, '[data-testid="stDeckGlJsonChart"]')[1], "app-optimise.png")


def test_conditions_matrix_and_where_the_minutes_go_in_a_real_browser(server: str, browser: object) -> None:
    """The Gaps tab draws where the minutes go (the chart of steps) and the Conditions tab the
    styled matrix with its headers in words; a screenshot of each."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from medevac import messages

    words = messages.CONDITIONS_APP_TEXT
    assert isinstance(browser, WebDriver)
    driver = browser
    wait = WebDriverWait(driver, 120)
    driver.get(server)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="stDeckGlJsonChart"] canvas')))
    ARTIFACTS.mkdir(exist_ok=True)

    def keep(element: WebElement, name: str) -> None:
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        time.sleep(2.0)  # let Vega draw
        assert element.screenshot(str(ARTIFACTS / name))

    charts = '[data-testid="stVegaLiteChart"]'
    wait.until(lambda _: len(driver.find_elements(By.CSS_SELECTOR, f"{charts} .marks")) == 1)
    assert "Fastest: " in main_text(driver) and "Next best, another kind of pathway: " in main_text(driver)
    keep(driver.find_element(By.CSS_SELECTOR, charts), "app-breakdown.png")

    tab = next(
        t
        for t in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stTab"]')
        if t.text == words["tab.conditions"]
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", tab)
    tab.click()
    header = messages.conditions_app_text("matrix.column", condition="day, dry season")

    def matrix() -> WebElement | None:
        for table in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stDataFrame"]'):
            if table.find_elements(By.XPATH, f".//th[normalize-space(.)='{header}']"):
                return table
        return None

    # The tab's click re-runs the page: tables found during the rerun may go stale.
    rerun = WebDriverWait(driver, 120, ignored_exceptions=(StaleElementReferenceException,))
    rerun.until(lambda _: matrix() is not None and words["worst.head"] in main_text(driver))
    time.sleep(2.0)
    found = rerun.until(lambda _: matrix())
    assert found is not None
    keep(found, "app-conditions.png")


# -- a planner's day -------------------------------------------------------------------------

# Marks the moment of a click and the first moment after it that the metrics row reads
# otherwise: the time a planner waits for the numbers (the map and tables may still follow).
CLICK_TO_NUMBERS_JS = """
const [element, done] = [arguments[0], arguments[arguments.length - 1]];
const read = () => Array.from(document.querySelectorAll('[data-testid="stMetric"]'))
    .map((m) => m.innerText).join('|');
const before = read();
let start = null;
const observer = new MutationObserver(() => {
    if (start !== null && read() !== before) {
        observer.disconnect();
        done(performance.now() - start);
    }
});
observer.observe(document.body, {subtree: true, childList: true, characterData: true});
start = performance.now();
element.click();
setTimeout(() => { observer.disconnect(); done(-1); }, 60000);
"""


def test_a_planners_day_in_a_real_browser(server: str, browser: object, tmp_path: Path) -> None:
    """Open the larger demo, look at the night, read the worst site's breakdown, try a fix and
    see it under all four conditions, take the report away; a screenshot of each step, and the
    time from a click to the new numbers printed (warm: the page and the baseline loaded)."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from medevac import messages
    from medevac.results import Results
    from medevac.whatif import SetConditions

    assert isinstance(browser, WebDriver)
    driver = browser
    wait = WebDriverWait(driver, 120, ignored_exceptions=(StaleElementReferenceException,))
    words = messages.CONDITIONS_APP_TEXT
    ARTIFACTS.mkdir(exist_ok=True)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    timings_s: dict[str, float] = {}

    def page_text() -> str:
        """The main area's text, tables' cells included (their accessible copy)."""
        main = driver.find_element(By.CSS_SELECTOR, '[data-testid="stMain"]')
        return str(driver.execute_script("return arguments[0].textContent", main))

    def step(name: str, element: WebElement | None = None) -> None:
        """Keep a screenshot of a step: the window scrolled to the metrics, or to an element."""
        if element is None:
            element = driver.find_element(By.CSS_SELECTOR, '[data-testid="stMetric"]')
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", element)
        time.sleep(1.5)
        assert driver.save_screenshot(str(ARTIFACTS / f"day-{name}.png"))

    def timed_click(name: str, element: WebElement) -> None:
        """Click and measure, in the page's own clock, until the metrics row changes."""
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        milliseconds = driver.execute_async_script(CLICK_TO_NUMBERS_JS, element)
        assert milliseconds >= 0, f"{name}: the numbers did not change within a minute"
        timings_s[name] = milliseconds / 1000

    def all_legs_value() -> str:
        for metric in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]'):
            if metric.find_element(By.CSS_SELECTOR, '[data-testid="stMetricLabel"]').text == "All legs":
                return str(metric.find_element(By.CSS_SELECTOR, '[data-testid="stMetricValue"]').text)
        return ""

    def open_tab(name: str) -> None:
        click_tab(driver, name)
        wait_for_rerun(driver, wait, 1.0)

    def light(which: str) -> WebElement:
        return driver.find_element(By.XPATH, f"//label[.//p[text()='{which}']]")

    # 1. Open the larger demo.
    path = ROOT / "scenarios" / "unmiss.yaml"
    scenario = load_scenario(path)
    assert len(scenario.sites) > len(load_scenario(DEMO).sites)
    driver.get(server)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="stDeckGlJsonChart"] canvas')))
    choose(driver, wait, "Bundled demo", "unmiss.yaml")
    day = check(scenario)
    wait.until(lambda _: all_legs_value() == f"{int(day.meets_all.sum())}/{len(scenario.sites)}")
    wait_for_rerun(driver, wait, 1.0)
    step("1-open")

    # 2. The night: the numbers are the night's check (cold, then warm after a day and back).
    night = check(apply_edits(scenario, [SetConditions(light="night")]))
    night_value = f"{int(night.meets_all.sum())}/{len(scenario.sites)}"
    day_value = f"{int(day.meets_all.sum())}/{len(scenario.sites)}"
    assert night_value != day_value  # the click must change the numbers to be timed
    timed_click("night (first time)", light("night"))
    wait.until(lambda _: all_legs_value() == night_value)
    wait_for_rerun(driver, wait, 1.0)
    for turn in range(1, 4):  # warm: both checks cached; the best of three (the machine may be busy)
        timed_click(f"day (cached, {turn})", light("day"))
        wait.until(lambda _: all_legs_value() == day_value)
        wait_for_rerun(driver, wait, 1.0)
        timed_click(f"night (cached, {turn})", light("night"))
        wait.until(lambda _: all_legs_value() == night_value)
        wait_for_rerun(driver, wait, 1.0)
    step("2-night")

    # 3. The worst site's breakdown: the Gaps tab opens on the worst gap (the results table's
    # first row by shortfall) with its fastest pathway and the next best.
    worst = Results.of(night).gaps().iloc[0]
    site_index = [s.id for s in scenario.sites].index(worst["site_id"])
    chart = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="stVegaLiteChart"]')))
    assert "Fastest: " in page_text()
    assert (worst["site_name"] or worst["site_id"]) in page_text()
    step("3-worst-site-breakdown", chart)

    # 4. A fix: a Level 2 at the worst site, seen under all four conditions (timed: a new
    # variant, computed at the click).
    open_tab("What-if")
    wait.until(ec.element_to_be_clickable((By.XPATH, "//label[.//p[text()='coordinates']]"))).click()
    site = scenario.sites[site_index]
    for label, value in (("Latitude", site.lat), ("Longitude", site.lon)):
        box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, f'input[aria-label="{label}"]')))
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(f"{value:.4f}", Keys.ENTER)
        wait_for_rerun(driver, wait, 1.0)
    timed_click("a what-if (new variant)", wait.until(ec.element_to_be_clickable((By.XPATH, APPLY_BUTTON))))
    fixed = check(
        apply_edits(
            scenario, [SetConditions(light="night"), AddFacility("new-l2-1", "2", Point(site.lat, site.lon))]
        )
    )
    wait.until(lambda _: all_legs_value() == f"{int(fixed.meets_all.sum())}/{len(scenario.sites)}")
    wait_for_rerun(driver, wait, 1.0)
    head = words["delta.head"]
    delta = wait.until(ec.presence_of_element_located((By.XPATH, f"//*[normalize-space(text())='{head}']")))
    assert all(
        messages.condition_text(lit, season) in page_text()
        for lit in ("day", "night")
        for season in ("dry", "wet")
    )
    step("4-whatif-four-conditions", delta)

    # 5. Take it away: the full report of the variant, downloaded as HTML.
    open_tab("Export")
    build = wait.until(
        ec.element_to_be_clickable((By.XPATH, f"//button[.//p[text()='{words['export.build_report']}']]"))
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", build)
    build.click()
    link = WebDriverWait(driver, 300).until(
        ec.element_to_be_clickable((By.XPATH, f"//button[.//p[text()='{words['export.html']}']]"))
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()
    deadline = time.monotonic() + 60
    while not list(downloads.glob("*report.html")) and time.monotonic() < deadline:
        time.sleep(0.5)
    (report,) = downloads.glob("*report.html")
    assert scenario.name in report.read_text(encoding="utf-8")
    step("5-export", link)

    print("\nclick to updated numbers, unmiss demo (browser clock):")
    for name, seconds in timings_s.items():
        print(f"  {name}: {seconds:.3f} s")
    warm_s = min(seconds for name, seconds in timings_s.items() if "(cached" in name)
    print(f"  best warm click: {warm_s:.3f} s (target 0.3 s)")
    assert warm_s < 0.3, timings_s


def test_the_app_in_french_in_a_real_browser(server: str, browser: object) -> None:
    """``/?lang=fr`` opens the app in French: the sidebar, the tabs, the metrics and the gap
    table speak French and write minutes with a decimal comma; choosing English in the
    sidebar's *Langue* box turns the page English and writes ``?lang=en`` into the URL."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from medevac import i18n, messages
    from medevac.whatif import leg_summary

    assert isinstance(browser, WebDriver)
    driver = browser
    wait = WebDriverWait(driver, 120, ignored_exceptions=(StaleElementReferenceException,))
    ARTIFACTS.mkdir(exist_ok=True)
    driver.get(f"{server}/?lang=fr")
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="stDeckGlJsonChart"] canvas')))
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="stDataFrame"]')))
    wait.until(lambda _: not driver.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]'))

    with i18n.using("fr"):
        rows = leg_summary(check(load_scenario(DEMO)))
        expected = [f"{messages.leg_text(row['leg'])} en {row['threshold_min']:g} min" for row in rows]
    labels = [
        m.find_element(By.CSS_SELECTOR, '[data-testid="stMetricLabel"]').text
        for m in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]')
    ]
    assert labels == [*expected, "Toutes les étapes"]
    tabs = [t.text for t in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stTab"]')]
    assert tabs[:3] == ["Lacunes", "Conditions", "Et si"]
    assert driver.find_element(By.CSS_SELECTOR, "h1").text.startswith("medevac : planification")
    sidebar = driver.find_element(By.CSS_SELECTOR, '[data-testid="stSidebar"]').text
    assert "Langue" in sidebar and "Démo fournie" in sidebar and "Lumière" in sidebar
    main = driver.find_element(By.CSS_SELECTOR, '[data-testid="stMain"]')
    text = str(driver.execute_script("return arguments[0].textContent", main))
    assert "échouent au moins une étape, le plus grand dépassement d'abord" in text
    assert re.search(r"\d+,\d min", text), "minutes with a decimal comma"
    assert not re.search(r"\d+\.\d min", text)
    assert driver.save_screenshot(str(ARTIFACTS / "fr-1-open.png"))

    choose(driver, wait, "Langue", "English")
    wait.until(
        lambda _: driver.find_element(By.CSS_SELECTOR, "h1").text.startswith("medevac: 10-1-2 casualty")
    )
    wait.until(lambda _: "lang=en" in driver.current_url)
    tabs = [t.text for t in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stTab"]')]
    assert tabs[:3] == ["Gaps", "Conditions", "What-if"]
    assert driver.save_screenshot(str(ARTIFACTS / "fr-2-english-again.png"))
