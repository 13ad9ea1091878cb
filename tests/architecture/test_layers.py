"""Data flows one way: a module never imports from a layer above its own.

The layers, bottom to top, are :data:`LAYERS`; packages on one floor do not
import each other. Every import counts, those inside functions too (a lazy
import is still a dependency), and ``geo`` never imports Streamlit.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from geo.core.paths import ROOT

LAYERS: tuple[tuple[str, ...], ...] = (
    ("geo.core",),
    ("geo.importers", "geo.mapdata", "geo.access", "geo.build"),
    ("geo.storage",),
    ("geo.planning",),
    ("geo.explore",),
    ("geo.maps",),
    ("geo.exports",),
    ("geo.commands",),
    ("geo.cli",),
    ("geo.__main__",),
    ("ui",),
    ("app", "serve"),
)
"""Bottom to top. ``geo`` (the package's ``__init__``) re-exports from ``geo.core``."""


def unit_of(module: str) -> str | None:
    """The package (or top-level module) of ``module`` named in :data:`LAYERS`."""
    for floor in LAYERS:
        for unit in floor:
            if module == unit or module.startswith(unit + "."):
                return unit
    return None


def floor_of(unit: str) -> int:
    return next(i for i, floor in enumerate(LAYERS) if unit in floor)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import in ``path``, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = (
        module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    )
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            # ``from geo import fmt`` imports the module geo.fmt
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def project_files() -> list[Path]:
    files = [*ROOT.joinpath("geo").rglob("*.py"), *ROOT.joinpath("ui").rglob("*.py")]
    return sorted([*files, ROOT / "app.py", ROOT / "serve.py"])


def upward_imports(files: list[Path]) -> list[str]:
    problems = []
    for path in files:
        unit = unit_of(module_name(path))
        if unit is None:
            continue
        for line, imported in imports_of(path):
            if imported.split(".")[0] == "streamlit" and unit.startswith("geo"):
                problems.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
                continue
            target = unit_of(imported)
            if target is None or target == unit:
                continue
            if floor_of(target) >= floor_of(unit):
                problems.append(
                    f"{path.relative_to(ROOT)}:{line} ({unit}) imports {imported} ({target})"
                )
    return problems


def test_no_module_imports_from_a_layer_above_or_beside_it():
    assert upward_imports(project_files()) == []


def test_every_package_has_a_floor():
    packages = {p.parent for p in ROOT.joinpath("geo").rglob("__init__.py")} - {ROOT / "geo"}
    homeless = [str(p.relative_to(ROOT)) for p in packages if unit_of(module_name(p)) is None]
    flat = [
        p.name
        for p in ROOT.joinpath("geo").glob("*.py")
        if p.stem not in ("__init__", "__main__", "cli")
    ]
    assert homeless == [] and flat == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from geo.exports.files import DOWNLOADS\n", "geo.exports"),
        ("def f():\n    from geo.planning import scenarios\n", "geo.planning"),
        ("from geo import maps\n", "geo.maps"),
    ],
)
def test_an_upward_import_is_found(tmp_path, monkeypatch, source, expected):
    """The check itself: a core module importing a higher layer, even lazily, is caught."""
    fake_root = tmp_path
    module = fake_root / "geo" / "core" / "bad.py"
    module.parent.mkdir(parents=True)
    module.write_text(source, encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", fake_root)
    problems = upward_imports([module])
    assert problems and all(f"({expected})" in problem for problem in problems)
