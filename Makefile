# Two entry points, as in the README's Quick start:  make demo  and  make test
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000

AXE := tests/a11y/node_modules/axe-core/axe.min.js

.PHONY: demo test install system-deps serve mutation translations catalogues

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# axe-core from npm, injected into pages by the accessibility tests (never a downloaded browser).
$(AXE): tests/a11y/package.json tests/a11y/package-lock.json
	command -v npm >/dev/null 2>&1 || bash .ci/system-deps
	npm ci --no-audit --no-fund --prefix tests/a11y
	touch $@

install: $(VENV)/.installed $(AXE) catalogues

## Interface languages (docs/translations.md): the .po catalogues are the source, compiled to .mo
## (never committed) on every install. `make translations` re-extracts the interface text from
## the code and templates into messages.pot and merges it into every language's catalogue.
CATALOGUES := vocgap/translations
catalogues: $(VENV)/.installed
	$(VENV)/bin/pybabel compile --statistics -d $(CATALOGUES) 2>&1 | grep -v '^compiling' || true

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k lazy_gettext \
	  --add-location=file --sort-by-file --project vocgap --copyright-holder "vocgap contributors" \
	  -o $(CATALOGUES)/messages.pot .
	$(VENV)/bin/pybabel update -i $(CATALOGUES)/messages.pot -d $(CATALOGUES) --no-fuzzy-matching
	$(MAKE) catalogues

system-deps:
	bash .ci/system-deps

## Install, build the demo study in the embedded SQLite database, write its reports, serve the app.
demo: $(VENV)/.installed
	$(VENV)/bin/vocgap demo
	$(VENV)/bin/vocgap report --study demo
	$(VENV)/bin/flask --app app run --host $(HOST) --port $(PORT)

## Install, then lint, check the instruments and run the whole test suite.
test: install system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/vocgap instrument check surveys/*.yaml
	$(VENV)/bin/pytest

## Mutation testing (slow, not in CI): mutate the modules that carry promises ([tool.mutmut] in
## pyproject.toml) and run their tests against each mutant; MUTANTS="vocgap.analysis.exact.*"
## narrows the run. Results stay in mutants/ (resumable); see docs/testing.md.
MUTANTS ?=
mutation: install
	$(VENV)/bin/mutmut run --max-children $(or $(JOBS),2) $(MUTANTS)
	$(VENV)/bin/mutmut results
