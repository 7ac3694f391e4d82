# The two commands of the README: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: site test lint check serve bench bench-phone bench-scan clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP) $@

$(BENCH_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $(STAMP) $@

site: $(STAMP)
	$(PY) build.py build $(BUILD_ARGS)

test: $(TEST_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(PY) -m pytest

lint: $(TEST_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# Not part of `make test`: builds synthetic corpora of 1,000 and 10,000 reports (several minutes).
bench: $(BENCH_STAMP)
	$(PY) benchmarks/run.py $(if $(N),-n $(N))

# Not part of `make test`: a built site's first view on a throttled phone, in headless Chromium.
bench-phone: $(TEST_STAMP)
	$(PY) benchmarks/phone.py $(or $(SITE),site) --repeat 3

# Not part of `make test`: the seeds and N synthetic reports drawn as scans, read by OCR and scored.
bench-scan: $(STAMP)
	$(PY) benchmarks/scan.py --bench $(or $(N),16)

check: $(STAMP)
	$(PY) build.py check $(if $(FILES),$(FILES),content/reports)

serve: $(STAMP)
	$(PY) build.py serve

clean:
	rm -rf site .pytest_cache
