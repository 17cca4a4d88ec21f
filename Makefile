# Every target sets up what it needs (idempotently): the virtual environment in .venv,
# a CJK font for the figures, and (tests, benchmark) the Node packages in tools/node.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# the venv is re-installed whenever the dependency declarations change
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
export NO_MKDOCS_2_WARNING := 1

PORT ?= 8000

# Node packages of the tests and the benchmark (Lighthouse), exactly as locked
NODE_DIR := tools/node
NODE_STAMP := $(NODE_DIR)/node_modules/.installed-$(shell cat $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json | sha256sum | cut -c1-16)

.PHONY: venv fonts node serve site pdf test bench clean

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

node: $(NODE_STAMP)

$(NODE_STAMP): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -q nodejs npm >/dev/null; } || \
	  { echo "make: Node.js and npm are needed for the Lighthouse checks: apt-get install nodejs npm" >&2; exit 1; }
	cd $(NODE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@rm -f $(NODE_DIR)/node_modules/.installed-*
	@touch $@

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

test: venv fonts node
	$(BIN)/python -m pytest

bench: venv fonts node
	$(BIN)/python -m bench.run

clean:
	rm -rf site build .cache
