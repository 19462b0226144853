# Two commands: `make demo` and `make test`. Both create .venv when missing,
# install lpt with its extras, and are fast when already set up.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test setup bench clean browser

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/lpt demo --out out/report.html

test: $(STAMP) browser
	$(BIN)/python -m pytest -q -n 2 tests

# The report test renders the HTML in headless Chromium (Debian's package).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the report test"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  ( $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null ) \
	  || echo "chromium could not be installed: the browser test will be skipped"; }

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e ".[dev,bench]"
	$(BIN)/python bench/interface.py
	$(BIN)/python bench/cycling_vs_pybamm.py
	$(BIN)/python bench/life.py
	$(BIN)/python bench/eis_vs_peers.py
	$(BIN)/python bench/sweep.py

clean:
	rm -rf $(VENV) out
