"""The ``cheguan`` command: Django's management commands, plus ours.

    cheguan migrate            cheguan runserver
    cheguan seed-demo          cheguan import people.csv
    cheguan audit verify       cheguan openapi --check

Hyphenated names map to the underscore module names (``seed-demo`` → ``seed_demo``).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cheguan.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.conf import settings

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    from django.core.management import execute_from_command_line

    if len(argv) > 1 and argv[1] in {"runserver", "serve"}:
        import django

        django.setup()
        from cheguan.core.checks import assert_safe_to_serve

        assert_safe_to_serve()
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
