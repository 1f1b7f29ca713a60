# The README's quick start: `make demo` and `make test`, on a machine with only python3 and make.
#
# Installs are locked: setup installs exactly the versions (and hashes) in locks/*.txt, with
# pip's --require-hashes and --no-deps, so nothing is resolved on the day. `make lock` refreshes
# the locks from pyproject.toml's ranges; `make test-latest` tries the i18n tests against the
# newest Babel the registry serves, in a throwaway venv.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out
# pip, quiet, exactly as locked: every package named with its hash, and nothing else
PIP_LOCKED = $(BIN)/python -m pip install --quiet --disable-pip-version-check \
             --require-hashes --no-deps
# docgen itself, in place, built by the locked hatchling rather than a freshly resolved one
PIP_SELF   = $(BIN)/python -m pip install --quiet --disable-pip-version-check \
             --no-deps --no-build-isolation --no-index -e .
# The tool that writes the locks, itself pinned
UV_VERSION ?= 0.13.9
LOCKER     ?= $(or $(TMPDIR),/tmp)/docgen-locker

.PHONY: demo test check typecheck test-latest setup setup-test bench bench-setup lock clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else \
	  "docgen needs Python 3.11 or newer; this python3 is " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python locks/docgen.txt pyproject.toml
	$(PIP_LOCKED) -r locks/docgen.txt
	$(PIP_SELF)
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed locks/test.txt
	$(PIP_LOCKED) -r locks/test.txt
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
	    $(OUT)/renewal/lincoln-elementary-bright-futures-2027-28.json -o $(OUT)/review \
	    --old-documents $(OUT)/lincoln-es-bright-futures-2026-27; \
	else \
	  $(BIN)/docgen review samples/lincoln-elementary-bright-futures.json \
	    $(OUT)/renewal/lincoln-elementary-bright-futures-2027-28.json -o $(OUT)/review --no-pdf \
	    --old-documents $(OUT)/lincoln-es-bright-futures-2026-27; \
	fi
	@echo "The annual review of the Lincoln sample is in $(OUT)/review/ (against the documents just built, each change labelled by its cause)"
	@echo "Run docgen as $(BIN)/docgen (or type '. $(BIN)/activate' once, then just docgen): $(BIN)/docgen --help"

# The whole suite (CI runs this): the types (mypy --strict, configured in pyproject.toml), then
# every test.
test: typecheck
	$(BIN)/python -m pytest -q

typecheck: setup-test
	$(BIN)/python -m mypy

# The fast tier for your own loop: the unit tests, no LibreOffice, hypothesis in a small profile.
check: setup-test
	HYPOTHESIS_PROFILE=fast $(BIN)/python -m pytest -q -m "not slow"

# The i18n tests against the newest Babel on the registry, in a throwaway venv (not part of CI:
# a registry release must not block a landing). Run it before you stop, and after a Babel release.
test-latest: $(BIN)/python
	rm -rf $(VENV)-latest
	$(PYTHON) -m venv $(VENV)-latest
	$(VENV)-latest/bin/python -m pip install --quiet --disable-pip-version-check \
	  --require-hashes --no-deps -r locks/test.txt
	$(VENV)-latest/bin/python -m pip install --quiet --disable-pip-version-check \
	  --no-deps --no-build-isolation --no-index -e .
	$(VENV)-latest/bin/python -m pip install --quiet --disable-pip-version-check --upgrade babel
	@$(VENV)-latest/bin/python -c 'import babel; print("Babel", babel.__version__, \
	  "(locked:", [l.split("==")[1].split()[0] for l in open("locks/test.txt") \
	  if l.startswith("babel==")][0] + ")")'
	$(VENV)-latest/bin/python -m pytest -q -p no:cacheprovider tests/test_i18n.py tests/test_plurals.py
	rm -rf $(VENV)-latest

# Refresh the locks from pyproject.toml's ranges (and locks/tools.in). Run it when you change a
# dependency in pyproject.toml, or to take new releases on purpose; then run `make test` and
# `make test-latest`, and commit the locks with what changed and why.
lock:
	$(PYTHON) -m venv $(LOCKER)
	$(LOCKER)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(LOCKER)/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	  --custom-compile-command "make lock" --extra serve --extra test --extra bench \
	  -o locks/bench.txt pyproject.toml locks/tools.in
	$(LOCKER)/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	  --custom-compile-command "make lock" --extra serve --extra test -c locks/bench.txt \
	  -o locks/test.txt pyproject.toml locks/tools.in
	$(LOCKER)/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	  --custom-compile-command "make lock" --extra serve -c locks/test.txt \
	  -o locks/docgen.txt pyproject.toml locks/tools.in
	rm -rf $(LOCKER)

# The PDF peer, unoserver, runs only in the python that has LibreOffice's uno: a venv of it
# (with its site packages, where uno is) holding unoserver as locked in locks/bench.txt.
UNO_PYTHON ?= /usr/bin/python3
UNO_VENV   ?= $(VENV)-uno

bench-setup: setup-test
	$(PIP_LOCKED) -r locks/bench.txt
	$(UNO_PYTHON) -m venv --system-site-packages $(UNO_VENV)
	awk '/^unoserver==/{p=1} p{print} p && !/\\$$/{p=0}' locks/bench.txt > $(UNO_VENV)/unoserver.txt
	$(UNO_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  --require-hashes --no-deps -r $(UNO_VENV)/unoserver.txt

# Node and docxtemplater (benchmarks/node, locked by its package-lock.json) are the render
# benchmark's peer only, never a dependency of docgen.
bench: bench-setup
	cd benchmarks/node && npm ci --no-audit --no-fund --silent
	$(BIN)/python benchmarks/render.py
	$(BIN)/python benchmarks/pdf.py
	$(BIN)/python benchmarks/batch.py
	$(BIN)/python benchmarks/batch.py --pdf --sizes 25,50 --runs 3
	$(BIN)/python benchmarks/redline.py
	$(BIN)/python benchmarks/startup.py

clean:
	rm -rf $(VENV) $(VENV)-latest $(UNO_VENV) $(OUT) build dist *.egg-info .pytest_cache .hypothesis
