"""docs/DEPLOY.md, deploy/Procfile, deploy/hotline@.service and deploy/nginx.conf agree, and every
setting they name exists."""

from __future__ import annotations

import re
from pathlib import Path

from config.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def ports_in(text: str, pattern: str) -> list[int]:
    return sorted(int(p) for p in re.findall(pattern, text))


def test_the_proxy_the_procfile_and_the_doc_name_the_same_three_ports() -> None:
    nginx = (ROOT / "deploy/nginx.conf").read_text()
    upstream = re.search(r"upstream hotline \{(.*?)\}", nginx, re.S)
    assert upstream is not None
    proxied = ports_in(upstream.group(1), r"server 127\.0\.0\.1:(\d+)")
    procfile = ports_in((ROOT / "deploy/Procfile").read_text(), r"HOTLINE_PORT=(\d+) hotline serve")
    doc = (ROOT / "docs/DEPLOY.md").read_text()
    documented = ports_in(doc, r"^HOTLINE_PORT=(\d+) hotline serve$".replace("^", "(?m)^"))
    units = ports_in(doc, r"hotline@(\d+)")
    assert len(proxied) == 3
    assert proxied == procfile == documented == sorted(set(units))
    assert "proxy_set_header Upgrade" in nginx  # the chat and console are WebSockets


def test_every_setting_the_deploy_files_name_exists() -> None:
    known = {f"HOTLINE_{name.upper()}" for name in Settings.model_fields}
    text = "".join((ROOT / p).read_text() for p in
                   ("docs/DEPLOY.md", "deploy/Procfile", "deploy/hotline@.service"))
    named = set(re.findall(r"\bHOTLINE_[A-Z_]+", text))
    assert named and named <= known, named - known


def test_the_systemd_unit_starts_the_server_on_its_port() -> None:
    unit = (ROOT / "deploy/hotline@.service").read_text()
    assert "Environment=HOTLINE_PORT=%i" in unit
    assert re.search(r"^ExecStart=\S*hotline serve$", unit, re.M)
