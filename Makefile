# The two set-up commands (see README.md): `make run` and `make test`.
# The logic lives in scripts/ so this file stays short.
.PHONY: run test lint e2e openapi demo-accounts

run:  ## install, migrate, load the demo city, serve on http://127.0.0.1:8000
	@scripts/run.sh

test:  ## install what is needed, then ruff, migrations, OpenAPI drift, imports, all tests
	@scripts/test.sh

lint:  ## ruff lint + format check and the import contracts only
	@.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports

e2e:  ## the browser tests only (Playwright + Debian's Chromium)
	@.venv/bin/pytest -m e2e

openapi:  ## regenerate docs/openapi.json after changing the API
	@CHEGUAN_DEBUG=1 .venv/bin/cheguan openapi --write docs/openapi.json

demo-accounts:  ## print the demo accounts
	@CHEGUAN_DEBUG=1 .venv/bin/cheguan seed-demo --accounts
