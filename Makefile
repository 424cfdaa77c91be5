# Two commands matter: `make site` (set up + build the sample archive) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test setup generate build serve clean review publish-check bundle
REVIEW ?= build/review-report.txt
BUNDLE ?= dist/offline-bundle.zip
ISSUE_TEXTS = $(sort $(wildcard sources/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]/*.txt))

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

# The cleaner compiled by Cython (generator/compiled.py): 1.7x faster; redone when its source changes.
# Without a C compiler the cleaner runs as plain Python: same records, slower.
$(VENV)/.compiled: $(VENV)/.installed $(wildcard generator/cleaner/*.py generator/cleaner/*.pyx) generator/compiled.py
	@if $(PY) -m generator compile; then touch $@; \
	else echo "warning: the cleaner runs as plain Python (same records, slower): compiling it failed"; fi

setup: $(VENV)/.installed $(VENV)/.compiled

generate: setup
	$(PY) -m generator build
	$(PY) -m generator import-jekyll sources/legacy

build: generate
	$(PY) -m mkdocs build --strict

site: build
	@echo "Built site/ . Open site/index.html, or serve it: make serve (http://127.0.0.1:8000/)"

serve: build
	$(PY) -m http.server -d site -b 127.0.0.1 8000

# Clean every issue's page text: an error (unreadable file, lost text) fails; warnings -> $(REVIEW).
review: setup
	@mkdir -p $(dir $(REVIEW))
	@$(PY) -m generator clean $(ISSUE_TEXTS) >/dev/null 2>$(REVIEW); status=$$?; cat $(REVIEW); exit $$status

# The publish workflow's steps, locally: clean (errors fail), generate, build --strict, review report.
publish-check: review build
	@echo "publish-check passed: site/ built with --strict. Review report ($(REVIEW)):"
	@cat $(REVIEW); test -s $(REVIEW) || echo "  (nothing to check)"

# Offline site for branch offices: $(BUNDLE) works unzipped from disk. BUNDLE_ARGS="--since 2022-12-01 --section 要闻"
bundle: generate
	$(PY) -m generator bundle -o $(BUNDLE) $(BUNDLE_ARGS)

test: setup
	$(PY) -m pytest -q

clean:
	rm -rf site
