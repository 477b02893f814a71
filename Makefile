# synthocr: `make render` installs, plans and renders the default config; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CONFIG ?= configs/default.yaml
PLAN ?= build/plan.parquet
OUT ?= build/out
WORKERS ?= -1
STAMP := $(VENV)/.installed

.PHONY: install plan render test test-fast lint docs bench bench-trdg-venv clean fonts reliability realism fidelity gallery line-breaks

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,docs,dask,plots,export,s3,zstd,webfonts,pdf,markdown,excel,doc]'
	touch $(STAMP)

plan: $(STAMP)
	$(BIN)/synthocr plan $(CONFIG) -o $(PLAN)

render: plan
	$(BIN)/synthocr render $(PLAN) -o $(OUT) --workers $(WORKERS)
	@echo ""
	@echo "Images and labels (one image + one JSON label per plan row) are in $(OUT)/"
	@echo "Look at them:   $(BIN)/synthocr preview $(OUT) --open    (writes sheet.png)"
	@echo "Run synthocr:   $(BIN)/synthocr --help    (or first: . $(BIN)/activate, then synthocr --help)"

test: lint
	$(BIN)/python -m pytest -q

# The quick part, for the edit loop: no lint, slow-marked tests left out.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m 'not slow and not reliability'

# ruff's lint rules and formatting, and mypy over src/ (settings in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check src tests bench docs
	$(BIN)/ruff format --check src tests bench docs
	$(BIN)/mypy

# The docs site: the generated parts of docs/*.md written from the code (config and CLI references), then
# docs/ into build/site/ with every warning an error. Needs no network.
docs: $(STAMP)
	$(BIN)/python docs/generate.py
	# Not --quiet: it hides the warnings, and --strict then has none to fail on.
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# Every hostile-input and hard-stop case (tests/reliability, marker `reliability` included), then the figures table.
reliability: $(STAMP)
	$(BIN)/python tests/reliability/report.py

bench: $(STAMP)
	$(BIN)/python bench/run.py --out build/bench.md

# Bench only, never needed by the tests: trdg 1.8.0 in its own venv (it calls FreeTypeFont.getsize, gone in
# Pillow 10), which the bench's trdg section runs on the same work as ours. Without it that section quotes
# issue #21's trdg figure instead of measuring trdg. Needs the package index.
TRDG_VENV := build/trdg-venv
bench-trdg-venv: $(TRDG_VENV)/.installed

$(TRDG_VENV)/.installed:
	$(PYTHON) -m venv $(TRDG_VENV)
	$(TRDG_VENV)/bin/python -m pip install --quiet 'trdg==1.8.0' 'pillow<10'
	touch $@

# Per preset of configs/: contrast under the line, share of rows per effect, tesseract's reading rate.
realism: $(STAMP)
	$(BIN)/python bench/realism.py --out build/realism.md

# One preview sheet per preset of configs/ (docs/gallery/*.png, shown by docs/gallery.md); deterministic.
gallery: $(STAMP)
	$(BIN)/python docs/gallery.py --out docs/gallery

# Where text windows start and end against ICU's line breaker (icu4py, a dependency). Not part of `make test`.
line-breaks: $(STAMP)
	$(BIN)/python bench/line_breaks.py --out build/line_breaks.md

# Our lines against Pillow drawing the same texts whole: shaping parity per script, and tesseract's
# character error rate on both where tesseract is installed. Not part of `make test`.
fidelity: $(STAMP)
	$(BIN)/python bench/fidelity.py --out build/fidelity.md

# Optional: wider font sets from Debian (needs root); point font_dir at /usr/share/fonts.
fonts:
	apt-get update && apt-get install -y fonts-noto-core fonts-noto-cjk

clean:
	rm -rf build $(VENV) .pytest_cache .hypothesis .mypy_cache .ruff_cache src/*.egg-info
