# The two commands of the README. Both install what they need first (scripts/setup.sh).
PYTHON ?= python3

.PHONY: setup example test bench

setup:
	PYTHON=$(PYTHON) ./scripts/setup.sh

## Build the flagship example plan's PDF and HTML into output/
example: setup
	$(PYTHON) -m bcp build plans/kakao-messenger -o output

## Run the whole test suite
test: setup
	$(PYTHON) -m pytest

## Benchmarks (see bench/README.md)
bench: setup
	$(PYTHON) bench/run.py
