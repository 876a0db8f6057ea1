# lifelab: `make demo` runs the main job, `make test` runs every test.
# Both create (or reuse) .venv and install the package into it first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.py))

.PHONY: setup demo test lab sync notebooks bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/lifelab learn B36/S23

test: $(STAMP)
	$(BIN)/python -m pytest tests $(NOTEBOOKS:.py=.ipynb) --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

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

bench: $(STAMP)
	$(BIN)/python bench/simulate.py
	$(BIN)/python bench/train.py
	$(BIN)/python bench/recover.py
	$(BIN)/python bench/families.py
	$(BIN)/python bench/growth.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
