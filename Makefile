# `make run`: set up everything, then serve the demo (web chat, console, dashboard; Telegram when
# HOTLINE_TELEGRAM_TOKEN is set). `make test`: set up everything, run the static checks, then the whole
# test suite (CI runs exactly this). `make check`: the developer's quick loop (static checks and the
# fast tests: no browser, no end-to-end, no PostgreSQL), under 90 s.
# Set-up is stamped on pyproject.toml: a second run with nothing changed installs nothing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test check chaos lint browser-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	HOTLINE_DEMO=true $(BIN)/hotline db upgrade
	HOTLINE_DEMO=true $(BIN)/hotline serve --demo

# Browser tests drive Debian's chromium (never a downloaded browser); CJK font for screenshots.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei; }

# The fault-injection suite (tests/chaos: kill -9 of real servers, a private PostgreSQL stopped and
# started, a full tmpfs) takes about five minutes on 2 cores on its own, so it has its own target
# (`make chaos`, and `hotline bench chaos` prints its table) to keep `make test` within CI's 10 minutes.
test: $(STAMP) browser-deps lint
	HOTLINE_DEMO=true $(BIN)/hotline db upgrade
	$(BIN)/python -m pytest --ignore=tests/chaos --durations=25 -n 4

chaos: $(STAMP)
	$(BIN)/python -m pytest tests/chaos

# Static checks: style, types (strict on the engines and the domain services), the architecture
# contracts in pyproject.toml (lint-imports), unused dependencies (deptry) and dead code (vulture).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/deptry .
	$(BIN)/vulture

# The quick loop's tests: the engines' unit tests and the repository boundary (the servers, the
# browser, PostgreSQL and the probe sets run in `make test`).
QUICK_TESTS := tests/test_repo_boundary.py tests/scheduling tests/config tests/triage/test_rules.py \
  tests/triage/test_tracker.py tests/triage/test_grammar.py tests/triage/test_policy_support.py \
  tests/knowledge_base/test_check.py tests/knowledge_base/test_governance.py

check: lint
	$(BIN)/python -m pytest -q -x -p no:cacheprovider -m "not slow and not browser" $(QUICK_TESTS)

clean:
	rm -rf $(VENV) var
