# lifelab: `make demo` runs the main job, `make test` runs every test.
# Both create (or reuse) .venv and install the package into it first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.py))

.PHONY: setup demo lint test test-fast test-floats lab sync notebooks bench docs clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/lifelab learn B36/S23

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

# The package, tests and bench scripts linted and their formatting checked (ruff), the package's types checked (mypy).
lint: $(STAMP)
	$(BIN)/ruff check lifelab tests bench docs/conf.py
	$(BIN)/ruff format --check lifelab tests bench docs/conf.py
	$(BIN)/python -m mypy

# On every core (pytest-xdist), a file to a worker: a notebook's cells run in order in one kernel, a module's
# fixtures are made once.  The notebooks do not depend on each other's order: each makes what it needs that
# another has not stored yet (a dataset, a checkpoint), the same from the same seed.  They go first: the longest
# files handed out first leave no worker idle at the end while another runs a notebook alone.
test: lint
	$(BIN)/python -m pytest $(NOTEBOOKS:.py=.ipynb) tests $(NBVAL) -n auto --dist loadfile

# The unit tests without the slow ones (training to convergence, the loop, Ray, the browser, the wheel, the docs):
# a couple of minutes, for the edit-test cycle; `make test` (and CI) runs everything.
test-fast: $(STAMP)
	$(BIN)/python -m pytest tests -m "not slow" -p no:cacheprovider

# The stored notebook outputs against two other float configurations of this CPU: torch's, oneDNN's and
# MKL's kernels pinned to AVX2, then to SSE4 (what another CPU may choose), each from an empty data folder.
test-floats: $(STAMP)
	LIFELAB_DATA=$$(mktemp -d) ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2 \
		$(BIN)/python -m pytest $(NOTEBOOKS:.py=.ipynb) $(NBVAL)
	LIFELAB_DATA=$$(mktemp -d) ATEN_CPU_CAPABILITY=default ONEDNN_MAX_CPU_ISA=SSE41 MKL_ENABLE_INSTRUCTIONS=SSE4_2 \
		$(BIN)/python -m pytest $(NOTEBOOKS:.py=.ipynb) $(NBVAL)

# Bound to this machine, with token login; root (a container, a cloud box) needs --allow-root.
lab: $(STAMP)
	$(BIN)/jupyter lab --ip 127.0.0.1 $$([ "$$(id -u)" = 0 ] && echo --allow-root) notebooks/

sync: $(STAMP)
	$(BIN)/jupytext --sync $(NOTEBOOKS)

notebooks: sync
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.record_timing=False --ExecutePreprocessor.timeout=600 \
		$(NOTEBOOKS:.py=.ipynb)
	$(BIN)/jupytext --sync $(NOTEBOOKS)

# The documentation site from the docstrings and the committed notebooks (not re-run); warnings are errors.
docs: $(STAMP)
	$(BIN)/python -m sphinx -W --keep-going -b html docs docs/_build/html
	@echo "open docs/_build/html/index.html"

bench: $(STAMP)
	$(BIN)/python bench/simulate.py
	$(BIN)/python bench/train.py
	$(BIN)/python bench/recover.py
	$(BIN)/python bench/families.py
	$(BIN)/python bench/growth.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis docs/_build docs/_autosummary docs/_generated
