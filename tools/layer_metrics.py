"""Counts for issue 15's before/after note: `Any`, `type: ignore`, imports inside functions,
modules in import cycles, largest function and file, for bot/ and for a chosen part of it.

    .venv/bin/python tools/layer_metrics.py            # bot/ overall and bot/ without bot/web
    .venv/bin/python tools/layer_metrics.py bot/conversation bot/services

Cycles are strongly connected components of the module import graph inside bot/, once with
module-level imports only and once with every import (function-local ones included: those are
the cycles the local imports hide).
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANY = re.compile(r"\bAny\b")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def code_tokens(source: str) -> tuple[int, int]:
    """(`Any` names in code, `type: ignore` comments): strings and docstrings do not count."""
    anys = ignores = 0
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NAME and tok.string == "Any":
            anys += 1
        elif tok.type == tokenize.COMMENT and "type: ignore" in tok.string:
            ignores += 1
    return anys, ignores


def imports_of(tree: ast.Module, name: str, is_pkg: bool) -> tuple[set[str], set[str], int]:
    """(module-level targets, all targets, count of imports inside functions)."""
    top: set[str] = set()
    every: set[str] = set()
    local = 0

    def targets(node: ast.Import | ast.ImportFrom) -> list[str]:
        if isinstance(node, ast.Import):
            return [a.name for a in node.names]
        base = node.module or ""
        if node.level:
            pkg = name.split(".") if is_pkg else name.split(".")[:-1]
            pkg = pkg[: len(pkg) - node.level + 1]
            base = ".".join([*pkg, base] if base else pkg)
        return [base] + [f"{base}.{a.name}" for a in node.names]

    def walk(node: ast.AST, in_func: bool) -> None:
        nonlocal local
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                found = targets(child)
                every.update(found)
                if in_func:
                    local += 1
                elif not _type_checking(node):
                    top.update(found)
            walk(child, in_func or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    walk(tree, False)
    return top, every, local


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def largest_function(tree: ast.Module) -> tuple[int, str]:
    best = (0, "")
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno:
            best = max(best, (node.end_lineno - node.lineno + 1, node.name))
    return best


def sccs(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    sys.setrecursionlimit(10000)

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def report(label: str, files: list[Path], all_files: list[Path]) -> None:
    names = {module_name(p): p for p in all_files}
    top_graph: dict[str, set[str]] = {}
    full_graph: dict[str, set[str]] = {}
    anys = ignores = local = 0
    fn: tuple[int, str] = (0, "")
    biggest: tuple[int, str] = (0, "")
    chosen = {module_name(p) for p in files}
    for name, path in names.items():
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        top, every, n_local = imports_of(tree, name, path.name == "__init__.py")
        top_graph[name] = {t for t in top if t in names and t != name}
        full_graph[name] = {t for t in every if t in names and t != name}
        if name in chosen:
            a, i = code_tokens(source)
            anys, ignores, local = anys + a, ignores + i, local + n_local
            size, fname = largest_function(tree)
            fn = max(fn, (size, f"{path.relative_to(ROOT)}:{fname}"))
            biggest = max(biggest, (len(source.splitlines()), str(path.relative_to(ROOT))))
    top_cyc = [c for c in sccs(top_graph) if chosen & set(c)]
    full_cyc = [c for c in sccs(full_graph) if chosen & set(c)]
    print(f"== {label}: {len(files)} modules")
    print(f"Any: {anys}  type-ignore: {ignores}  imports inside functions: {local}")
    for what, found in (("module-level imports", top_cyc), ("all imports", full_cyc)):
        print(f"modules in cycles ({what}): {sum(len(c) for c in found)} in {len(found)} cycle(s)")
    for c in full_cyc:
        print("   ", " ".join(c))
    print(f"largest function: {fn[0]} lines ({fn[1]})   largest file: {biggest[0]} lines ({biggest[1]})")


def main(argv: list[str]) -> None:
    all_files = sorted((ROOT / "bot").rglob("*.py"))
    report("bot/", all_files, all_files)
    if argv:
        chosen = [p for p in all_files
                  if any(str(p.relative_to(ROOT)).startswith(a.rstrip("/")) for a in argv)]
        report(" ".join(argv), chosen, all_files)
    else:
        report("bot/ without bot/web", [p for p in all_files if "bot/web" not in str(p)], all_files)


if __name__ == "__main__":
    main(sys.argv[1:])
