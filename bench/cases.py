"""Benchmark: the office's figures over 1,000,000 cases on PostgreSQL.

    .venv/bin/python bench/cases.py                # 1,000,000 cases (about 2 minutes to build)
    .venv/bin/python bench/cases.py --cases 100000 --keep

Creates a throwaway database (CHEGUAN_BENCH_PG, default postgres://postgres@127.0.0.1:5432),
fills it set-based in SQL — cases spread over a year across the catalogue's services and
channels, visits consistent with each case's visit count, ratings for about 70% of
finished cases — then prints how long each dashboard figure takes (best of 3) for the
whole year and for one month, overall and grouped. Target: each figure well under 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from _pg import best_of, setup_django, throwaway_database

FILL_SQL = """
INSERT INTO registry_person (office_id, name, id_type, id_number, birth_date, sex, phone, address, created_at)
SELECT %(office)s, '测试' || i, 'passport', 'BENCH' || lpad(i::text, 8, '0'), DATE '1950-01-01' + (i %% 20000),
       CASE WHEN i %% 2 = 0 THEN 'F' ELSE 'M' END, '', '', now()
FROM generate_series(1, %(people)s) AS i;

INSERT INTO cases_case (office_id, number, service_id, applicant_person_id, channel, status, created_at,
                        submitted_at, accepted_at, closed_at, due_date, rongque, correction_rounds,
                        visit_count, processing_working_days, closing_reason, closing_reason_en,
                        idempotency_scope, created_by_id, assisted_by_id, vehicle_id, applicant_organisation_id,
                        promised_working_days, rating_score, rating_excluded)
SELECT %(office)s,
       'B' || lpad(i::text, 10, '0'),
       (%(services)s)[1 + (i %% array_length(%(services)s, 1))],
       %(first_person)s + (i %% %(people)s),
       (ARRAY['online','window','assisted','service_point','dealer'])[1 + (hashint %% 5)],
       CASE WHEN hashint %% 100 < 88 THEN 'completed' WHEN hashint %% 100 < 93 THEN 'rejected'
            WHEN hashint %% 100 < 96 THEN 'awaiting_documents' ELSE 'submitted' END,
       created, created, created + interval '1 hour',
       CASE WHEN hashint %% 100 < 93 THEN created + ((hashint %% 6) || ' days')::interval END,
       (created + interval '7 days')::date,
       hashint %% 50 = 0,
       CASE WHEN hashint %% 40 = 0 THEN 1 ELSE 0 END,
       CASE WHEN hashint %% 5 = 0 THEN 0 WHEN hashint %% 17 = 0 THEN 2 ELSE 1 END,
       CASE WHEN hashint %% 100 < 88 THEN hashint %% 5 END,
       '', '', '', NULL, NULL, NULL, NULL,
       (%(promises)s)[1 + (i %% array_length(%(services)s, 1))],
       CASE WHEN hashint %% 100 < 93 AND (hashint / 100) %% 10 < 7 THEN
            CASE WHEN (hashint / 1000) %% 100 < 80 THEN 5 WHEN (hashint / 1000) %% 100 < 92 THEN 4
                 WHEN (hashint / 1000) %% 100 < 98 THEN 3 WHEN (hashint / 1000) %% 100 < 99 THEN 2 ELSE 1 END
       END,
       false
FROM (SELECT i, abs(hashtext(i::text)) AS hashint,
             TIMESTAMPTZ '2026-01-01 09:00+08' + ((i %% 360) || ' days')::interval
               + ((i %% 480) || ' minutes')::interval AS created
      FROM generate_series(1, %(cases)s) AS i) AS g;

INSERT INTO cases_visit (case_id, at, kind, ticket_number, clerk_id)
SELECT c.id, c.created_at, 'window', '', NULL
FROM cases_case c CROSS JOIN LATERAL generate_series(1, c.visit_count) AS v(n);

INSERT INTO cases_rating (case_id, score, dimensions, comment, channel, rated_at, rated_by_id, excluded)
SELECT id, rating_score, '{}'::jsonb, '', 'online', closed_at, NULL, false
FROM cases_case WHERE rating_score IS NOT NULL;
"""


def build(n_cases: int) -> int:
    from django.db import connection

    from cheguan.cases.catalogue import seed_catalogue
    from cheguan.cases.models import Service
    from cheguan.registry.models import Office

    office = Office.objects.create(
        code="330200", name="宁波市车管所", region="浙江省宁波市", plate_prefix="浙B"
    )
    seed_catalogue(office)
    services = list(
        Service.objects.filter(office=office).values_list("pk", "promised_working_days")
    )
    service_ids = [pk for pk, _days in services]
    promises = [days for _pk, days in services]
    people = max(1000, n_cases // 10)
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) + 1 FROM registry_person")
        first_person = cur.fetchone()[0]
        for statement in [s for s in FILL_SQL.split(";\n") if s.strip()]:
            cur.execute(
                statement,
                {
                    "office": office.pk,
                    "people": people,
                    "first_person": first_person,
                    "services": service_ids,
                    "promises": promises,
                    "cases": n_cases,
                },
            )
        cur.execute("VACUUM ANALYZE")  # as autovacuum would: sets the visibility map
    return office.pk


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    with throwaway_database("cheguan_bench_cases", keep=args.keep) as url:
        setup_django(url)
        from django.db import connection

        from cheguan.cases import figures
        from cheguan.cases.models import Case, Rating, Visit

        start = time.perf_counter()
        office_id = build(args.cases)
        built = time.perf_counter() - start
        counts = (Case.objects.count(), Visit.objects.count(), Rating.objects.count())
        print(
            f"PostgreSQL {connection.pg_version // 10000}; built {counts[0]:,} cases, "
            f"{counts[1]:,} visits, {counts[2]:,} ratings in {built:.1f} s"
        )
        year = figures.Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        month = figures.Period(dt.date(2026, 6, 1), dt.date(2026, 6, 30))
        print(f"{'figure':<34}{'period':>8}{'group':>10}{'seconds':>10}")
        worst = 0.0
        for name, fn in (
            ("one-visit completion rate", figures.one_visit_rate),
            ("satisfaction / unrated rates", figures.satisfaction),
            ("processing time avg / p90", figures.processing_time),
        ):
            for period_name, period in (("year", year), ("month", month)):
                for by in (None, "service", "channel"):
                    seconds = best_of(
                        lambda fn=fn, period=period, by=by: fn(
                            office_id=office_id, period=period, by=by
                        )
                    )
                    worst = max(worst, seconds)
                    print(f"{name:<34}{period_name:>8}{by or 'all':>10}{seconds:>10.3f}")
        whole = best_of(lambda: figures.dashboard(office_id=office_id, period=year))
        print(f"{'whole dashboard (8 figures)':<34}{'year':>8}{'':>10}{whole:>10.3f}")
        print(f"slowest single figure: {worst:.3f} s (target < 1 s)")


if __name__ == "__main__":
    main()
