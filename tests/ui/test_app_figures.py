"""One computation per screen: the page shows the numbers ``python -m geo coverage`` gives.

For every rule × territory × EPCI option × (no filter, one OPSN) and five views
(France, a region, a department, a DROM, a commune), the big figure, France's
figure beside it, the sentence under it, the four metrics and the side panel are
read off the page (AppTest) and compared with ``python -m geo coverage --vue … --format
json`` run in-process with the same options. The CLI's loading of the reference data
and its analysis are memoised for the test (they are what the app caches too); the
command's own option parsing and figures are what is compared.
"""

from __future__ import annotations

import contextlib
import functools
import html
import io
import itertools
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

import geo.core.analysis
import geo.core.reference
from geo import cli
from geo.core import fmt
from geo.core.paths import ROOT

APP = str(ROOT / "app.py")
VIEWS = [
    ("france", ""),
    ("region", "53"),
    ("departement", "87"),
    ("departement", "974"),
    ("commune", "29232"),
]
OPTION_SETS = list(
    itertools.product(
        ("perimetre", "adhesion"), ("france", "metropole"), (True, False), ("", "megalis")
    )
)


@pytest.fixture(scope="module")
def coverage_json(reference):
    """``coverage_json(view, options) -> dict``: the CLI's JSON, loads memoised."""
    analyse = geo.core.analysis.analyse
    analyses: dict = {}

    def memoised(reference, inputs, options):
        # Keyed by the data too: a module the command line imports for the first time
        # while this is patched keeps it (``from geo.core.analysis import analyse``).
        key = (inputs.key, options)
        if key not in analyses:
            analyses[key] = analyse(reference, inputs, options)
        return analyses[key]

    @functools.cache
    def run(view: tuple[str, str], rule: str, territory: str, epci: bool, opsn: str) -> dict:
        argv = ["coverage", "--format", "json", "--rule", rule, "--territory", territory]
        argv += ["--no-epci"] if not epci else []
        argv += ["--filter", opsn] if opsn else []
        argv += ["--vue", view[0], "--code", view[1]] if view[0] != "france" else []
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(geo.core.reference, "load_reference", lambda *args, **kwargs: reference)
            patch.setattr(geo.core.analysis, "analyse", memoised)
            return _json_of(argv)

    return run


def _json_of(argv: list[str]) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(argv) == 0
    return json.loads(out.getvalue())


def page_numbers(at: AppTest) -> dict:
    """What a reader sees: big figure, France's, sentence numbers, metrics, side panel."""
    blocks = [m.value for m in at.markdown if 'class="headline"' in m.value]
    assert len(blocks) == 1, "one headline"
    headline = blocks[0]
    big = re.search(r'<div class="big">(.*?)</div>', headline).group(1)
    france = re.search(r'<div class="france"><span>(.*?)</span>', headline)
    sentence = re.search(r"<b>([\d\u202f]+) habitants?</b>\s*sur ([\d\u202f]+)", headline)
    panel = next(m.value for m in at.markdown if "de la population couverte" in m.value)
    share = re.search(
        r"<b>(.*?)</b> de la population couverte \(([\d\u202f]+) sur ([\d\u202f]+)", panel
    )
    statuses = {
        html.unescape(k): v
        for k, v in re.findall(r"</span> ([^<]+?) : ([\d\u202f]+) communes?, ", panel)
    }
    return {
        "big": big,
        "france": france.group(1) if france else None,
        "covered": sentence.group(1),
        "total": sentence.group(2),
        "metrics": {m.label: m.value for m in at.metric},
        "panel_share": share.group(1),
        "panel_covered": share.group(2),
        "panel_total": share.group(3),
        "panel_statuses": statuses,
    }


def expected_numbers(figures: dict, level: str) -> dict:
    without = "hors des OPSN choisis" if figures["opsn_filter"] else "sans OPSN"
    france = figures.get("france", figures)  # without --vue, the figures are France's
    return {
        "big": fmt.percent(figures["covered_share"]),
        "france": None if level == "france" else fmt.percent(france["covered_share"]),
        "covered": fmt.integer(figures["covered_population"]),
        "total": fmt.integer(figures["total_population"]),
        "metrics": {
            "Communes couvertes": fmt.integer(figures["covered_communes"]),
            # Under « adhérentes seulement », the communes only in a perimeter have a tile.
            **(
                {"Périmètre, non comptées": fmt.integer(not_counted["communes"])}
                if (not_counted := figures["classes"].get("perimetre_non_comptee"))
                else {}
            ),
            f"Communes {without}": fmt.integer(figures["status"]["sans_opsn"]["communes"]),
            f"Territoires {without}": fmt.integer(figures["white_zone_count"] or 0),
            f"Habitants {without}": fmt.integer(figures["white_zone_population"] or 0),
        },
        "panel_share": fmt.percent(figures["covered_share"]),
        "panel_covered": fmt.integer(figures["covered_population"]),
        "panel_total": fmt.integer(figures["total_population"]),
        "panel_statuses": (
            {}
            if level == "commune"
            else {c["label"]: fmt.integer(c["communes"]) for c in figures["classes"].values()}
        ),
    }


@pytest.mark.parametrize(
    ("rule", "territory", "epci", "opsn"),
    OPTION_SETS,
    ids=["-".join([r, t, "epci" if e else "sans_epci", o or "tous"]) for r, t, e, o in OPTION_SETS],
)
def test_page_shows_the_command_line_figures(coverage_json, rule, territory, epci, opsn):
    at = AppTest.from_file(APP, default_timeout=120)
    for level, code in VIEWS:
        at.query_params.clear()
        query = {"regle": rule, "territoire": territory, "epci": "oui" if epci else "non"}
        query |= {"opsn": opsn} if opsn else {}
        query |= {"vue": level, "code": code} if level != "france" else {}
        for name, value in query.items():
            at.query_params[name] = value
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        figures = coverage_json((level, code), rule, territory, epci, opsn)
        assert (
            figures.get("france", figures)["covered_share"]
            == coverage_json(("france", ""), rule, territory, epci, opsn)["covered_share"]
        ), "the France beside a view is the national headline"
        assert page_numbers(at) == expected_numbers(figures, level), (level, code)
