"""The models of a large spec as a package of small modules, each imported on first use.

Creating a pydantic class costs about a millisecond, so a module of a thousand models makes
every program that imports the package pay a second for classes it never touches. Above a
size threshold the single models source is split here, after rendering: its classes form a
graph (a field's type, a base class, a default refer to another class), its strongly
connected components become groups, so that mutually referring classes (whose forward
references pydantic resolves in their module's namespace) share a module, and a group that
only one other group refers to joins that group, up to a size bound. Each group module imports
the groups it refers to, so touching a model imports exactly what building it needs.
``models/__init__.py`` is an index: a PEP 562 ``__getattr__`` imports a model's group when the
name is first read, and ``TYPE_CHECKING`` imports give type checkers every name.

The step reads the models source as Python (``ast``), not the renderer's internals: anything
that renders a module of top-level classes, assignments and calls can be split.
"""

from __future__ import annotations

import ast
import keyword
import re
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from stubforge.collector import paused

DEFAULT_SPLIT_ABOVE = 200
"""Models at most this many stay one ``models.py``; above it they become a lazy package."""

GROUP_LIMIT = 40
"""The most classes a group grows to by taking in the groups only it refers to."""

_DOCSTRING = '"""Models of the schemas in the spec."""'


@dataclass
class _Unit:
    """A top-level definition, and the statements after it that call on it."""

    statements: list[ast.stmt]
    defines: list[str]
    uses: set[str] = field(default_factory=set)
    calls: list[ast.stmt] = field(default_factory=list)


def model_files(
    source: str,
    header: str,
    split_above: int = DEFAULT_SPLIT_ABOVE,
    tree: ast.Module | None = None,
) -> dict[str, bytes]:
    """The models as ``models.py``, or as a ``models/`` package when they number more than
    ``split_above`` (and the source can be split: every statement belongs to a definition).
    ``tree`` is the source's syntax tree, when the caller has it already."""
    single = {"models.py": f"{header}\n{_DOCSTRING}\n\n{source}".encode()}
    with paused():  # many objects, no cycles (the Graph module's split: 0.25 s -> 0.12 s)
        tree = ast.parse(source) if tree is None else tree
        classes = sum(isinstance(node, ast.ClassDef) for node in tree.body)
        if classes <= split_above:
            return single
        split = _split(source, tree, header)
    return single if split is None else split


def _split(source: str, tree: ast.Module, header: str) -> dict[str, bytes] | None:
    imports = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    units = _units([node for node in tree.body if node not in imports])
    if units is None:
        return None
    owner = {name: index for index, unit in enumerate(units) for name in unit.defines}
    edges = [
        sorted({owner[name] for name in unit.uses if name in owner} - {i})
        for i, unit in enumerate(units)
    ]
    groups = _groups(edges, [sum(isinstance(s, ast.ClassDef) for s in u.statements) for u in units])
    names = _module_names([units[principal].defines[0] for principal, _ in groups])
    group_of = {unit: g for g, (_, group) in enumerate(groups) for unit in group}
    lines = source.split("\n")
    files: dict[str, bytes] = {}
    index: dict[str, str] = {}
    for g, (_, group) in enumerate(groups):
        members = [units[i] for i in group]
        needed: dict[int, set[str]] = {}
        for unit in members:
            for name in unit.uses:
                if name in owner and group_of[owner[name]] != g:
                    needed.setdefault(group_of[owner[name]], set()).add(name)
        # Calls such as ``model_rebuild()`` follow every definition, as in the source.
        calls = sorted((s for unit in members for s in unit.calls), key=lambda s: s.lineno)
        body = [_segment(lines, s) for unit in members for s in unit.statements]
        if calls:
            body.append("\n".join(_segment(lines, s) for s in calls))
        used = set().union(*(unit.uses for unit in members))
        defined = [name for unit in members for name in unit.defines]
        text = "\n".join(
            [
                header,
                _docstring(defined),
                "",
                *_kept_imports(imports, used),
                *(
                    f"from .{names[d]} import {', '.join(sorted(n))}"
                    for d, n in sorted(needed.items())
                ),
                "",
                "",
                "\n\n\n".join(body),
                "",
            ]
        )
        files[f"models/{names[g]}.py"] = text.encode()
        index.update(dict.fromkeys(defined, names[g]))
    files["models/__init__.py"] = _index(header, index).encode()
    return files


