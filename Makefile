# The README's two commands: `make demo` and `make test`. Both install what is missing first.
SWIFT ?= swift
BIN = .build/debug/omnisend-export

.PHONY: setup build demo test reliability clean

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build --product omnisend-export

# Runs the main job on the bundled sample: prepare, then upload to the in-process simulator
# (no API key configured), then shows where the run folder is and how to look at it.
demo: build
	@bash scripts/demo.sh $(BIN)

# Builds everything, runs each fuzz target for a minute (a crash fails the run and leaves its
# input in Fuzz/<target>/regressions/), then runs the whole test suite, one test at a time
# (several tests time real processes and servers; on 2 cores, parallel runs make them flaky).
# The tests keep their install secret, rate ledgers and locks in a state folder of their own,
# never in the user's ~/.local/state.
test: setup
	$(SWIFT) build --build-tests
	bash scripts/fuzz.sh --ci
	state=$$(mktemp -d "$${TMPDIR:-/tmp}/omnisend-export-test-state.XXXXXX") && \
		OMNISEND_EXPORT_STATE_DIR=$$state $(SWIFT) test --skip-build --no-parallel; \
		status=$$?; rm -rf "$$state"; exit $$status

# The figures of docs/reliability.md: conformance, fuzzing, hostile inputs.
reliability: setup
	@bash scripts/reliability.sh

clean:
	rm -rf .build runs
