# Two commands matter: `make site` (set up + build the sample archive) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test setup generate build serve clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

setup: $(VENV)/.installed

generate: setup
	$(PY) -m generator build

build: generate
	$(PY) -m mkdocs build --strict

site: build
	@echo "Built site/ . Open site/index.html, or serve it: make serve (http://127.0.0.1:8000/)"

serve: build
	$(PY) -m http.server -d site -b 127.0.0.1 8000

test: setup
	$(PY) -m pytest -q

clean:
	rm -rf site
