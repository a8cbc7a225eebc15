"""Settings of the test run: Cheguan's settings in development mode (``CHEGUAN_DEBUG=1``).

Debugging is off unless asked for (``cheguan.settings``); the tests have always run the
development settings (cookies without ``Secure``, no HTTPS redirect, local host names),
as ``make run`` does, so they ask for it here, before the settings are read. pytest-django
still turns ``DEBUG`` itself off while tests run. The production settings are tested in
real processes (``tests/demo/test_deploy_safety.py``, ``tests/demo/test_logs.py``).
"""

import os

os.environ["CHEGUAN_DEBUG"] = "1"

from cheguan.settings import *  # noqa: F403
