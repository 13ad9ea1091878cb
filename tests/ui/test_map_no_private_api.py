"""The app and the map use other packages' public API only (no ``pkg._name``).

A private function (streamlit-folium's ``_component_func`` was one) can change or
vanish in any release. This test reads the source of the page, ``ui/`` and ``geo/``
and fails on any ``from pkg import _name``, or ``module._name`` where ``module`` was
imported from another package; on any import from Streamlit's internals
(``streamlit.runtime``, ``streamlit.web``); on any reading of Streamlit's front-end
build outside :data:`BUILD_READERS` (whose every dependency is documented and pinned by
``tests/ui/test_streamlit_build.py``); and on any ``._name`` member used by the map
element's JavaScript (Leaflet's private methods and fields start with ``_``).
"""

from __future__ import annotations

import ast
import re

from geo.core.paths import ROOT

OWN_PACKAGES = {"geo", "ui", "tests", "bench", "app"}
INTERNAL_MODULES = ("streamlit.runtime", "streamlit.web")
BUILD_READERS: set[str] = set()
"""Modules allowed to read Streamlit's front-end build: none (it may change with any release)."""
BUILD_LOCATORS = re.compile(
    r"streamlit\.__file__|find_spec\(\s*[\"']streamlit|files\(\s*[\"']streamlit|"
    r"site-packages/streamlit|streamlit_static_dir"
)
"""Ways to find Streamlit's installed files, hence its front-end build."""
SOURCES = [
    ROOT / "app.py",
    ROOT / "serve.py",
    *sorted((ROOT / "ui").rglob("*.py")),
    *sorted((ROOT / "geo").rglob("*.py")),
]


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(source: str, filename: str = "<source>") -> list[str]:
    """``file:line name`` of each private name taken from another package."""
    tree = ast.parse(source, filename)
    modules: dict[str, str] = {}  # local name -> imported module
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                modules[local] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            root = node.module.split(".")[0]
            for alias in node.names:
                if root not in OWN_PACKAGES and _is_private(alias.name):
                    found.append(f"{filename}:{node.lineno} from {node.module} import {alias.name}")
                modules.setdefault(alias.asname or alias.name, f"{node.module}.{alias.name}")
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not _is_private(node.attr):
            continue
        base = node.value
        while isinstance(base, ast.Attribute):
            base = base.value
        if isinstance(base, ast.Name) and base.id in modules:
            root = modules[base.id].split(".")[0]
            if root not in OWN_PACKAGES:
                found.append(f"{filename}:{node.lineno} {ast.unparse(node)}")
    return found


def internal_imports(source: str, filename: str = "<source>") -> list[str]:
    """``file:line module`` of each import from Streamlit's internal packages."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        found += [
            f"{filename}:{node.lineno} {name}"
            for name in names
            if name.startswith(INTERNAL_MODULES) or name in ("streamlit.runtime", "streamlit.web")
        ]
    return sorted(set(found))


def test_detector_catches_internal_imports():
    sample = (
        "from streamlit.runtime.scriptrunner import get_script_run_ctx\n"
        "import streamlit.web.server\nfrom streamlit import runtime\nimport streamlit as st\n"
    )
    found = internal_imports(sample)
    assert any("get_script_run_ctx" in f for f in found)
    assert any("streamlit.web.server" in f for f in found)
    assert any(f.endswith("streamlit.runtime") for f in found)
    assert not internal_imports("import streamlit as st\nst.context.cookies\n")


def found_in_sources(detector) -> list[str]:
    """What ``detector(source, filename)`` finds in the app's sources."""
    found = []
    for path in SOURCES:
        found += detector(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    return found


def test_no_import_from_streamlit_internals():
    found = found_in_sources(internal_imports)
    assert not found, "\n".join(found)


def test_no_module_reads_streamlit_s_build():
    readers = {
        str(path.relative_to(ROOT))
        for path in SOURCES
        if BUILD_LOCATORS.search(path.read_text(encoding="utf-8"))
    }
    assert readers <= BUILD_READERS, readers - BUILD_READERS
    assert BUILD_LOCATORS.search("Path(streamlit.__file__).parent / 'static'")  # still detected


def test_detector_catches_private_functions():
    sample = (
        "import streamlit_folium\nfrom streamlit_folium import _get_html\n"
        "import streamlit as st\nx = streamlit_folium._component_func(1)\n"
        "y = st.runtime._main_script_path\nfrom geo.core.ids import _clean\nz = obj._private\n"
    )
    found = private_uses(sample)
    assert len(found) == 3, found
    assert any("_get_html" in f for f in found)
    assert any("_component_func" in f for f in found)
    assert any("_main_script_path" in f for f in found)


def test_python_code_uses_no_private_function_of_another_package():
    found = found_in_sources(private_uses)
    assert not found, "\n".join(found)


def test_map_element_javascript_uses_no_private_member():
    """Leaflet's private members start with ``_`` (``map._layers``, ``L.Util._…``)."""
    for path in sorted((ROOT / "ui").rglob("*.js")):
        code = re.sub(r"//[^\n]*", "", path.read_text(encoding="utf-8"))
        hits = re.findall(r"\.\s*_[A-Za-z]\w*", code)
        assert not hits, f"{path.name}: {hits}"


def test_streamlit_folium_no_longer_drives_the_live_map():
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        ] + [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not [m for m in imported if m and m.startswith("streamlit_folium")], path
