# Two commands on a fresh machine: `make run` (app + demo data on SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint bench test-pg schema-migration translations captures clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	# Bytecode compiled once here: where PYTHONDONTWRITEBYTECODE is set, as on this machine, every
	# process start would otherwise compile SQLAlchemy, Flask and pandas again (6 s for `trainer --help`).
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/trainer db upgrade
	$(BIN)/trainer demo
	$(BIN)/trainer run --host 127.0.0.1 --port 5000

test: $(STAMP)
	.ci/system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r trainer -c pyproject.toml

# The same suite against a throwaway PostgreSQL on loopback (started without root rights).
test-pg: $(STAMP)
	.ci/system-deps
	.ci/postgres start
	TEST_DATABASE_URL=postgresql+psycopg://app:app@127.0.0.1:5433/app_test $(BIN)/pytest $(PYTEST_ARGS); \
	  status=$$?; .ci/postgres stop; exit $$status

bench: $(STAMP)
	$(BIN)/python -m compileall -q trainer  # as an installed wheel has it
	$(BIN)/python -m bench $(BENCH_ARGS)

# Regenerate migrations/versions/0001_schema.py from the models (before the first release only).
schema-migration: $(STAMP)
	rm -rf /tmp/trainer-schema.db /tmp/trainer-later-revisions migrations/versions/0001_schema.py
	mkdir /tmp/trainer-later-revisions && find migrations/versions -maxdepth 1 -name "*.py" ! -name 0001_schema.py -exec mv {} /tmp/trainer-later-revisions/ \;
	DATABASE_URL=sqlite:////tmp/trainer-schema.db $(BIN)/trainer db revision --autogenerate -m schema --rev-id 0001_schema
	mv migrations/versions/0001_schema_schema.py migrations/versions/0001_schema.py
	mv /tmp/trainer-later-revisions/*.py migrations/versions/
	$(BIN)/ruff format migrations/versions/0001_schema.py
	$(BIN)/ruff check --fix --quiet migrations/versions/0001_schema.py

clean:
	rm -rf $(VENV) instance .pytest_cache

# Translations: extract the French source strings, update and compile the English catalogue
# (--ignore-dirs: Babel skips folders starting with "_" by default, like templates/_macros).
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l --ignore-dirs='.* __pycache__' -o trainer/translations/messages.pot .
	test -f trainer/translations/en/LC_MESSAGES/messages.po \
	  || $(BIN)/pybabel init -i trainer/translations/messages.pot -d trainer/translations -l en
	$(BIN)/pybabel update -i trainer/translations/messages.pot -d trainer/translations -l en
	$(BIN)/pybabel compile -d trainer/translations -l en

# Retake the screenshots of the user guide (docs/captures) from the end-to-end tests.
captures: $(STAMP)
	UPDATE_CAPTURES=1 $(BIN)/pytest -q -p no:logging tests/e2e
