# `make run`: set up everything, then serve the demo (web chat, console, dashboard; Telegram when
# HOTLINE_TELEGRAM_TOKEN is set). `make test`: set up everything, then run the whole test suite.
# Set-up is stamped on pyproject.toml: a second run with nothing changed installs nothing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint browser-deps clean

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

test: $(STAMP) browser-deps
	HOTLINE_DEMO=true $(BIN)/hotline db upgrade
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy triage knowledge_base scheduling

clean:
	rm -rf $(VENV) var
