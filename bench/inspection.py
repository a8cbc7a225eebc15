"""Benchmark: inspection marks over 1,000,000 vehicles on PostgreSQL.

    .venv/bin/python bench/inspection.py                     # 1,000,000 vehicles
    .venv/bin/python bench/inspection.py --vehicles 100000 --keep

Creates a throwaway database, fills it set-based in SQL — owners, vehicles whose validity
ends spread over two years, 交强险 for 95%, tax for 95%, unprocessed violations on 5%,
accidents on 2% (a third with casualties), modification penalties and open seizures on a
few — then prints: the time of the whole city's due-list (90 days, every row through the
rules), eligibility checks per second through the API, and marks issued per second.
Target: due-list < 5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from _pg import setup_django, throwaway_database

TODAY = dt.date(2026, 5, 11)
FILL_SQL = """
INSERT INTO registry_person (office_id, name, id_type, id_number, birth_date, sex, phone, address, created_at)
SELECT %(office)s, '车主' || i, 'passport', 'BENCH' || lpad(i::text, 8, '0'),
       DATE '1950-01-01' + (i %% 20000), 'M', '', '', now()
FROM generate_series(1, %(people)s) AS i;

INSERT INTO registry_vehicle (office_id, vin, engine_number, make, model, vehicle_type, seats,
    use_nature, energy_type, manufacture_date, first_registration_date, status, owner_person_id,
    owner_organisation_id, plate_kind, plate_number, inspection_valid_until, created_at)
SELECT %(office)s, 'BENCHVIN' || lpad(i::text, 9, '0'), 'E' || i, '大众', '帕萨特',
       (ARRAY['K33','K33','K33','K31','K43','K39','H31','K11'])[1 + (h %% 8)],
       CASE WHEN h %% 8 = 7 THEN 40 WHEN h %% 13 = 0 THEN 7 ELSE 5 END,
       CASE WHEN h %% 20 = 0 THEN 'F' ELSE 'A' END, 'fuel',
       reg - 30, reg,
       CASE WHEN h %% 500 = 0 THEN 'stolen' WHEN h %% 500 = 1 THEN 'scrap_standard' ELSE 'registered' END,
       %(first_person)s + (i %% %(people)s), NULL, '02', 'B' || lpad(i::text, 7, '0'),
       (DATE %(today)s + ((h %% 730) - 30)), now()
FROM (SELECT i, abs(hashtext(i::text)) AS h,
             (DATE %(today)s + ((abs(hashtext(i::text)) %% 730) - 30)
               - (((2 + 2 * (abs(hashtext(i::text)) %% 6)) || ' years')::interval))::date AS reg
      FROM generate_series(1, %(vehicles)s) AS i) AS g;

INSERT INTO registry_insurancepolicy (vehicle_id, insurer_id, policy_number, valid_from, valid_until)
SELECT id, NULL, 'P' || id, DATE %(today)s - 200, DATE %(today)s + 165
FROM registry_vehicle WHERE id %% 20 <> 3;

INSERT INTO registry_vehicletax (vehicle_id, year, status)
SELECT id, 2026, CASE WHEN id %% 10 = 0 THEN 'exempt' ELSE 'paid' END
FROM registry_vehicle WHERE id %% 20 <> 5;

INSERT INTO registry_violation (vehicle_id, occurred_at, code, description, points, fine_yuan, processed, processed_at)
SELECT id, now(), '1625', '闯红灯', 6, 200, id %% 40 <> 0, NULL
FROM registry_vehicle WHERE id %% 20 = 0 OR id %% 7 = 0;

INSERT INTO registry_accident (vehicle_id, occurred_on, with_casualties, settled, description)
SELECT id, DATE '2025-06-01', id %% 3 = 0, id %% 5 <> 0, ''
FROM registry_vehicle WHERE id %% 50 = 1;

INSERT INTO registry_modificationpenalty (vehicle_id, decided_on, description)
SELECT id, DATE '2025-01-01', '加装' FROM registry_vehicle WHERE id %% 200 = 2;

INSERT INTO registry_encumbrance (vehicle_id, kind, authority, started_on, released_on)
SELECT id, 'seizure', '法院', DATE '2026-01-01', NULL FROM registry_vehicle WHERE id %% 500 = 4
"""


def build(n: int) -> int:
    from django.db import connection

    from cheguan.cases.catalogue import seed_catalogue
    from cheguan.registry.models import Office

    office = Office.objects.create(
        code="330200", name="宁波市车管所", region="浙江省宁波市", plate_prefix="浙B"
    )
    seed_catalogue(office)
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) + 1 FROM registry_person")
        first_person = cur.fetchone()[0]
        params = {
            "office": office.pk,
            "people": max(1000, n // 2),
            "first_person": first_person,
            "vehicles": n,
            "today": TODAY.isoformat(),
        }
        for statement in [s for s in FILL_SQL.split(";\n") if s.strip()]:
            cur.execute(statement, params)
        cur.execute("VACUUM ANALYZE")
    return office.pk


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--vehicles", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    with throwaway_database("cheguan_bench_inspection", keep=args.keep) as url:
        setup_django(url)
        from django.conf import settings
        from django.db import connection
        from django.test import Client

        from cheguan.accounts.models import User
        from cheguan.core import clock
        from cheguan.core.actor import Actor
        from cheguan.core.roles import Role
        from cheguan.inspection import queries, services
        from cheguan.registry.models import Vehicle

        settings.ALLOWED_HOSTS = ["*"]
        clock.set_now(dt.datetime(2026, 5, 11, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
        start = time.perf_counter()
        office_id = build(args.vehicles)
        print(
            f"PostgreSQL {connection.pg_version // 10000}; built {args.vehicles:,} vehicles "
            f"and their records in {time.perf_counter() - start:.1f} s"
        )

        for attempt in range(3):
            start = time.perf_counter()
            rows = eligible = 0
            for _vehicle, result in queries.due_list(on=TODAY, within_days=90):
                rows += 1
                eligible += result.may_issue
            seconds = time.perf_counter() - start
            print(
                f"due-list (90 days), run {attempt + 1}: {rows:,} vehicles "
                f"({eligible:,} may get a mark now) in {seconds:.2f} s"
            )

        clerk = User.objects.create(username="bench-clerk", role=Role.CLERK, office_id=office_id)
        client = Client()
        client.force_login(clerk)
        ids = list(Vehicle.objects.order_by("?").values_list("pk", flat=True)[: args.requests])
        start = time.perf_counter()
        for pk in ids:
            response = client.get(f"/api/inspection/eligibility?vehicle_id={pk}")
            assert response.status_code == 200, response.content
        seconds = time.perf_counter() - start
        print(
            f"eligibility through the API: {len(ids) / seconds:,.0f} checks/s "
            f"({len(ids)} sequential requests, one process)"
        )

        ready_ids = [v.pk for v, r in queries.due_list(on=TODAY, within_days=90) if r.may_issue][
            : args.requests
        ]
        ready = list(Vehicle.objects.filter(pk__in=ready_ids))
        actor = Actor(user=clerk)
        start = time.perf_counter()
        for vehicle in ready:
            services.apply_for_mark(actor=actor, vehicle=vehicle)
        seconds = time.perf_counter() - start
        print(
            f"marks issued (window clerk, 即办): {len(ready) / seconds:,.0f} marks/s "
            f"({len(ready)} marks, one process)"
        )


if __name__ == "__main__":
    main()
