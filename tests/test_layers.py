"""The package's layers, checked from the source alone (no import-linter needed).

Every ``import`` statement counts — at module level, inside a function, or under
``if TYPE_CHECKING:`` — because a lazy import ties two modules together as much as an
eager one. The layer order is the import-linter contract in ``pyproject.toml``, so the
two checks cannot drift apart.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "crosswalk"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> dict[str, int]:
    """The crosswalk modules ``name`` imports anywhere in its body, with a line number."""
    is_package = path.name == "__init__.py"
    edges: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".") if is_package else name.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            own_submodule = is_package and target.startswith(name + ".")
            if target in modules and target != name and not own_submodule:
                edges.setdefault(target, node.lineno)
    return edges


def _graph() -> dict[str, dict[str, int]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def _layers() -> list[set[str]]:
    """The layers of the import-linter contract, top first, as sets of module names."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layered = next(c for c in contracts if c["type"] == "layers")
    (container,) = layered["containers"]
    return [
        {f"{container}.{part.strip()}" for part in layer.split("|")} for layer in layered["layers"]
    ]


def _layer_of(module: str, layers: list[set[str]]) -> int | None:
    for position, layer in enumerate(layers):
        if any(module == top or module.startswith(top + ".") for top in layer):
            return position
    return None


def test_no_module_imports_itself_back_even_inside_a_function() -> None:
    cycles = _cycles(_graph())
    assert not cycles, "import cycles (counting lazy imports):\n" + "\n".join(
        " -> ".join(cycle) for cycle in cycles
    )


def test_every_import_points_down_the_layers() -> None:
    layers = _layers()
    wrong = []
    for module, targets in _graph().items():
        here = _layer_of(module, layers)
        for target, line in targets.items():
            there = _layer_of(target, layers)
            if here is None or there is None:
                continue  # the package root and the compatibility names sit outside the layers
            if there < here or (there == here and not _same_package(module, target, layers)):
                wrong.append(f"{module} (line {line}) imports {target}, which is not below it")
    assert not wrong, "\n".join(wrong)


def _same_package(module: str, target: str, layers: list[set[str]]) -> bool:
    """True when both modules sit in the same top package (a layer's own inside)."""
    return module.split(".")[:2] == target.split(".")[:2]


def test_the_check_sees_function_level_imports(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from crosswalk.display import html\n", encoding="utf-8")
    found = _imports("crosswalk.model.m", source, {"crosswalk.display.html": source})
    assert found == {"crosswalk.display.html": 2}
