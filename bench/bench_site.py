"""The static atlas (issue 20) against the live app and Streamlit's empty page, same run.

Everything is measured in headless Chromium (``/usr/bin/chromium`` or ``$CHROMIUM``)
with the helpers of ``bench_map.py`` (a fresh browser context per measure, navigation
start → the frame showing the map, as the map code stamps it on ``.opsn-map``):

- **the floor**: ``bench/floor_app.py`` (a Streamlit page with a title alone) on
  Streamlit's own server, to the paint of its title;
- **the live app** (``python serve.py``, warmed): the national view and department views;
- **the atlas**: ``python -m geo export site`` into a temporary folder (timed), served by
  a plain static server on 127.0.0.1 (``bench/static_host.py``: ``http.server``'s own file
  handler with a web host's listen backlog), the national view and
  department views by address; then its size on disk, its largest view data file, and
  ``--loads`` visitors at once (each asks for every file of the national page, as a
  browser does, from ``--loads`` threads) plus ``--visitors`` browsers at once.

    python bench/bench_site.py --runs 3        # about 5 minutes
    python bench/bench_site.py --runs 3 --no-app --loads 200 --visitors 20

Timings depend on the machine's load: the browser and the servers share its cores.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import io
import os
import re
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from bench_map import (  # noqa: E402
    APP,
    DEPARTMENTS,
    FLOOR_APP,
    MB,
    _fr,
    _mb,
    _s,
    _x,
    add_common_arguments,
    floor_time,
    launch_browser,
    median,
    open_view,
    print_rows,
    streamlit_server,
    view_url,
    visitors_at_once,
    wait_ready,
)

from tests.browser.conftest import static_server  # noqa: E402

STATIC_HOST = ROOT / "bench" / "static_host.py"
"""Python's own file server, threaded, with a web host's listen backlog (511, not 5)."""
PAINT_TARGET = 0.5
"""National and department views: at most this share of the floor (issue 20)."""
SITE_BUDGET = 25 * MB
VIEW_BUDGET = 1 * MB


def export(out: Path) -> tuple[float, str]:
    """``python -m geo export site --out OUT`` in-process: seconds, and what it printed."""
    from geo.cli import main

    printed = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(printed):
        code = main(["export", "site", "--out", str(out)])
    if code != 0:
        raise RuntimeError(f"export site : code {code}")
    return time.perf_counter() - started, printed.getvalue().strip()


def site_sizes(out: Path) -> dict[str, Any]:
    """Size on disk (blocks, as ``du``), in bytes, and the largest data file of one view."""
    files = [p for p in out.rglob("*") if p.is_file()]
    views = [p for p in files if p.parent.name in ("vues", "epci", "communes")]
    biggest = max(views, key=lambda p: p.stat().st_size)
    return {
        "files": len(files),
        "disk": sum(p.stat().st_blocks * 512 for p in files),
        "bytes": sum(p.stat().st_size for p in files),
        "biggest_view": (biggest.relative_to(out).as_posix(), biggest.stat().st_size),
    }


def national_page_files(out: Path) -> list[str]:
    """What a browser asks for to show the national view: the page and what it names."""
    page = (out / "index.html").read_text(encoding="utf-8")
    names = re.findall(r'(?:src|href)="([^"#:]+)"', page)
    for key in ("site", "france"):
        found = re.search(rf'"{key}":"([^"]+)"', page)
        if found:
            names.append(found.group(1))
    national = re.search(r'"national":"([^"]+)"', page)
    if national:
        names.append(national.group(1) + ".js")
    return ["index.html", *dict.fromkeys(n for n in names if not n.startswith("data:"))]


def loads_at_once(url: str, files: list[str], count: int) -> dict[str, Any]:
    """``count`` visitors at once, each asking for ``files`` in turn (threads); errors."""

    def visit(_: int) -> tuple[float, int, list[str]]:
        started = time.perf_counter()
        size, errors = 0, []
        for name in files:
            try:
                with urllib.request.urlopen(url + name, timeout=60) as response:
                    size += len(response.read())
                    if response.status != 200:
                        errors.append(f"{name} : {response.status}")
            except OSError as error:
                errors.append(f"{name} : {error}")
        return time.perf_counter() - started, size, errors

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
        results = list(pool.map(visit, range(count)))
    wall = time.perf_counter() - started
    times = [r[0] for r in results]
    return {
        "count": count,
        "errors": [e for r in results for e in r[2]],
        "median_s": median(times),
        "slowest_s": max(times),
        "bytes": results[0][1] if results else 0,
        "wall_s": wall,
    }


def measure(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    runs = args.runs
    out: dict[str, Any] = {}
    site = tmp / "atlas"
    print("Export de l'atlas (python -m geo export site)…", flush=True)
    out["export_s"], out["export_line"] = export(site)
    out["sizes"] = site_sizes(site)
    log_path = tmp / "streamlit.log"
    with sync_playwright() as playwright:

        def fresh(action):
            browser = launch_browser(playwright)
            try:
                return action(browser)
            finally:
                browser.close()

        print("Plancher (une page Streamlit avec un titre)…", flush=True)
        with streamlit_server(FLOOR_APP, log_path) as (url, process, _):
            wait_ready(url, process)
            fresh(lambda b: floor_time(b, url))  # warms the server, not counted
            out["floor"] = [fresh(lambda b: floor_time(b, url)) for _ in range(runs)]

        if not args.no_app:
            print("Application (python serve.py, serveur chaud)…", flush=True)
            with streamlit_server(APP, log_path) as (url, process, _):
                wait_ready(url, process)
                fresh(lambda b: open_view(b, url, "france:"))  # first visit of the server
                time.sleep(args.warm_wait)
                out["app_national"] = [
                    fresh(lambda b: open_view(b, url, "france:"))["painted_s"] for _ in range(runs)
                ]
                out["app_departement"] = [
                    fresh(
                        lambda b, c=code: open_view(
                            b, view_url(url, "departement", c), f"departement:{c}"
                        )
                    )["painted_s"]
                    for code in DEPARTMENTS[:runs]
                ]

        print("Atlas servi par un serveur de fichiers (bench/static_host.py)…", flush=True)
        with static_server(site, (str(STATIC_HOST),)) as (url, process):
            index = url + "index.html"
            fresh(lambda b: open_view(b, index, "france:"))  # the disk cache warm, not counted
            out["atlas_national"] = [
                fresh(lambda b: open_view(b, index, "france:")) for _ in range(runs)
            ]
            out["atlas_departement"] = [
                fresh(
                    lambda b, c=code: open_view(
                        b, f"{index}#vue=departement&code={c}", f"departement:{c}"
                    )
                )
                for code in DEPARTMENTS[:runs]
            ]
            print(f"{args.loads} chargements de la page à la fois…", flush=True)
            out["loads"] = loads_at_once(url, national_page_files(site), args.loads)
            print(f"{args.visitors} navigateurs à la fois…", flush=True)
            out["visitors"] = visitors_at_once(index, args.visitors, process.pid)
    return out


def rows(out: dict[str, Any]) -> list[list[str]]:
    floor = median(out["floor"])
    table = [["Ligne de l'issue 20", "Cible", "Mesuré", "÷ plancher", "Verdict"]]

    def add(label, target, text, ratio=float("nan"), ok=None) -> None:
        table.append(
            [label, target, text, _x(ratio), "–" if ok is None else ("PASS" if ok else "FAIL")]
        )

    national = median([r["painted_s"] for r in out["atlas_national"]])
    add("Atlas : carte nationale peinte", "≤ 0,5 × plancher", _s(national), national / floor,
        national / floor <= PAINT_TARGET)  # fmt: skip
    departments = [r["painted_s"] for r in out["atlas_departement"]]
    worst = max(departments)
    add("Atlas : vue département (la plus lente)", "≤ 0,5 × plancher",
        f"{_s(worst)} (médiane {_s(median(departments))})", worst / floor,
        worst / floor <= PAINT_TARGET)  # fmt: skip
    sizes = out["sizes"]
    add("Atlas : taille sur disque", "≤ 25 Mo", _mb(sizes["disk"]), ok=sizes["disk"] <= SITE_BUDGET)
    name, size = sizes["biggest_view"]
    add("Atlas : données d'une vue (le plus gros fichier)", "≤ 1 Mo", f"{_mb(size)} ({name})",
        ok=size <= VIEW_BUDGET)  # fmt: skip
    loads = out["loads"]
    add(f"{loads['count']} chargements de la page à la fois", "aucune erreur, aucun serveur à nous",
        f"{len(loads['errors'])} erreur(s) ; médiane {_s(loads['median_s'])}, la plus lente "
        f"{_s(loads['slowest_s'])}", ok=not loads["errors"])  # fmt: skip
    visitors = out["visitors"]
    count = len(visitors["times"])
    add(f"{count} navigateurs à la fois (carte peinte)", "toutes peintes, aucune erreur",
        f"{visitors['painted']}/{count} ; médiane {_s(visitors['median_s'])}, la plus lente "
        f"{_s(visitors['slowest_s'])}",
        ok=visitors["painted"] == count and not visitors["errors"])  # fmt: skip
    if "app_national" in out:
        app = median(out["app_national"])
        add("Application : carte nationale peinte (pour comparer)", "–", _s(app), app / floor)
        app_dep = median(out["app_departement"])
        add("Application : vue département (pour comparer)", "–", _s(app_dep), app_dep / floor)
    return table


def report(out: dict[str, Any], runs: int) -> None:
    floor = median(out["floor"])
    print()
    print(out["export_line"])
    print(f"Export de l'atlas : {_s(out['export_s'])}")
    print(f"Plancher (page Streamlit avec un titre) : {_s(floor)} "
          f"({', '.join(_s(v) for v in out['floor'])})")  # fmt: skip
    for name, label in (("atlas_national", "Atlas, carte nationale"),
                        ("atlas_departement", "Atlas, départements")):  # fmt: skip
        values = [r["painted_s"] for r in out[name]]
        print(f"{label} : " + ", ".join(f"{_s(v)} ({_x(v / floor)})" for v in values))
    national = out["atlas_national"][0]
    print(f"Atlas, vue nationale, octets reçus : géométrie {_mb(national['mapdata_bytes'])}, "
          f"Leaflet {_mb(national['leaflet_bytes'])}, le reste {_mb(national['other_bytes'])}")  # fmt: skip
    if "app_national" in out:
        print("Application, carte nationale : "
              + ", ".join(f"{_s(v)} ({_x(v / floor)})" for v in out["app_national"]))  # fmt: skip
        print("Application, départements : "
              + ", ".join(f"{_s(v)} ({_x(v / floor)})" for v in out["app_departement"]))  # fmt: skip
        ratio = median(out["app_national"]) / median(
            [r["painted_s"] for r in out["atlas_national"]]
        )
        print(f"Carte nationale : l'atlas peint {_fr(ratio, 1)} fois plus tôt que l'application")
    loads = out["loads"]
    print(f"{loads['count']} chargements à la fois ({_mb(loads['bytes'])} chacun) : "
          f"{_s(loads['wall_s'])} en tout")  # fmt: skip
    errors = [e for r in (*out["atlas_national"], *out["atlas_departement"]) for e in r["errors"]]
    errors += out["visitors"]["errors"] + out["loads"]["errors"][:5]
    if errors:
        print(f"Erreurs vues ({len(errors)}) : " + " | ".join(errors[:10]))
    print()
    print(f"Médianes de {runs} mesures ; charge de la machine : {os.getloadavg()[0]:.1f}.")
    print_rows(rows(out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Banc d'essai de l'atlas statique (issue 20).")
    add_common_arguments(parser)
    parser.add_argument("--loads", type=int, default=200, help="chargements de page à la fois")
    parser.add_argument("--no-app", action="store_true", help="sans l'application (comparaison)")
    args = parser.parse_args(argv)
    if args.runs > len(DEPARTMENTS):
        parser.error(f"--runs ≤ {len(DEPARTMENTS)}")
    with tempfile.TemporaryDirectory(prefix="bench_site_") as tmp:
        out = measure(args, Path(tmp))
    report(out, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
