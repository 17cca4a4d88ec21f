# Every target sets up what it needs (idempotently): the virtual environment in .venv, the CJK
# fonts, the browsers (Debian's packages; installed with apt-get when run as root, otherwise
# one line says what to install) and the Node packages the tests and the
# benchmark use (puppeteer-core for Firefox's driver, Lighthouse).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# the venv is re-installed whenever the dependency declarations change
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
# the test tooling's Node packages (tools/node/package.json and its lock), likewise
NODE_DIR := tools/node
NODE_STAMP := $(NODE_DIR)/node_modules/.installed-$(shell cat $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json | sha256sum | cut -c1-16)

PORT ?= 8000

.PHONY: venv fonts chromium browsers node serve site pdf test bench mutation clean

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

# Chromium, which prints the PDF
chromium:
	@bash tools/ensure-browsers.sh site

# every browser the tests use: Chromium, Firefox ESR, WebKitGTK (with Xvfb), and Node for Firefox's driver
browsers:
	@bash tools/ensure-browsers.sh test

node: $(NODE_STAMP)

$(NODE_STAMP):
	@bash tools/ensure-browsers.sh test
	npm ci --prefix $(NODE_DIR) --no-audit --no-fund --ignore-scripts --loglevel=error
	@rm -f $(NODE_DIR)/node_modules/.installed-*
	@touch $@

serve: venv fonts
	@$(BIN)/python tools/port_free.py $(PORT)
	$(BIN)/properdocs serve -a 127.0.0.1:$(PORT) --livereload

# the site, and its print edition site/nn7-7.7.pdf (printed by Chromium)
site: venv fonts chromium
	$(BIN)/properdocs build --strict -d site
	$(BIN)/python tools/pdf.py site

# the PDF alone, from the site already built (built first if there is none)
pdf: venv fonts chromium
	@test -f site/print_page/index.html || $(BIN)/properdocs build --strict -d site
	$(BIN)/python tools/pdf.py site

# NN7_REQUIRE_BROWSERS: a browser test whose browser is missing fails instead of skipping
test: venv fonts browsers node
	NN7_REQUIRE_BROWSERS=1 $(BIN)/python -m pytest

bench: venv fonts browsers node
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
