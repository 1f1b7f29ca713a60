# The README's quick start: `make demo` and `make test`, on a machine with only python3.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: demo test setup setup-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test

# With LibreOffice installed the demo writes PDFs and a signing packet per sample; without it,
# DOCX only (docgen doctor says what to install).
demo: setup
	$(BIN)/docgen validate samples/*.json
	@if command -v soffice >/dev/null 2>&1; then \
	  $(BIN)/docgen build samples -o $(OUT) --force; \
	else \
	  echo "LibreOffice is not installed: building DOCX only (see: $(BIN)/docgen doctor)"; \
	  $(BIN)/docgen build samples -o $(OUT) --force --no-pdf; \
	fi
	@echo "The documents are in $(OUT)/"
	$(BIN)/docgen renew samples/lincoln-elementary-bright-futures.json --school-year 2027-2028 \
	  --review-date 2027-05-14 -o $(OUT)/renewal/lincoln-elementary-bright-futures-2027-28.json --force
	@if command -v soffice >/dev/null 2>&1; then \
	  $(BIN)/docgen review samples/lincoln-elementary-bright-futures.json \
	    $(OUT)/renewal/lincoln-elementary-bright-futures-2027-28.json -o $(OUT)/review; \
	else \
	  $(BIN)/docgen review samples/lincoln-elementary-bright-futures.json \
	    $(OUT)/renewal/lincoln-elementary-bright-futures-2027-28.json -o $(OUT)/review --no-pdf; \
	fi
	@echo "The annual review of the Lincoln sample is in $(OUT)/review/"

test: setup-test
	$(BIN)/python -m pytest -q

bench: setup-test
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/render.py
	$(BIN)/python benchmarks/pdf.py
	$(BIN)/python benchmarks/batch.py
	$(BIN)/python benchmarks/redline.py
	$(BIN)/python benchmarks/startup.py

clean:
	rm -rf $(VENV) $(OUT) build dist *.egg-info .pytest_cache .hypothesis