def _units(statements: list[ast.stmt]) -> list[_Unit] | None:
    """Definitions in source order; a statement that defines nothing (``X.model_rebuild()``)
    joins the definition it names first. None when one names no definition at all."""
    units: list[_Unit] = []
    owner: dict[str, _Unit] = {}
    for statement in statements:
        defines = _defined(statement)
        uses = _used(statement)
        if defines:
            unit = _Unit([statement], defines, uses)
            units.append(unit)
            owner.update(dict.fromkeys(defines, unit))
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # a stray string: documentation, not code
        target = next((owner[name] for name in _in_order(statement) if name in owner), None)
        if target is None:
            return None
        target.calls.append(statement)
        target.uses |= uses
    for unit in units:
        unit.uses -= set(unit.defines)
    return units


def _defined(statement: ast.stmt) -> list[str]:
    if isinstance(statement, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
        return [statement.name]
    targets: list[ast.expr] = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign):
        targets = [statement.target]
    return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]


def _used(statement: ast.stmt) -> set[str]:
    """Every name the statement reads, forward references in string annotations included."""
    found: set[str] = set()
    for node in _nodes(statement):
        if type(node) is ast.Name:
            found.add(node.id)
        elif type(node) is ast.AnnAssign or type(node) is ast.arg:
            found |= _names_in_strings(node.annotation)
        elif type(node) is ast.ClassDef:
            for base in node.bases:
                found |= _names_in_strings(base)
    return found


def _nodes(root: ast.AST) -> list[ast.AST]:
    """Every node under ``root`` (``ast.walk``'s nodes, in another order): a model module has
    hundreds of thousands, and the generic walk's generators cost most of the split."""
    found: list[ast.AST] = []
    stack = [root]
    while stack:
        node = stack.pop()
        found.append(node)
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                stack.append(value)
            elif type(value) is list:
                stack.extend(item for item in value if isinstance(item, ast.AST))
    return found


def _names_in_strings(annotation: ast.expr | None) -> set[str]:
    if annotation is None:
        return set()
    found: set[str] = set()
    for node in _nodes(annotation):
        if type(node) is ast.Constant and isinstance(node.value, str):
            try:
                parsed = ast.parse(node.value, mode="eval")
            except SyntaxError:
                continue
            found |= {n.id for n in ast.walk(parsed) if isinstance(n, ast.Name)}
    return found


def _in_order(statement: ast.stmt) -> Iterator[str]:
    for node in ast.walk(statement):
        if isinstance(node, ast.Name):
            yield node.id


def _groups(edges: list[list[int]], sizes: list[int]) -> list[tuple[int, list[int]]]:
    """Units grouped, each group with the unit it is named after: strongly connected
    components, then each component that only one group refers to merged into that group
    while it stays within ``GROUP_LIMIT`` classes. Merging a component whose every referrer is
    in one group keeps the graph of groups acyclic, so group modules never import in a circle."""
    components = _components(edges)
    component_of = {unit: c for c, members in enumerate(components) for unit in members}
    referrers: list[set[int]] = [set() for _ in components]
    for unit, targets in enumerate(edges):
        for target in targets:
            if component_of[target] != component_of[unit]:
                referrers[component_of[target]].add(component_of[unit])
    group = list(range(len(components)))
    size = [sum(sizes[u] for u in members) for members in components]
    # Tarjan's order lists a component after the ones it refers to; referrers come first here.
    for c in reversed(range(len(components))):
        owners = {_root(group, r) for r in referrers[c]}
        if len(owners) == 1:
            (into,) = owners
            if size[into] + size[c] <= GROUP_LIMIT:
                group[c] = into
                size[into] += size[c]
    merged: dict[int, list[int]] = {}
    for c, members in enumerate(components):
        merged.setdefault(_root(group, c), []).extend(members)
    ordered = sorted(merged.items(), key=lambda item: min(item[1]))
    return [(min(components[root]), sorted(members)) for root, members in ordered]


