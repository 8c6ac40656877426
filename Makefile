# The README's two commands: `make demo` and `make test`. Both install what is missing first.
SWIFT ?= swift
BIN = .build/debug/omnisend-export

.PHONY: setup build demo test clean

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build --product omnisend-export

# Runs the main job on the bundled sample: prepare, then upload to the in-process simulator
# (no API key configured), then shows where the run folder is and how to look at it.
demo: build
	@bash scripts/demo.sh $(BIN)

# Builds everything and runs the whole test suite.
test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel --num-workers 2

clean:
	rm -rf .build runs
