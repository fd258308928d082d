# Infoline: `make demo` runs the embedded demo, `make test` runs the whole suite.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test bench lint coverage deps messages migrate format clean

$(STAMP): pyproject.toml scripts/bootstrap
	./scripts/bootstrap
	touch $(STAMP)

deps: $(STAMP)

messages: deps
	@if [ -d infoline/locale ]; then $(MANAGE) compilemessages --ignore=.venv --ignore=var -v 0; fi

migrate: deps
	$(MANAGE) migrate --noinput -v 0

demo: deps messages migrate
	@$(MANAGE) load_demo
	@echo "Infoline demo at http://$(HOST):$(PORT)/  (stop with Ctrl-C)"
	@echo "Simulated calls flow to robot agents; sign in as agent, open the Desk, Start work and say Ready to take them; the wall-board is for teamlead and supervisor."
	@mkdir -p var
	@# Background work beside the web process: tasks (imports, schedule solving) and the journal's timers.
	@$(MANAGE) db_worker --no-reload >var/worker.log 2>&1 & worker=$$!; \
	  $(MANAGE) run_journal_timers --loop --interval 30 >var/timers.log 2>&1 & timers=$$!; \
	  trap 'kill $$worker $$timers 2>/dev/null' EXIT INT TERM; \
	  INFOLINE_DEMO_TRAFFIC=1 $(BIN)/uvicorn infoline.asgi:application --host $(HOST) --port $(PORT) --lifespan on

# One run of the whole suite on the database DATABASE_URL names (SQLite when unset).
test: deps messages
	$(BIN)/pytest -n 2 --dist loadgroup -q

# BENCH_POSTGRES_URL (a database the benchmarks may fill) adds the PostgreSQL rows.
bench: deps
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python -m bench
	@if [ -n "$$BENCH_POSTGRES_URL" ]; then \
	  BENCH_DATABASE_URL="$$BENCH_POSTGRES_URL" $(BIN)/python -m bench --append client_search client_import journal routing_runner; fi

lint: deps
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy infoline

# Branch coverage of the modules STYLE requires at 100 %.
COVERED := infoline/clients/access.py,infoline/clients/services.py,infoline/routing/*.py,infoline/accounts/hours.py,infoline/clients/identity.py
coverage: deps messages
	$(BIN)/coverage run --branch --source=infoline -m pytest -p no:xdist -q tests/clients tests/routing tests/accounts/test_hours.py
	$(BIN)/coverage report -m --include="$(COVERED)" --fail-under=100

format: deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
