"""The repository stands on its own: no code, test, config or build file reaches outside it.

A fresh clone with nothing beside it must build, test, train and run (issue 13). The exams
(PsySUICIDE test.json, Reddit C-SSRS) live outside and are read only through paths a person gives on
the command line. Two ways out are caught here:
- text naming a place beside or above the clone (`../shared`, `shared/eval`, `../..`);
- path arithmetic on `__file__` (`Path(__file__).resolve().parents[3]`, `.parent` chains) that
  climbs above the repository root.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = {".py", ".toml", ".yaml", ".yml", ".cfg", ".ini", ".sh", ".mk", ".json", ".js", ".html", ""}
OUTSIDE = re.compile(r"\.\./shared|shared/eval|/work/|^\s*[\w-]+:\s*['\"]?\.\./")
# This file names the patterns it looks for.
SELF = Path(__file__).resolve()


def tracked_files() -> list[Path]:
    """Files git knows (committed or added) plus untracked ones that are not ignored."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    files = [ROOT / line for line in out.splitlines() if line]
    third_party = ROOT / "data"  # licensed data files, not code: their text is not ours to police
    return [f for f in files if f.is_file() and f.resolve() != SELF and third_party not in f.parents
            and (f.suffix in SCANNED or f.name in ("Makefile", "run"))]


def text_leaks(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return []
    return [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
            for n, line in enumerate(text.splitlines(), 1) if OUTSIDE.search(line)]


def _climb(node: ast.AST) -> int | None:
    """How many directories above the file's own folder an expression on `__file__` goes, or None."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id == "Path" and node.args:
            arg = node.args[0]
            return 0 if isinstance(arg, ast.Name) and arg.id == "__file__" else None
        if isinstance(func, ast.Attribute) and func.attr in ("resolve", "absolute"):
            return _climb(func.value)
        if isinstance(func, ast.Attribute) and func.attr == "dirname" and node.args:
            inner = _climb(node.args[0])  # os.path.dirname(__file__) is the folder itself
            return inner
        return None
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        inner = _climb(node.value)
        return None if inner is None else inner + 1
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) \
            and node.value.attr == "parents" and isinstance(node.slice, ast.Constant) \
            and isinstance(node.slice.value, int):
        inner = _climb(node.value.value)
        return None if inner is None else inner + node.slice.value + 1
    return None


def path_leaks(path: Path) -> list[str]:
    """`Path(__file__)` expressions whose result lies above the repository root."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError):
        return []
    depth = len(path.relative_to(ROOT).parts)  # a file at the root has depth 1: its folder is ROOT
    leaks = []
    for node in ast.walk(tree):
        up = _climb(node)
        # _climb counts from the file itself: 1 is its folder, `depth` is the root, more is outside.
        if up is not None and up > depth:
            leaks.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    return leaks


def test_no_file_names_a_place_outside_the_repository() -> None:
    leaks = [leak for f in tracked_files() for leak in text_leaks(f)]
    assert leaks == []


def test_no_python_path_arithmetic_climbs_above_the_repository() -> None:
    leaks = [leak for f in tracked_files() if f.suffix == ".py" for leak in path_leaks(f)]
    assert leaks == []


def test_the_checks_catch_a_read_of_the_shared_folder(tmp_path: Path) -> None:
    # The guard itself can fail: a stand-in module inside the tree, read as the scan reads it.
    probe = ROOT / "tests" / "_boundary_probe.py"
    probe.write_text('from pathlib import Path\n'
                     'A = Path(__file__).resolve().parents[2] / "x"\n'
                     'B = open("../shared/eval/triage_dev.jsonl")\n', encoding="utf-8")
    try:
        assert len(path_leaks(probe)) == 1
        assert len(text_leaks(probe)) == 1
    finally:
        probe.unlink()


def test_path_arithmetic_inside_the_repository_is_allowed() -> None:
    # tests/x.py: parents[1] is the root (allowed), parents[2] is above it (a leak).
    inside = ast.parse("Path(__file__).resolve().parents[1]").body[0]
    assert isinstance(inside, ast.Expr) and _climb(inside.value) == 2
