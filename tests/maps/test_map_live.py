"""What the live map is sent for a view: statuses, focus, words and files — never shapes."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from geo.core import fmt
from geo.core.analysis import analyse, table_by
from geo.core.coverage import CoverageOptions, selection_figures
from geo.core.registry import opsn_names
from geo.core.views import View
from geo.explore.views import selection
from geo.importers.inputs import bundled_inputs
from geo.mapdata import ensure_map_files
from geo.mapdata.insets import national_bounds
from geo.maps import live_map_spec, mask_runs, status_runs

PREFIX = "app/static/mapdata"


@pytest.fixture(scope="module")
def inputs():
    return bundled_inputs()


@pytest.fixture(scope="module")
def analysis(reference, inputs):
    return analyse(reference, inputs, CoverageOptions())


@pytest.fixture(scope="module")
def files(reference, tmp_path_factory):
    return ensure_map_files(reference, tmp_path_factory.mktemp("mapdata"))


def spec_for(reference, analysis, inputs, files, view: View, **kwargs) -> dict:
    focus = selection(reference, view)
    figures = (
        analysis.figures
        if view.level == "france"
        else selection_figures(reference.communes, analysis.coverage, focus, analysis.options)
    )
    return live_map_spec(
        reference,
        analysis,
        view.level,
        view.code,
        focus,
        figures,
        files,
        PREFIX,
        opsn_names(inputs.registry),
        highlight=view.code if view.level == "commune" else None,
        **kwargs,
    )


def expand(runs: str) -> str:
    return "".join(code * int(n) for code, n in re.findall(r"([a-z-])(\d+)", runs))


def test_statuses_of_every_commune_in_reference_order(reference, analysis):
    runs = status_runs(analysis.coverage)
    codes = expand(runs)
    assert len(codes) == len(reference.communes)
    wanted = analysis.coverage["statut"].map({"adherente": "a", "perimetre": "p", "sans_opsn": "s"})
    assert codes == "".join(wanted)
    assert len(runs) < 2000  # perimeters are departments: long runs


def test_outside_the_territory_is_marked_apart(reference, inputs):
    analysis = analyse(reference, inputs, CoverageOptions(territory="metropole"))
    codes = np.array(list(expand(status_runs(analysis.coverage))))
    drom = reference.communes["departement"].str.startswith("97").to_numpy()
    assert (codes[drom] == "-").all()
    assert (codes[~drom] != "-").all()


def test_mask_runs():
    assert mask_runs(np.array([0, 1, 1, 0, 1], dtype=bool)) == [[1, 3], [4, 5]]
    assert mask_runs(np.zeros(3, dtype=bool)) == []
    assert mask_runs(np.ones(2, dtype=bool)) == [[0, 2]]


def test_national_view(reference, analysis, inputs, files):
    spec = spec_for(reference, analysis, inputs, files, View())
    assert spec["view"] == "france:"
    assert spec["national"] == f"{PREFIX}/{files.national}"
    assert spec["detail"] == [] and spec["details"] is None
    assert spec["focus"] == [[0, len(reference.communes)]]
    west, south, east, north = national_bounds()
    assert spec["bounds"] == [[south, west], [north, east]]
    assert west < -7  # the DROM insets are in view
    shares = table_by(reference, analysis, "departement").set_index("code")["part_couverte"]
    assert spec["shares"]["departement"]["29"] == fmt.percent(shares["29"])
    assert set(spec["shares"]["region"]) == set(reference.regions["code"])
    entries = spec["legend"]["entries"]
    assert [e["label"] for e in entries] == list(analysis.figures.status_labels.values())
    counts = analysis.figures.status["sans_opsn"]
    assert entries[2]["count"] == (
        f"{fmt.count(counts.communes, 'commune')}, {fmt.inhabitants(counts.population)}"
    )
    assert "département" in spec["legend"]["note"] and "région" in spec["legend"]["note"]
    # A few kB: statuses and words, no shapes.
    assert len(json.dumps(spec)) < 20_000


def test_region_view_draws_from_the_national_file(reference, analysis, inputs, files):
    spec = spec_for(reference, analysis, inputs, files, View("region", "44"))
    assert spec["detail"] == [] and not spec["detail_level"]
    focus = np.zeros(len(reference.communes), dtype=bool)
    for start, end in spec["focus"]:
        focus[start:end] = True
    assert np.array_equal(focus, (reference.communes["region"] == "44").to_numpy())
    # Communes on demand: the region's departments and their neighbours.
    grand_est = set(reference.departements.query("region == '44'")["code"])
    wanted = {f"{PREFIX}/{files.departements[d]}" for d in grand_est}
    assert wanted <= set(spec["region_detail"])
    assert len(json.dumps(spec)) < 20_000


def test_department_view_loads_its_file_and_its_neighbours(reference, analysis, inputs, files):
    spec = spec_for(reference, analysis, inputs, files, View("departement", "29"))
    assert spec["detail_level"]
    assert spec["detail"] == [f"{PREFIX}/{files.departements[d]}" for d in ("29", "22", "56")]
    details = spec["details"]
    positions = np.flatnonzero((reference.communes["departement"] == "29").to_numpy())
    assert details["index"] == positions.tolist()
    names = opsn_names(inputs.registry)
    row = analysis.coverage.iloc[positions[0]]
    perimeter = [details["opsn"][int(i)] for i in details["perimetre"][0].split(",")]
    assert perimeter == [names[i] for i in row["opsn_perimetre"].split("|")]
    assert spec["highlight"] is None


def test_commune_view_highlights_the_commune(reference, analysis, inputs, files):
    spec = spec_for(reference, analysis, inputs, files, View("commune", "29019"))
    position = int(np.flatnonzero((reference.communes["insee"] == "29019").to_numpy())[0])
    assert spec["highlight"] == position
    (south, west), (north, east) = spec["bounds"]
    assert east - west < 0.5 and north - south < 0.5  # framed on the commune
    # Brest's view stays in the Finistère: one file, not the neighbours' too.
    assert spec["detail"] == [f"{PREFIX}/{files.departements['29']}"]
    # Near a border, the neighbour its view reaches (Marseille: the Var).
    marseille = spec_for(reference, analysis, inputs, files, View("commune", "13055"))
    assert f"{PREFIX}/{files.departements['83']}" in marseille["detail"]
    assert f"{PREFIX}/{files.departements['05']}" not in marseille["detail"]


def test_overseas_views_use_true_positions(reference, analysis, inputs, files):
    for view in (View("departement", "974"), View("region", "04")):
        spec = spec_for(reference, analysis, inputs, files, view)
        assert spec["detail"] == [f"{PREFIX}/{files.departements['974']}"]
        (south, west), (north, east) = spec["bounds"]
        assert -21.5 < south < north < -20.8 and 55.1 < west < east < 55.9


def test_chosen_opsn_never_labels_other_communes_without_opsn(reference, inputs, files):
    """Under an OPSN filter the legend says "hors des OPSN choisis", not "sans OPSN"."""
    analysis = analyse(reference, inputs, CoverageOptions(opsn=("megalis",)))
    for view in (View(), View("departement", "29")):
        spec = spec_for(reference, analysis, inputs, files, view)
        text = json.dumps(spec, ensure_ascii=False)
        assert "Hors des OPSN choisis" in text
        assert "Sans OPSN" not in text


def test_plan_ign_basemap_only_when_asked(reference, analysis, inputs, files):
    """Offline by default: no URL outside the app; the IGN tiles only on request."""
    plain = spec_for(reference, analysis, inputs, files, View("departement", "2A"))
    tiled = spec_for(reference, analysis, inputs, files, View("departement", "2A"), basemap=True)
    assert "://" not in json.dumps(plain)
    assert plain["basemap"] is None
    assert tiled["basemap"]["url"].startswith("https://data.geopf.fr/wmts?")
    assert "GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2" in tiled["basemap"]["url"]
    assert "Plan IGN" in tiled["basemap"]["attribution"]


def test_a_control_change_sends_statuses_not_shapes(reference, inputs, files):
    """Same view, one OPSN chosen: same files, other statuses."""
    view = View("departement", "29")
    one = spec_for(reference, analyse(reference, inputs, CoverageOptions()), inputs, files, view)
    other = spec_for(
        reference,
        analyse(reference, inputs, CoverageOptions(opsn=("megalis",))),
        inputs,
        files,
        view,
    )
    assert one["national"] == other["national"] and one["detail"] == other["detail"]
    assert one["statuses"] != other["statuses"]


def test_territories_without_opsn_on_the_national_map(reference, analysis, inputs, files):
    """Each commune of a territory without OPSN is in its territory's runs, and no other."""
    spec = spec_for(reference, analysis, inputs, files, View())
    zones = spec["zones"]
    assert zones["ids"] == analysis.zones["id"].tolist()
    position = {code: i for i, code in enumerate(reference.communes["insee"])}
    for rank, codes in enumerate(analysis.zones["insee"]):
        wanted = sorted(position[c] for c in codes.split("|"))
        got = sorted(
            i for start, end, zone in zones["runs"] if zone == rank for i in range(start, end)
        )
        assert got == wanted, zones["ids"][rank]
    assert zones["population"][0] == fmt.inhabitants(analysis.zones["population"].iloc[0])
    assert "zones" not in spec_for(reference, analysis, inputs, files, View("region", "53"))
