"""Plate numbers over the API (``/api/plates/``): one router made of one part per concept.

- ``check``: the public check of a number;
- ``selection``: 二十选一 — draw, pick, a case's selection, binding the held number;
- ``draw_log``: the public log of the draws and the day seeds;
- ``start``: opening a selection case (plates owns ``plate_selection``, ADR 0013);
- ``numbers``: the other ways to a number — compose, keep, swap;
- ``pool``: the admin's blocklist and segments.

The shapes are ``plates.schemas``. Operation ids are spelled out on each endpoint: they keep
the names they had before the API became a package (``docs/openapi.json``).
"""

from ninja import Router

from cheguan.plates.api import check, draw_log, numbers, pool, selection, start

router = Router()  # each part tags its operations "plates"
for part in (check, pool, selection, draw_log, start, numbers):
    router.add_router("", part.router)
