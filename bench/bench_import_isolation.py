"""A heavy import and the other visitors (issue 18): do their pages still paint in time?

    python bench/bench_import_isolation.py            # 3 runs each (about 5 minutes)
    python bench/bench_import_isolation.py --runs 5 --port 8690

The workbook of the issue is generated in a temporary directory (never
committed): 41 MB, 9.4 million cells (9 400 rows of 1 000 numbers under a
« Code INSEE ; Nom ; OPSN » header), inside every limit of the pre-scan, the
kind openpyxl spends some forty seconds on. The app is started as the README
says (``python serve.py``, its own data directory, a password sign-in), and,
in headless Chromium:

- **without import**: another visitor opens the national map (fresh context,
  navigation start → paint of the map), ``--runs`` times, while
  ``/_stcore/health`` is asked every 0.2 s;
- **during the import**: a signed-in planner uploads the workbook on the
  « Importer » page (a slightly different copy each run, so that nothing is
  answered from a cache); while the server reads it (in its worker process),
  the other visitor opens the map the same way, and the health endpoint is
  asked the same way. The planner's message and the time it took are printed.

Medians of the runs, the ratio to the same figures without import, and the
targets: paint within 1.5 × its usual time, health within 1 s. Timings depend
on the machine's load: the browser, the server and its worker share its cores.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import bench_map  # noqa: E402
from bench_map import (  # noqa: E402
    APP,
    Visit,
    _fr,
    _s,
    launch_browser,
    median,
    painted_s,
    streamlit_server,
    wait_ready,
)

PASSWORD = "mot de passe du banc d'essai"
ROWS, COLUMNS = 9_400, 1_000
PAINT_TARGET = 1.5
HEALTH_TARGET_S = 1.0
VISITS_PER_IMPORT = 3


def heavy_workbook(path: Path) -> None:
    """The issue's workbook: 9.4 million numbers, 41 MB compressed, every pre-scan limit met."""
    import random

    from tests.hostile.corpus import NS, xlsx_streamed_member

    numbers = random.Random(18)

    def chunks():
        yield f'<worksheet xmlns="{NS}"><sheetData>'.encode()
        header = "".join(
            f'<c t="inlineStr"><is><t>{title}</t></is></c>'
            for title in ("Code INSEE", "Nom", "OPSN")
        )
        yield f"<row>{header}</row>".encode()
        for _ in range(ROWS - 1):
            cells = "".join(f"<c><v>{numbers.randrange(10**7)}</v></c>" for _ in range(COLUMNS))
            yield f"<row>{cells}</row>".encode()
        yield b"</sheetData></worksheet>"

    path.write_bytes(xlsx_streamed_member("xl/worksheets/sheet1.xml", chunks()))


def variant(source: Path, run: int, folder: Path) -> Path:
    """The workbook with one more tiny member: other bytes, so that no cache answers."""
    target = folder / f"classeur_lourd_{run}.xlsx"
    data = io.BytesIO(source.read_bytes())
    with zipfile.ZipFile(data, "a") as archive:
        archive.writestr(f"docProps/essai{run}.xml", f"<essai>{run}</essai>")
    target.write_bytes(data.getvalue())
    return target


class HealthProbe:
    """``/_stcore/health`` asked every ``period`` seconds in a thread; answer times kept."""

    def __init__(self, url: str, period: float = 0.2) -> None:
        self.url, self.period = url + "_stcore/health", period
        self.times: list[float] = []
        self.asked: list[float] = []  # when each was asked (perf_counter)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            self.asked.append(started)
            try:
                with urllib.request.urlopen(self.url, timeout=30) as response:
                    response.read()
                self.times.append(time.perf_counter() - started)
            except OSError:
                self.times.append(float("nan"))
            self._stop.wait(self.period)

    def __enter__(self) -> HealthProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def visitor_paint(browser, url: str) -> float:
    """Another visitor opens the national map: navigation start → paint, seconds."""
    visit = Visit(browser)
    try:
        visit.page.goto(url, wait_until="commit")
        return painted_s(visit.wait_map("france:", timeout_s=180))
    finally:
        visit.close()


def signed_in_import_page(browser, url: str):
    visit = Visit(browser)
    page = visit.page
    page.goto(url + "connexion")
    page.get_by_role("textbox", name="Votre nom").fill("Banc d'essai")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("Connecté : Banc d'essai").first.wait_for(timeout=120_000)
    visit.settle()
    page.get_by_test_id("stSidebar").get_by_role("link", name="Importer").click()
    page.get_by_role("heading", name="Importer des adhésions ou des opérateurs").wait_for(
        timeout=120_000
    )
    visit.settle()
    return visit


