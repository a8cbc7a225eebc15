"""The data step of ``cases.0003_service_owner``: an office's catalogue that existed before
owners were named gets them, so the generic path refuses its owned services at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cases", "0002_open_cases_by_creator_index")]
AFTER = [("cases", "0003_service_owner")]


@pytest.mark.django_db(transaction=True)
def test_existing_catalogue_rows_get_their_owners(make):
    office = make.office()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        Service = old.get_model("cases", "Service")
        for code in ("inspection_mark_exempt", "plate_selection", "deregistration", "transfer"):
            Service.objects.create(
                office_id=office.pk,
                code=code,
                name_zh=code,
                name_en=code,
                channels=["window"],
                promised_working_days=1,
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    from cheguan.cases.models import Service as Current

    owners = dict(Current.objects.filter(office=office).values_list("code", "owner"))
    assert owners == {
        "inspection_mark_exempt": "inspection",
        "plate_selection": "plates",
        "deregistration": "scrapping",
        "transfer": "cases",
    }
