# Two commands on a fresh machine: `make run` (the bot, with the local web chat) and `make test`.
# `make demo` tries the whole program in five minutes; `make tick AT=2026-12-07T09:30Z` runs the
# due jobs once as of that time (AT is optional: now).
PYTHON ?= python3
# Nothing here ever downloads a browser: the browser test drives the system's Chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INSTALL_LOG := $(VENV)/install.log

.PHONY: run demo tick test lint bench clean

# Installing says one line; pip's own output goes to $(INSTALL_LOG), and shows only on failure.
$(STAMP): pyproject.toml
	@echo "Installing Turnabout into $(VENV) (a minute the first time; log: $(INSTALL_LOG))"
	@$(PYTHON) -m venv $(VENV)
	@{ $(BIN)/pip install --upgrade pip && $(BIN)/pip install -e '.[test]'; } > $(INSTALL_LOG) 2>&1 \
		|| { tail -n 25 $(INSTALL_LOG); echo "Install failed; the whole log is in $(INSTALL_LOG)"; exit 1; }
	@touch $(STAMP)

# Ends with the web chat's address as its last line of output.
run: $(STAMP)
	@$(BIN)/turnabout run

demo: $(STAMP)
	@$(BIN)/turnabout demo

tick: $(STAMP)
	@$(BIN)/turnabout tick $(if $(AT),--at $(AT))

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/stats.py

clean:
	rm -rf $(VENV) turnabout.db turnabout-demo.db .pytest_cache
