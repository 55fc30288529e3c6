"""The package's layers, enforced on its import graph (every import, lazy ones included).

The folders are the architecture: ``sim.domain``, ``sim.streams`` and ``sim.config`` at the
bottom; ``sim.city`` (static structure) below ``sim.engine`` (the simulation core, with
``sim.agents``); ``sim.results`` above the engine; ``sim.analysis``, ``sim.report``,
``sim.sweeps``, ``sim.calibrate`` and ``sim.bench`` above that, ``sim.optimise`` (which
drives sweeps' executors and reads calibrations) above those; the command lines at the top.
A rule is broken by a direct import and by one reached through other modules.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

import sim

PACKAGE = Path(sim.__file__).parent
COMMAND_LINES = ("sim.cli", "sim.policy_script", "sim.__main__", "sim.scenarios", "sim.dashboard")
ENGINE = ("sim.engine", "sim.agents")
ABOVE_ENGINE = (
    "sim.results",
    "sim.report",
    "sim.analysis",
    "sim.sweeps",
    "sim.calibrate",
    "sim.bench",
    "sim.optimise",
    *COMMAND_LINES,
)

# What turns failures into exit codes and parses command lines: the command lines' own.
EDGE = ("sim.failures", "sim.command_line", *COMMAND_LINES)
ANALYSES = (
    "sim.report",
    "sim.analysis",
    "sim.sweeps",
    "sim.calibrate",
    "sim.bench",
    "sim.optimise",
)

# (modules, modules they must never reach)
RULES = [
    (("sim.domain", "sim.streams", "sim.data"), ("sim.",)),
    (("sim.config",), (*ENGINE, "sim.city", *ABOVE_ENGINE, *EDGE)),
    (("sim.city",), (*ENGINE, *ABOVE_ENGINE, *EDGE)),
    (ENGINE, (*ABOVE_ENGINE, *EDGE)),
    (("sim.results",), (*ANALYSES, *EDGE)),
    (("sim.report",), (*ENGINE, "sim.optimise", *EDGE)),
    (("sim.analysis",), ("sim.calibrate", "sim.sweeps.runner", "sim.optimise", *EDGE)),
    (("sim.sweeps",), ("sim.calibrate", "sim.optimise", *EDGE)),
    (("sim.calibrate", "sim.bench"), ("sim.optimise", *EDGE)),
    (("sim.optimise",), EDGE),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(path: Path) -> set[str]:
    """Every sim module an import statement in ``path`` names (``from sim import x`` names
    ``sim.x`` when that is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    # The root package is loaded before any of its modules; its public API is loaded on
    # first use (sim/__init__.py), so ``from sim import x`` is an edge to ``sim.x`` only.
    return {name for name in found if name in modules() and name != "sim"}


@cache
def reached(name: str) -> frozenset[str]:
    """Modules reached from ``name`` through imports (a module also loads its packages)."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        for other in imports_of(modules()[current]):
            parts = other.split(".")
            for k in range(2, len(parts) + 1):
                parent = ".".join(parts[:k])
                if parent in modules() and parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
    return frozenset(seen)


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p if p.endswith(".") else p + ".") for p in prefixes)


def test_package_code_imports_modules_by_absolute_name():
    """What the graph cannot see is not allowed: relative imports, and names taken from the
    root package's public API (which is loaded on first use) instead of their module."""
    found = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                found.append(f"{name}: relative import")
            elif isinstance(node, ast.ImportFrom) and node.module == "sim":
                found += [
                    f"{name}: from sim import {alias.name}"
                    for alias in node.names
                    if f"sim.{alias.name}" not in modules()
                ]
    assert not found, found


def test_the_graph_sees_imports():
    """The checker can fail: it finds edges known to exist, lazy ones included."""
    assert "sim.city.network" in reached("sim.engine.model")
    assert "sim.engine.model" in reached("sim.results.simulation")
    assert "sim.results.simulation" in reached("sim.cli")  # imported inside a function
    assert within("sim.engine.cases", ENGINE) and not within("sim.cityx", ("sim.city",))


def test_importing_the_package_loads_nothing_else():
    """No import-time side effects: ``import sim`` loads no other module of the package,
    nor matplotlib, Mesa or SimPy."""
    code = (
        "import sys, sim; print(sorted(m for m in sys.modules if m.startswith("
        "('sim.', 'matplotlib', 'mesa', 'simpy'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"


def test_the_public_api_resolves():
    assert sorted(sim.__all__) == sorted(sim._API)
    for name in sim.__all__:
        assert getattr(sim, name) is not None
    with pytest.raises(AttributeError):
        sim.no_such_name  # noqa: B018


@pytest.mark.parametrize(("layer", "forbidden"), RULES, ids=lambda v: "+".join(v)[:60])
def test_layer_never_reaches(layer, forbidden):
    broken = sorted(
        f"{name} -> {other}"
        for name in modules()
        if within(name, layer)
        for other in reached(name)
        if within(other, forbidden) and not within(other, layer)
    )
    assert not broken, "layer rule broken:\n" + "\n".join(broken)
