"""A bad config exits with status 2 and one message naming the file and field, no traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parents[2] / "config"


def run_check(config_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "HOTLINE_CONFIG_DIR": str(config_dir), **env}
    return subprocess.run([sys.executable, "-m", "bot.cli.main", "config", "check"],
                          capture_output=True, text=True, env=full_env, timeout=60)


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    target = tmp_path / "config"
    shutil.copytree(CONFIG, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def test_good_config_passes(config_dir: Path) -> None:
    result = run_check(config_dir)
    assert result.returncode == 0, result.stderr
    assert "emergency.yaml" in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("lines:\n  - {number: '12356', zh: a, en: b, colour: red}\n", "lines.0.colour: unknown key"),
        ("lines: 5\n", "lines: Input should be a valid list"),
        ("lines:\n  - {number: '12356', zh: a\n", "broken YAML"),
        ("lines:\n  - {number: '12356', zh: a}\n", "lines.0.en: required field is missing"),
    ],
    ids=["unknown-key", "wrong-type", "broken-yaml", "missing-field"],
)
def test_bad_file_exits_2_naming_file_and_field(config_dir: Path, content: str, expected: str) -> None:
    (config_dir / "emergency.yaml").write_text(content, encoding="utf-8")
    result = run_check(config_dir)
    assert result.returncode == 2
    assert "emergency.yaml" in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_file_exits_2(config_dir: Path) -> None:
    (config_dir / "emergency.yaml").unlink()
    result = run_check(config_dir)
    assert result.returncode == 2
    assert "emergency.yaml" in result.stderr and "file not found" in result.stderr


def test_bad_environment_setting_names_the_variable(config_dir: Path) -> None:
    result = run_check(config_dir, HOTLINE_PORT="eighty")
    assert result.returncode == 2
    assert "HOTLINE_PORT" in result.stderr and "Traceback" not in result.stderr


def test_out_of_range_port_is_refused(config_dir: Path) -> None:
    result = run_check(config_dir, HOTLINE_PORT="70000")
    assert result.returncode == 2 and "HOTLINE_PORT" in result.stderr


@pytest.mark.parametrize("filename", ["escalation.yaml", "demand.yaml", "triage.yaml", "kb.yaml",
                                      "services.yaml", "demo_rota.yaml", "retention.yaml"])
def test_every_config_file_refuses_an_unknown_key(config_dir: Path, filename: str) -> None:
    path = config_dir / filename
    path.write_text(path.read_text(encoding="utf-8") + "\nnot_a_setting: 1\n", encoding="utf-8")
    result = run_check(config_dir)
    assert result.returncode == 2
    assert filename in result.stderr and "not_a_setting" in result.stderr and "unknown key" in result.stderr
    assert "Traceback" not in result.stderr
