"""No ID number or phone number in a log line (core.masking, settings.LOGGING)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cheguan.core.masking import scrub_text


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        (
            "GET /?id_number=330213195209039160 HTTP/1.1",
            "GET /?id_number=330213********9160 HTTP/1.1",
        ),
        ("x=33021219570618045x&", "x=330212********045x&"),
        ("call 13812345678 now", "call 138****5678 now"),
        ("+8613812345678", "+86138****5678"),
        ("tel=0574-88851234", "tel=0574-****1234"),
        ("tel=057488851234;", "tel=0574****1234;"),
        ("at 2026-11-25 10:00:00.123456", "at 2026-11-25 10:00:00.123456"),
        ("case 2026112500001234", "case 2026112500001234"),
        ("hash=a13812345678b057488851234c330213195209039160d", None),
    ],
    ids=[
        "id",
        "id with x",
        "mobile",
        "+86",
        "landline",
        "landline, no dash",
        "time",
        "case",
        "hex",
    ],
)
def test_scrub_text_masks_id_numbers_and_phones_and_nothing_else(text, scrubbed):
    assert scrub_text(text) == (text if scrubbed is None else scrubbed)


EMIT = """
import django, logging
django.setup()
logging.getLogger("django.server").info(
    '"%s" %s %s', "GET /api/registry/people?id_number=330213195209039160 HTTP/1.1", "400", "5"
)
logging.getLogger("django.request").warning("Not Found: %s", "/people/13812345678/")
logging.getLogger("axes.watch").warning("AXES: failure by %s", "0574-88851234")
logging.getLogger("cheguan.audit.anchor").info("cheguan-audit-anchor seq=1")
"""


@pytest.mark.parametrize("debug", ["1", "0"])
def test_runserver_and_django_lines_go_through_the_mask(tmp_path, debug):
    """Django's defaults print runserver's access log (and, when debugging, django.request)
    through handlers of their own; settings.LOGGING sends them through the masked one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHEGUAN_")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env |= {
        "DJANGO_SETTINGS_MODULE": "cheguan.settings",
        "CHEGUAN_DEBUG": debug,
        "CHEGUAN_VAR": str(tmp_path),
        "CHEGUAN_LOG_LEVEL": "WARNING",  # the anchor lines still pass: their logger says INFO
    }
    result = subprocess.run(
        [sys.executable, "-c", EMIT], env=env, capture_output=True, text=True, check=True
    )
    lines = result.stderr.splitlines()

    assert [line.split(" ", 3)[3] for line in lines] == [
        'django.server "GET /api/registry/people?id_number=330213********9160 HTTP/1.1" 400 5',
        "django.request Not Found: /people/138****5678/",
        "axes.watch AXES: failure by 0574-****1234",
        "cheguan.audit.anchor cheguan-audit-anchor seq=1",
    ]
