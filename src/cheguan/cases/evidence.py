"""What the office's records prove for a document requirement (DOMAIN.md §1.5): identity
from the person or organisation record, compulsory insurance from the insurance records,
vehicle tax from the tax records. One definition, used when a case is submitted
(``services.verify_by_data`` files the proof) and when a page or the API says what the
applicant still has to upload (``queries.requirement_states``): nobody is asked for paper
the records already prove.
"""

from __future__ import annotations

import datetime as dt

from cheguan.cases.models import DataSource
from cheguan.core import clock
from cheguan.registry.models import InsurancePolicy, TaxStatus, VehicleTax


def evidence_for(
    source: str,
    *,
    person_id: int | None,
    organisation_id: int | None,
    vehicle_id: int | None,
    today: dt.date | None = None,
) -> str | None:
    """The record that proves a requirement with this data source, as a short reference,
    or None if the records don't show it (then the paper or an upload is the fallback)."""
    today = today or clock.today()
    if source == DataSource.IDENTITY:
        if person_id:
            return f"person:{person_id}"
        if organisation_id:
            return f"organisation:{organisation_id}"
        return None
    if vehicle_id is None:
        return None
    if source == DataSource.INSURANCE:
        policy = (
            InsurancePolicy.objects.filter(
                vehicle_id=vehicle_id, valid_from__lte=today, valid_until__gte=today
            )
            .order_by("-valid_until")
            .first()
        )
        return f"insurance:{policy.policy_number}" if policy else None
    if source == DataSource.TAX:
        tax = VehicleTax.objects.filter(
            vehicle_id=vehicle_id,
            year=today.year,
            status__in=[TaxStatus.PAID, TaxStatus.EXEMPT],
        ).first()
        return f"tax:{tax.year}:{tax.status}" if tax else None
    return None
