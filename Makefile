# Every target sets up what it needs (idempotently): the virtual environment in .venv,
# and a CJK font for the figures.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# the venv is re-installed whenever the dependency declarations change
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
export NO_MKDOCS_2_WARNING := 1

PORT ?= 8000

.PHONY: venv fonts serve site pdf test bench mutation clean

venv: $(STAMP)

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[site,test,bench]"
	@# search is our own worker: Material would still segment with jieba if an old venv has it
	@$(BIN)/python -m pip uninstall -q -y jieba >/dev/null 2>&1 || true
	@rm -f $(VENV)/.installed-*
	@touch $@

fonts:
	@bash tools/ensure-cjk-font.sh

serve: venv fonts
	@$(BIN)/python tools/port_free.py $(PORT)
	$(BIN)/mkdocs serve -a 127.0.0.1:$(PORT) --livereload

# the site, and its print edition site/nn7-7.7.pdf (printed by Chromium)
site: venv fonts
	$(BIN)/mkdocs build --strict -d site
	$(BIN)/python tools/pdf.py site

# the PDF alone, from the site already built (built first if there is none)
pdf: venv fonts
	@test -f site/print_page/index.html || $(BIN)/mkdocs build --strict -d site
	$(BIN)/python tools/pdf.py site

test: venv fonts
	$(BIN)/python -m pytest

bench: venv fonts
	$(BIN)/python -m bench.run

# mutation testing of the science (src/nn7; configuration: [tool.mutmut] in pyproject.toml),
# from scratch, then the score per module; fails below 95 % killed. Not part of `make test`.
MUTATION_STAMP := $(VENV)/.mutation-$(shell cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)

$(MUTATION_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[mutation]"
	@rm -f $(VENV)/.mutation-*
	@touch $@

mutation: venv $(MUTATION_STAMP)
	rm -rf mutants
	$(BIN)/mutmut run
	$(BIN)/python tools/mutation.py --fail-under 95

clean:
	rm -rf site build .cache mutants
