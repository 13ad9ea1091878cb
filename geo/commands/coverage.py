"""``python -m geo coverage``: the headline figures, for scripts (JSON, CSV) and people.

With ``--vue LEVEL --code CODE`` (the words of the app's links), the figures are
those of that view — the same keys, for the view — and the JSON gains ``view``
(level, code, name), ``france`` (the national figures of the headline) and the
side-panel facts (:func:`geo.explore.panel.view_facts`). Without ``--vue`` the output
is the national one; ``reference_declic_2020`` is added in both cases.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from geo.commands._options import add_coverage_options, coverage_options, load
from geo.core.views import LEVELS

if TYPE_CHECKING:
    from geo.core.figures import Figures
    from geo.explore.facts import ViewFacts

#: Side-panel facts added to the JSON of a view (the figures are its top-level keys).
VIEW_KEYS = (
    "outside_territory",
    "opsn",
    "partial_offers",
    "bordering_opsn",
    "white_zones",
    "commune",
    "zone",
    "sources",
    "definition",
)


def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser("coverage", help="part de la population couverte par un OPSN")
    add_coverage_options(parser)
    parser.add_argument("--format", choices=["json", "text", "csv"], default="text")
    parser.add_argument(
        "--vue",
        choices=LEVELS,
        help="chiffres d'une vue, comme dans les liens de l'application (avec --code)",
    )
    parser.add_argument(
        "--code", help="code de la vue : région, département, SIREN d'EPCI, INSEE, Z+INSEE"
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from geo.core.analysis import analyse, table_by
    from geo.core.records import as_json
    from geo.explore.declic import declic_reference

    reference, loaded = load(args)  # unreadable files: French message, exit 2 (geo.cli)
    analysis = analyse(reference, loaded.inputs, coverage_options(args, loaded.inputs.registry))
    figures, facts = analysis.figures, None
    output = as_json(figures)
    if args.vue:
        facts = _view_facts(args, reference, analysis, loaded.inputs)
        figures, shown = facts.figures, facts.as_json()
        output = dict(shown["figures"])
        output["view"] = {k: shown["view"][k] for k in ("niveau", "code", "nom")}
        output["france"] = shown["france"]
        output.update({key: shown[key] for key in VIEW_KEYS})
    declic = declic_reference(analysis.figures)
    output["reference_declic_2020"] = declic
    if args.format == "json":
        print(json.dumps(output, ensure_ascii=False))
    elif args.format == "csv":
        from geo.exports.csv import script_csv

        sys.stdout.write(script_csv(table_by(reference, analysis, "departement")))
    else:
        _print_text(figures, facts, loaded.inputs.label, declic)
    for report in loaded.reports:
        if report.rejected:
            print(
                f"Attention : {report.file} : {report.rejected} ligne(s) rejetée(s) "
                "(détail : python -m geo validate)",
                file=sys.stderr,
            )
    return 0


def _view_facts(args, reference, analysis, inputs) -> ViewFacts:
    """The facts of ``--vue/--code``; an unknown code is an error (exit 2, French message)."""
    from geo.explore.panel import view_facts
    from geo.explore.views import parse_view, resolve_view

    if args.vue != "france" and not args.code:
        raise ValueError(f"--vue {args.vue} : il faut aussi --code")
    view, message = parse_view(args.vue, args.code, reference)
    if message:
        raise ValueError(f"--vue {args.vue} : code « {args.code} » introuvable")
    view, message = resolve_view(view, reference, analysis.zones)
    if message:  # a territory the options do not give: the app opens the nearest one
        print(f"Attention : {message}", file=sys.stderr)
    return view_facts(reference, analysis, inputs, view)


def _print_text(figures: Figures, facts: ViewFacts | None, label: str, declic: dict) -> None:
    from geo.core import fmt
    from geo.core.coverage import without_label
    from geo.core.white_zones import zone_kinds_text
    from geo.explore.panel_text import panel_lines

    title = f" — {facts.view.nom}" if facts else ""
    print(f"Couverture OPSN{title} — {label}")
    print(
        f"  {fmt.percent(figures.covered_share)} de la population : "
        f"{fmt.inhabitants(figures.covered_population)} sur "
        f"{fmt.integer(figures.total_population)}"
    )
    print(f"  Règle : {figures.counting_rule}")
    print(
        f"  Communes couvertes : {fmt.integer(figures.covered_communes)} sur "
        f"{fmt.integer(figures.total_communes)}"
    )
    for counts in figures.classes.values():
        print(
            f"  {counts.label} : {fmt.count(counts.communes, 'commune')}, "
            f"{fmt.inhabitants(counts.population)}"
        )
    kinds = zone_kinds_text(figures.white_zone_overseas, figures.white_zone_islands)
    print(
        f"  Territoires {without_label(figures.opsn_filter)} : "
        f"{fmt.integer(figures.white_zone_count)}{f' ({kinds})' if kinds else ''}, "
        f"{fmt.inhabitants(figures.white_zone_population)}"
    )
    print(f"  Communes servies par plusieurs OPSN : {fmt.integer(figures.multi_opsn_communes)}")
    if facts:
        france = facts.france
        print(
            f"  France : {fmt.percent(france.covered_share)} "
            f"({fmt.inhabitants(france.covered_population)} sur "
            f"{fmt.integer(france.total_population)})"
        )
        print("  Panneau latéral :")
        for line in panel_lines(facts):
            print(f"    {line}")
    print(f"  Référence : {declic['headline']} ({declic['source']}).")
    print(f"  {declic['why_different']}")
