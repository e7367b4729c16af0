# Two commands on a fresh machine: `make run` (the bot, with the local web chat) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INSTALL_LOG := $(VENV)/install.log

.PHONY: run test lint bench clean

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

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/stats.py

clean:
	rm -rf $(VENV) turnabout.db .pytest_cache
