# Two commands: `make demo` and `make test`. Each does its own set-up on a fresh machine.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := $(HOME)/.local/bin/uv
endif
PYTEST_ARGS ?=

.PHONY: setup demo test coverage lint typecheck bench bench-smoke system-deps clean

# --user puts uv where $(UV) looks; a Debian Python refuses --user installs without the flag.
$(UV):
	python3 -m pip install --user --quiet uv \
	  || python3 -m pip install --user --quiet --break-system-packages uv \
	  || { echo "uv manque et pip ne peut pas l'installer : installez pip (apt-get install python3-pip) ou uv" >&2; exit 1; }

# Bytecode is compiled once here: where PYTHONDONTWRITEBYTECODE is set (as on CI), Python
# would otherwise compile every module again in each process, 5 s of each command's start.
.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-extras --compile-bytecode
	touch $@

setup: .venv/.synced
	@$(UV) run --frozen python -m compileall -q src

demo: setup
	$(UV) run centrale demo

system-deps:
	./.ci/system-deps

test: setup system-deps
	$(UV) run ruff check src tests bench
	$(UV) run ruff format --check src tests bench
	$(UV) run mypy
	$(UV) run mypy bench
	$(UV) run lint-imports
	$(UV) run pytest -n 2 --dist loadgroup $(PYTEST_ARGS)
	$(MAKE) bench-smoke

# A few seconds of each benchmark, so that CI keeps them running; figures are not written.
bench-smoke: setup
	$(UV) run python bench/ingest.py --smoke
	$(UV) run python bench/identity.py --smoke
	$(UV) run python bench/review.py --smoke
	$(UV) run python bench/migrations.py --smoke

# The whole suite with line coverage of the package (slower than `make test`).
coverage: setup system-deps
	$(UV) run pytest -n 2 --dist loadgroup --cov=centrale --cov-report=term-missing:skip-covered $(PYTEST_ARGS)

lint: setup
	$(UV) run ruff check src tests bench
	$(UV) run ruff format --check src tests bench
	$(UV) run lint-imports

typecheck: setup
	$(UV) run mypy
	$(UV) run mypy bench

bench: setup
	$(UV) run python bench/ingest.py
	$(UV) run python bench/identity.py
	$(UV) run python bench/review.py
	$(UV) run python bench/migrations.py

clean:
	rm -rf .venv centrale.db* synth
