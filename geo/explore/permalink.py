"""The URL contract: query string ⇄ view and options.

A copied link reopens the same view with the same counting options, and the browser's
Back and Forward buttons walk the views seen. Parameter names and values are French
words (they are read in links that people paste into e-mails). The counting options
(``regle``, ``territoire``, ``epci``) are always written, so that a link keeps its
meaning even if a default changes one day; the others are left out when they hold
their default. A parameter missing from a link takes the default of
:class:`geo.core.coverage.CoverageOptions`; the bare address of the app is France with the
default options.

==================  ========================================  ====================
parameter           values                                    default
==================  ========================================  ====================
``vue``             france, region, departement, epci,        france
                    commune, territoire
``code``            the code of the view (INSEE, SIREN…)      —
``regle``           perimetre, adhesion                       perimetre
``territoire``      france, metropole                         france
``epci``            oui, non (EPCI membership extended)       oui
``opsn``            registry ids, comma-separated             all OPSN
``partielles``      oui, non (partial offers counted)         non
``date``            AAAA-MM-JJ (memberships in force then)    today
``fond``            ign (Plan IGN tiles, online only)         plain background
``version``         number of a saved version of the data     the latest version
``presentation``    1: presentation mode (no controls, the    off
                    map fills the window, ← / → step)
``diapos``          views ← / → step through, comma-          France, then every
                    separated: FR, a region code (53),        region by population
                    D + a department code (D29)               (geo.explore.presentation)
==================  ========================================  ====================

A link copied from the app always names its ``version`` (:mod:`geo.storage`):
it shows the same data later, whatever has been saved since.

A change of ``vue``, ``code`` or ``presentation`` (:data:`VIEW_PARAMS`) is a new entry in
the browser's history (Back leaves the presentation mode); a change of any other
parameter replaces the current entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from geo.core.coverage import CoverageOptions
from geo.core.reference import ReferenceData
from geo.core.rules import RULES, TERRITORIES
from geo.core.views import FRANCE, View
from geo.explore.presentation import parse_slides, slides_text
from geo.explore.views import parse_view
from geo.storage.labels import parse_version

VIEW_PARAMS = ("vue", "code", "presentation")
"""Parameters whose change is a new history entry (Back returns to the previous view)."""

PARAMS = (
    "vue", "code", "regle", "territoire", "epci", "opsn", "partielles", "date", "fond", "version",
    "presentation", "diapos",
)  # fmt: skip
"""Every parameter of the contract, in the order they are written."""

_DEFAULT_OPTIONS = CoverageOptions()
_YES_NO = {True: "oui", False: "non"}


@dataclass(frozen=True)
class Permalink:
    """Everything a link names: the view, the counting options, the background."""

    view: View = FRANCE
    options: CoverageOptions = field(default_factory=CoverageOptions)
    basemap: bool = False
    version: int | None = None  # saved version of the data (None: the latest)
    presentation: bool = False  # presentation mode (geo.explore.presentation)
    slides: tuple[View, ...] = ()  # views ← / → step through (empty: the default list)


def to_query(link: Permalink) -> dict[str, str]:
    """The query parameters of ``link`` in :data:`PARAMS` order (empty ones left out)."""
    options = link.options
    values = {
        "vue": link.view.level if link.view != FRANCE else "",
        "code": link.view.code if link.view != FRANCE else "",
        "regle": options.rule,
        "territoire": options.territory,
        "epci": _YES_NO[options.epci_membership],
        "opsn": ",".join(options.opsn),
        "partielles": "oui" if options.count_partial_offers else "",
        "date": options.at.isoformat() if options.at else "",
        "fond": "ign" if link.basemap else "",
        "version": str(link.version) if link.version else "",
        "presentation": "1" if link.presentation else "",
        "diapos": slides_text(link.slides),
    }
    return {name: values[name] for name in PARAMS if values[name]}


def query_string(link: Permalink) -> str:
    """``vue=departement&code=29&regle=adhesion``: what follows the ``?`` of the link."""
    return urlencode(to_query(link))


def shared_query(link: Permalink, version: int) -> str:
    """What « Copier le lien de cette vue » copies after the ``?``: the view, the counting
    rule, the territory, the EPCI option (always written, :func:`to_query`) and the saved
    ``version`` shown — also from the bare address, which names none of them."""
    return query_string(replace(link, version=link.version or version))


def _value(params: Mapping[str, object], name: str) -> str:
    value = params.get(name, "")
    if isinstance(value, list | tuple):  # a repeated parameter: the last one wins
        value = value[-1] if value else ""
    return str(value or "").strip()


def parse_query(
    params: Mapping[str, object],
    reference: ReferenceData,
    known_opsn: Iterable[str] | None = None,
) -> tuple[Permalink, list[str]]:
    """The permalink named by ``params``, and a French message for each value set aside.

    Nothing in a link can break the page: an unknown value falls back to its default
    (France for a view) and is reported, so the user knows the link was not followed
    entirely. ``known_opsn`` (registry ids) filters ``opsn``; ``None`` keeps them all.
    """
    messages: list[str] = []
    view, message = parse_view(_value(params, "vue") or "france", _value(params, "code"), reference)
    if message:
        messages.append(message)

    def choice(name: str, allowed: tuple[str, ...], default: str, what: str) -> str:
        value = _value(params, name)
        if not value:
            return default
        if value not in allowed:
            messages.append(
                f"{what} « {value} » inconnu(e) dans le lien : {', '.join(allowed)} ; "
                f"« {default} » retenu(e)."
            )
            return default
        return value

    rule = choice("regle", RULES, _DEFAULT_OPTIONS.rule, "Règle")
    territory = choice("territoire", TERRITORIES, _DEFAULT_OPTIONS.territory, "Territoire")
    epci = choice("epci", ("oui", "non"), _YES_NO[_DEFAULT_OPTIONS.epci_membership], "Option EPCI")
    chosen = [x.strip() for x in _value(params, "opsn").split(",") if x.strip()]
    chosen = list(dict.fromkeys(chosen))
    if known_opsn is not None:
        known = set(known_opsn)
        unknown = [x for x in chosen if x not in known]
        if unknown:
            messages.append(f"OPSN inconnu(s) dans le lien, ignoré(s) : {', '.join(unknown)}.")
        chosen = [x for x in chosen if x in known]
    partial = choice("partielles", ("oui", "non"), "non", "Option offres partielles")
    at = None
    if date := _value(params, "date"):
        try:
            at = dt.date.fromisoformat(date)
        except ValueError:
            messages.append(f"Date « {date} » illisible dans le lien (AAAA-MM-JJ) : aujourd'hui.")
    options = CoverageOptions(
        rule=rule,
        territory=territory,
        epci_membership=epci == "oui",
        at=at,
        opsn=tuple(chosen),
        count_partial_offers=partial == "oui",
    )
    basemap = _value(params, "fond") == "ign"
    version = None
    try:
        version = parse_version(_value(params, "version"))
    except ValueError as error:
        messages.append(f"{str(error).capitalize()} dans le lien : dernière version affichée.")
    presentation = choice("presentation", ("1", "0"), "0", "Mode présentation") == "1"
    slides, slide_messages = parse_slides(_value(params, "diapos"), reference)
    messages += slide_messages
    return Permalink(view, options, basemap, version, presentation, slides), messages


def is_equivalent(params: Mapping[str, object], link: Permalink, reference: ReferenceData) -> bool:
    """True when ``params`` already names ``link`` (perhaps with defaults left out).

    The bare address of the app is France with the default options: it need not be
    rewritten (which would add a history entry on a first visit).
    """
    parsed, messages = parse_query(params, reference)
    return not messages and parsed == link and set(params) <= set(PARAMS)


def is_new_entry(before: Mapping[str, object], after: Mapping[str, object]) -> bool:
    """True when going from ``before`` to ``after`` changes the view (a new history entry)."""
    return any(_value(before, name) != _value(after, name) for name in VIEW_PARAMS)