def _root(group: list[int], c: int) -> int:
    while group[c] != c:
        c = group[c]
    return c


def _components(edges: list[list[int]]) -> list[list[int]]:
    """Tarjan's strongly connected components, without recursion (reference chains are long)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    found: list[list[int]] = []
    for start in range(len(edges)):
        if start in index:
            continue
        work: list[tuple[int, int]] = [(start, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if position < len(edges[node]):
                work.append((node, position + 1))
                target = edges[node][position]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members: list[int] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                found.append(members)
    return found


def _module_names(principals: list[str]) -> list[str]:
    """``_snake_case`` of each group's first class, made distinct."""
    taken: set[str] = set()
    names: list[str] = []
    for principal in principals:
        base = "_" + re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", principal)
        base = base.lower()
        if not base.isidentifier() or keyword.iskeyword(base):
            base = "_group"
        name, counter = base, 2
        while name in taken:
            name, counter = f"{base}_{counter}", counter + 1
        taken.add(name)
        names.append(name)
    return names


def _segment(lines: list[str], statement: ast.stmt) -> str:
    decorators = getattr(statement, "decorator_list", [])
    first = min([statement.lineno, *(d.lineno for d in decorators)])
    return "\n".join(lines[first - 1 : statement.end_lineno or statement.lineno])


def _kept_imports(imports: Iterable[ast.Import | ast.ImportFrom], used: set[str]) -> list[str]:
    """The source's imports that bind a name the group reads, one level deeper for relative ones."""
    kept: list[str] = []
    for statement in imports:
        if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
            kept.append(ast.unparse(statement))
            continue
        aliases = [a for a in statement.names if (a.asname or a.name.split(".")[0]) in used]
        if not aliases:
            continue
        if isinstance(statement, ast.Import):
            kept.append(ast.unparse(ast.Import(names=aliases)))
        else:
            level = statement.level + 1 if statement.level else 0
            kept.append(ast.unparse(ast.ImportFrom(statement.module, aliases, level)))
    return kept


def _docstring(names: list[str]) -> str:
    if len(names) == 1:
        return f'"""The model {names[0]}."""'
    text = textwrap.fill("Models " + ", ".join(names) + ".", width=96)
    return f'"""{text}\n"""' if "\n" in text else f'"""{text}"""'


def _index(header: str, index: dict[str, str]) -> str:
    by_module: dict[str, list[str]] = {}
    for name, module in index.items():
        by_module.setdefault(module, []).append(name)
    checking = [
        f"    from .{module} import {', '.join(sorted(names))}"
        for module, names in sorted(by_module.items())
    ]
    table = "\n".join(f"    {name!r}: {module!r}," for name, module in sorted(index.items()))
    exported = "\n".join(f"    {name!r}," for name in sorted(index))
    return f'''{header}
"""Models of the schemas in the spec, each imported with its group on first use.

``models.X`` and ``from .models import X`` import the module that defines ``X`` and the ones it
refers to, nothing else; type checkers read the imports below.
"""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:
{chr(10).join(checking)}

__all__ = [
{exported}
]

_MODULES: _typing.Final[dict[str, str]] = {{
{table}
}}


def _load(name: str) -> object:
    """The model ``name``, imported on first use and kept in this module's namespace."""
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}")
    value: object = getattr(_importlib.import_module(f"{{__name__}}.{{module}}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({{*globals(), *_MODULES}})


if not _typing.TYPE_CHECKING:
    __getattr__ = _load
'''
