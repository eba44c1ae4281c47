# Two entry points a newcomer needs: `make report` and `make test`.
# Each creates the virtual environment when it is missing (torch pinned to the CPU wheel).
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: report test quality precision bench clean

$(BIN)/checker: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "torch==2.13.0" -e ".[test]"
	touch $(BIN)/checker

report: $(BIN)/checker
	$(BIN)/checker report fixtures/nato-2022 --config fixtures/nato-2022/checker.toml -o reports/nato-2022.md

test: $(BIN)/checker
	$(BIN)/python -m pytest -q

quality: $(BIN)/checker
	$(BIN)/python benchmarks/quality.py

# Precision on real news: every dev event of ../shared/eval/stories against the hand
# verdicts in benchmarks/judgements/ (see its README); lists what nobody judged yet.
precision: $(BIN)/checker
	$(BIN)/checker eval judged --unjudged .checker/unjudged.yaml

clean:
	rm -rf .checker .pytest_cache