def one_import(browser, url: str, workbook: Path) -> dict:
    """Upload ``workbook``; while it is read, the other visitor's paints and the health times."""
    planner = signed_in_import_page(browser, url)
    try:
        main = planner.page.get_by_test_id("stMain")
        with HealthProbe(url) as probe:
            started = time.perf_counter()
            main.locator("input[type=file]").set_input_files(workbook)
            planner.page.wait_for_timeout(1000)  # the upload is on its way, the read begins
            paints = [visitor_paint(browser, url) for _ in range(VISITS_PER_IMPORT)]
            alert = main.get_by_test_id("stAlert").filter(has_text=workbook.name).first
            try:
                alert.wait_for(timeout=300_000)
            except Exception:
                sys.exit(f"Pas de message pour {workbook.name} :\n{main.inner_text()}")
            said = alert.inner_text().replace("\u2060", "")
            took = time.perf_counter() - started
        slowest = sorted(zip(probe.times, probe.asked, strict=True), reverse=True)[:3]
        return {
            "paints": paints,
            "health": probe.times,
            "said": said,
            "seconds": took,
            "slowest": [(answer, asked - started) for answer, asked in slowest],
        }
    finally:
        planner.close()


def without_import(browser, url: str, runs: int) -> dict:
    with HealthProbe(url) as probe:
        paints = [visitor_paint(browser, url) for _ in range(runs * VISITS_PER_IMPORT)]
    return {"paints": paints, "health": probe.times}


def worst(values: list[float]) -> float:
    values = [v for v in values if v == v]
    return max(values) if values else float("nan")


def report(quiet: dict, busy: list[dict]) -> None:
    busy_paints = [p for run in busy for p in run["paints"]]
    busy_health = [h for run in busy for h in run["health"]]
    usual, during = median(quiet["paints"]), median(busy_paints)
    ratio = during / usual if usual else float("nan")
    print()
    print(f"{'':42}{'sans import':>16}{'pendant l’import':>20}")
    print(
        f"{'Carte d’un autre visiteur (médiane)':42}{_s(usual):>16}{_s(during):>20}"
        f"   {_fr(ratio, 2)} × (cible ≤ {_fr(PAINT_TARGET, 1)} ×) "
        f"{'PASS' if ratio <= PAINT_TARGET else 'FAIL'}"
    )
    print(f"{'Carte d’un autre visiteur (pire)':42}{_s(worst(quiet['paints'])):>16}"
          f"{_s(worst(busy_paints)):>20}")  # fmt: skip
    health_worst = worst(busy_health)
    print(
        f"{'/_stcore/health (médiane)':42}{_s(median(quiet['health'])):>16}"
        f"{_s(median(busy_health)):>20}"
    )
    print(
        f"{'/_stcore/health (pire)':42}{_s(worst(quiet['health'])):>16}{_s(health_worst):>20}"
        f"   (cible < {_fr(HEALTH_TARGET_S, 0)} s) "
        f"{'PASS' if health_worst < HEALTH_TARGET_S else 'FAIL'}"
    )
    print(f"{'Réponses /_stcore/health comptées':42}{len(quiet['health']):>16}"
          f"{len(busy_health):>20}")  # fmt: skip
    print()
    for number, run in enumerate(busy, 1):
        print(f"Import {number} : message au bout de {_s(run['seconds'])} : « {run['said']} »")
        slowest = " ; ".join(f"{_s(a)} à {_s(t)}" for a, t in run["slowest"])
        print(
            f"  réponses /_stcore/health les plus lentes (à t après l’envoi du fichier) : {slowest}"
        )
    print(
        f"Médiane du temps jusqu’au message : {_s(statistics.median(r['seconds'] for r in busy))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="imports (et mesures sans import)")
    parser.add_argument("--port", type=int, help="port du serveur (défaut : un port libre)")
    args = parser.parse_args()
    if args.port:
        bench_map.free_port = lambda: args.port
    from playwright.sync_api import sync_playwright

    from geo.access.auth import hash_password

    with tempfile.TemporaryDirectory(prefix="bench_import_") as temporary:
        folder = Path(temporary)
        source = folder / "classeur_lourd.xlsx"
        started = time.perf_counter()
        heavy_workbook(source)
        size = source.stat().st_size
        print(
            f"Classeur : {_fr(size / 1e6, 1)} Mo, {_fr(ROWS * COLUMNS / 1e6, 1)} millions de "
            f"cellules (écrit en {_s(time.perf_counter() - started)})"
        )
        # The server reads ~/.streamlit/secrets.toml: its home is the temporary folder.
        secrets = folder / ".streamlit" / "secrets.toml"
        secrets.parent.mkdir()
        hashed = hash_password(PASSWORD, cost={"n": 2**14, "r": 8, "p": 1})
        secrets.write_text(f'[couverture_opsn]\npassword_hash = "{hashed}"\n', encoding="utf-8")
        home = os.environ.get("HOME", "")
        os.environ.update(HOME=str(folder), OPSN_DATA_DIR=str(folder / "donnees"))
        log = folder / "serveur.log"
        with streamlit_server(APP, log) as (url, process, _), sync_playwright() as playwright:
            os.environ["HOME"] = home
            wait_ready(url, process)
            browser = launch_browser(playwright)
            try:
                visitor_paint(browser, url)  # the national view computed once, as in service
                quiet = without_import(browser, url, args.runs)
                busy = [
                    one_import(browser, url, variant(source, run, folder))
                    for run in range(args.runs)
                ]
            finally:
                browser.close()
        report(quiet, busy)


if __name__ == "__main__":
    main()
