"""The stage rule of indicators/ (docs/ARCHITECTURE.md): a module imports only the root vocabulary, its own
folder and earlier folders; there are no import cycles; no module borrows another module's `_private` name."""

from __future__ import annotations

import ast
from pathlib import Path

ORDER = ["", "load", "store", "build", "views", "figures", "export", "cli"]  # "" = the root vocabulary
ROOT = Path(__file__).resolve().parent.parent / "indicators"


def _modules(root: Path, package: str) -> dict[str, Path]:
    """'pkg.load.ba' -> its file, for every module below root (a package's __init__ is the package)."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def _stage(module: str, package: str) -> int:
    """Rank in ORDER: the first folder below the package; root modules rank 0, except cli and __main__."""
    parts = module.split(".")[1:]
    if parts and parts[0] in ("cli", "__main__"):
        return ORDER.index("cli")
    return ORDER.index(parts[0]) if len(parts) > 1 or (parts and parts[0] in ORDER) else 0


def _imports(path: Path, modules: dict[str, Path], package: str):
    """(imported module, name or None, line, is an import) for every use of the package, also inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bound = {}  # local name -> package module, for attribute access like store._fmt_mb
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == package:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                target = sub if sub in modules else node.module
                bound[alias.asname or alias.name] = sub if sub in modules else None
                yield target, None if sub in modules else alias.name, node.lineno, True
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == package:
                    bound[alias.asname or alias.name] = alias.name
                    yield alias.name, None, node.lineno, True
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and bound.get(node.value.id):
            yield bound[node.value.id], node.attr, node.lineno, False


def layer_problems(root: Path = ROOT, package: str = "indicators") -> list[str]:
    """Every back-edge, cycle and borrowed private name below root, as 'module:line what'."""
    modules, problems, graph = _modules(root, package), [], {}
    for module, path in modules.items():
        graph[module] = set()
        for target, name, line, is_import in _imports(path, modules, package):
            if target != module and target in modules:
                graph[module].add(target)
            if is_import and _stage(target, package) > _stage(module, package):
                problems.append(f"{module}:{line} imports the later stage {target}")
            if name and name.startswith("_") and not name.startswith("__") and target != module:
                problems.append(f"{module}:{line} uses the private name {target}.{name}")
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                problems.append("import cycle: " + " -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return problems


def test_indicators_follows_the_stage_rule():
    assert layer_problems() == []


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in {"__init__.py": "", "load/__init__.py": "", "views/__init__.py": "", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_a_back_edge_is_caught(tmp_path):
    root = _package(tmp_path, {"load/reader.py": "def f():\n    from pkg.views import slices\n",
                               "views/slices.py": ""})
    assert layer_problems(root, "pkg") == ["pkg.load.reader:2 imports the later stage pkg.views.slices"]


def test_a_cycle_is_caught(tmp_path):
    root = _package(tmp_path, {"load/a.py": "from pkg.load import b\n", "load/b.py": "from pkg.load.a import x\n"})
    assert layer_problems(root, "pkg") == ["import cycle: pkg.load.a -> pkg.load.b -> pkg.load.a"]


def test_a_borrowed_private_name_is_caught(tmp_path):
    root = _package(tmp_path, {"load/a.py": "from pkg.load.b import _helper\n",
                               "views/c.py": "from pkg.load import b\nb._helper()\n", "load/b.py": "def _helper(): ...\n"})
    assert layer_problems(root, "pkg") == ["pkg.load.a:1 uses the private name pkg.load.b._helper",
                                           "pkg.views.c:2 uses the private name pkg.load.b._helper"]


def test_the_root_vocabulary_imports_no_folder(tmp_path):
    root = _package(tmp_path, {"formats.py": "from pkg.load import reader\n", "load/reader.py": ""})
    assert layer_problems(root, "pkg") == ["pkg.formats:1 imports the later stage pkg.load.reader"]
