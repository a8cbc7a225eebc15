"""Service cases over the API (``/api/cases/``): one router made of two parts.

- ``casework``: the catalogue (public), the applicant's case from draft to rating, the
  clerk's actions (accept, notice, visit, complete, reject, the rating screen);
- ``supervision``: 容缺 commitments, follow-ups of bad ratings and appeals, the figures.

POSTs that create something (open, documents, notice, visit, rate) honour
``Idempotency-Key`` (``core.idempotency``, which covers every API POST).
"""

from ninja import Router

from cheguan.cases.api import casework, supervision

router = Router(tags=["cases"])
# Supervision's fixed paths first: casework ends with "/{number}", which would take them.
router.add_router("", supervision.router)
router.add_router("", casework.router)
