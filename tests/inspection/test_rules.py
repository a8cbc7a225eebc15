"""The eligibility rules, table-driven from DOMAIN.md §1 (cycles, reforms, §1.5, §1.7)."""

import datetime as dt
from dataclasses import replace

import pytest

from cheguan.inspection.cycles import add_months, regime_on
from cheguan.inspection.rules import VehicleFacts, evaluate

D = dt.date
ON = D(2026, 6, 1)
DUE = D(2026, 7, 1)


def car(age_at_due: int = 4, **kw) -> VehicleFacts:
    """A clean private car (K33, 5 seats), due on DUE at the given age, insured and taxed."""
    base = VehicleFacts(
        vehicle_type="K33",
        seats=5,
        use_nature="A",
        status="registered",
        first_registration_date=D(DUE.year - age_at_due, DUE.month, DUE.day),
        inspection_valid_until=DUE,
        insurance_valid_until=D(2026, 12, 31),
        tax_paid_or_exempt=True,
    )
    return replace(base, **kw)


# (id, facts, on, regime, expected reason codes, may_issue, needs_station, new_valid_until)
CASES = [
    # vehicle age at each boundary year, 2022 regime (§1.4): apply at 2, 4, 8; test at 6, 10, then yearly
    ("2022-year-2", car(2), ON, "2022", [], True, False, D(2028, 7, 1)),
    ("2022-year-4", car(4), ON, "2022", [], True, False, D(2028, 7, 1)),
    (
        "2022-year-6",
        car(6),
        ON,
        "2022",
        ["inspection.station_test_year"],
        False,
        True,
        D(2028, 7, 1),
    ),
    ("2022-year-8", car(8), ON, "2022", [], True, False, D(2028, 7, 1)),
    (
        "2022-year-10",
        car(10),
        ON,
        "2022",
        ["inspection.station_test_year"],
        False,
        True,
        D(2027, 7, 1),
    ),
    (
        "2022-year-11",
        car(11),
        ON,
        "2022",
        ["inspection.station_test_year"],
        False,
        True,
        D(2027, 7, 1),
    ),
    (
        "2022-year-16-no-half-year",
        car(16),
        ON,
        "2022",
        ["inspection.station_test_year"],
        False,
        True,
        D(2027, 7, 1),
    ),
    # 2020 regime (§1.3): exempt to year 6, every 2 years to 10 with tests, yearly, then 6 months after 15
    ("2020-year-4", car(4), ON, "2020", [], True, False, D(2028, 7, 1)),
    (
        "2020-year-6",
        car(6),
        ON,
        "2020",
        ["inspection.station_test_year"],
        False,
        True,
        D(2028, 7, 1),
    ),
    (
        "2020-year-8",
        car(8),
        ON,
        "2020",
        ["inspection.station_test_year"],
        False,
        True,
        D(2028, 7, 1),
    ),
    (
        "2020-year-10",
        car(10),
        ON,
        "2020",
        ["inspection.station_test_year"],
        False,
        True,
        D(2027, 7, 1),
    ),
    (
        "2020-year-15",
        car(15),
        ON,
        "2020",
        ["inspection.station_test_year"],
        False,
        True,
        D(2027, 1, 1),
    ),
    # 2014 regime (§1.2): exempt to year 6, yearly from 6, twice a year from 15
    ("2014-year-4", car(4), ON, "2014", [], True, False, D(2028, 7, 1)),
    (
        "2014-year-6",
        car(6),
        ON,
        "2014",
        ["inspection.station_test_year"],
        False,
        True,
        D(2027, 7, 1),
    ),
    (
        "2014-year-15",
        car(15),
        ON,
        "2014",
        ["inspection.station_test_year"],
        False,
        True,
        D(2027, 1, 1),
    ),
    # seats per regime: 2014 excluded 7+, 2020/2022 allow up to 9
    (
        "2014-7-seats",
        car(4, seats=7),
        ON,
        "2014",
        ["inspection.too_many_seats"],
        False,
        True,
        D(2028, 7, 1),
    ),
    ("2014-6-seats", car(4, seats=6), ON, "2014", [], True, False, D(2028, 7, 1)),
    ("2020-7-seats", car(4, seats=7), ON, "2020", [], True, False, D(2028, 7, 1)),
    ("2022-9-seats", car(4, seats=9), ON, "2022", [], True, False, D(2028, 7, 1)),
    (
        "2022-10-seats",
        car(4, seats=10),
        ON,
        "2022",
        ["inspection.too_many_seats"],
        False,
        True,
        D(2028, 7, 1),
    ),
    # minivans, use nature, vehicle class
    (
        "minivan-K39",
        car(4, vehicle_type="K39", seats=7),
        ON,
        "2022",
        ["inspection.minivan"],
        False,
        True,
        D(2028, 7, 1),
    ),
    (
        "minivan-K49",
        car(4, vehicle_type="K49"),
        ON,
        "2022",
        ["inspection.minivan"],
        False,
        True,
        D(2028, 7, 1),
    ),
    ("mini-K41-ok", car(4, vehicle_type="K41"), ON, "2022", [], True, False, D(2028, 7, 1)),
    (
        "operating-taxi",
        car(4, use_nature="F"),
        ON,
        "2022",
        ["inspection.operating_use"],
        False,
        True,
        D(2027, 7, 1),
    ),
    (
        "truck-H31",
        car(4, vehicle_type="H31", seats=3),
        ON,
        "2022",
        ["inspection.not_small_passenger"],
        False,
        True,
        D(2027, 7, 1),
    ),
    # accidents: casualty vs non-casualty; unsettled; modification penalty per regime
    (
        "casualty-accident",
        car(4, casualty_accidents=1),
        ON,
        "2022",
        ["inspection.casualty_accident"],
        False,
        True,
        D(2028, 7, 1),
    ),
    (
        "casualty-accident-year-8",
        car(8, casualty_accidents=1),
        ON,
        "2022",
        ["inspection.casualty_accident"],
        False,
        True,
        D(2027, 7, 1),
    ),
    ("non-casualty-settled", car(4), ON, "2022", [], True, False, D(2028, 7, 1)),
    (
        "unsettled-accident",
        car(4, unsettled_accidents=1),
        ON,
        "2022",
        ["inspection.unsettled_accidents"],
        False,
        False,
        D(2028, 7, 1),
    ),
    (
        "modification-2022",
        car(4, modification_penalties=1),
        ON,
        "2022",
        ["inspection.illegal_modification"],
        False,
        True,
        D(2028, 7, 1),
    ),
    (
        "modification-2014-not-a-bar",
        car(4, modification_penalties=1),
        ON,
        "2014",
        [],
        True,
        False,
        D(2028, 7, 1),
    ),
    (
        "two-violations",
        car(4, unprocessed_violations=2),
        ON,
        "2022",
        ["inspection.unprocessed_violations"],
        False,
        False,
        D(2028, 7, 1),
    ),
    # insurance ending the day before / on / after the date
    (
        "insurance-ended-day-before",
        car(4, insurance_valid_until=ON - dt.timedelta(days=1)),
        ON,
        "2022",
        ["inspection.insurance_not_valid"],
        False,
        False,
        D(2028, 7, 1),
    ),
    (
        "insurance-ends-today",
        car(4, insurance_valid_until=ON),
        ON,
        "2022",
        [],
        True,
        False,
        D(2028, 7, 1),
    ),
    (
        "insurance-ends-day-after",
        car(4, insurance_valid_until=ON + dt.timedelta(days=1)),
        ON,
        "2022",
        [],
        True,
        False,
        D(2028, 7, 1),
    ),
    (
        "no-insurance",
        car(4, insurance_valid_until=None),
        ON,
        "2022",
        ["inspection.insurance_not_valid"],
        False,
        False,
        D(2028, 7, 1),
    ),
    (
        "tax-unpaid",
        car(4, tax_paid_or_exempt=False),
        ON,
        "2022",
        ["inspection.tax_not_paid"],
        False,
        False,
        D(2028, 7, 1),
    ),
    # the 3-month window edges (以内 includes the day)
    ("window-opens-today", car(4), D(2026, 4, 1), "2022", [], True, False, D(2028, 7, 1)),
    (
        "window-day-before",
        car(4),
        D(2026, 3, 31),
        "2022",
        ["inspection.too_early"],
        False,
        False,
        D(2028, 7, 1),
    ),
    ("due-day", car(4), DUE, "2022", [], True, False, D(2028, 7, 1)),
    ("overdue-may-apply", car(4), D(2026, 8, 1), "2022", [], True, False, D(2028, 7, 1)),
    # each abnormal status, and an open seizure on a normal-status car
    (
        "stolen",
        car(4, status="stolen"),
        ON,
        "2022",
        ["inspection.status_stolen"],
        False,
        False,
        D(2028, 7, 1),
    ),
    (
        "seized",
        car(4, status="seized", open_seizures=1),
        ON,
        "2022",
        ["inspection.status_seized"],
        False,
        False,
        D(2028, 7, 1),
    ),
    (
        "deregistered",
        car(4, status="deregistered"),
        ON,
        "2022",
        ["inspection.status_deregistered"],
        False,
        False,
        D(2028, 7, 1),
    ),
    (
        "scrap-standard",
        car(4, status="scrap_standard"),
        ON,
        "2022",
        ["inspection.status_scrap_standard"],
        False,
        False,
        D(2028, 7, 1),
    ),
    (
        "open-seizure",
        car(4, open_seizures=1),
        ON,
        "2022",
        ["inspection.open_seizure"],
        False,
        False,
        D(2028, 7, 1),
    ),
    ("mortgaged-is-normal", car(4, status="mortgaged"), ON, "2022", [], True, False, D(2028, 7, 1)),
]


@pytest.mark.parametrize(
    ("facts", "on", "regime", "codes", "may_issue", "station", "new_until"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_rules_table(facts, on, regime, codes, may_issue, station, new_until):
    result = evaluate(facts, on=on, regime=regime)

    assert result.codes == codes
    assert result.may_issue is may_issue
    assert result.needs_station_test is station
    assert result.new_valid_until == new_until


def test_every_reason_is_listed_at_once_with_its_data():
    facts = car(
        6,
        unprocessed_violations=2,
        insurance_valid_until=None,
        tax_paid_or_exempt=False,
        vehicle_type="K39",
        status="stolen",
    )

    result = evaluate(facts, on=ON, regime="2022")

    assert result.codes == [
        "inspection.status_stolen",
        "inspection.minivan",
        "inspection.unprocessed_violations",
        "inspection.insurance_not_valid",
        "inspection.tax_not_paid",
    ]
    violations = result.reasons[2]
    assert violations.data == {"unprocessed_violations": 2}
    assert violations.en == (
        "2 unprocessed violation(s): handle them online or at any window, then apply."
    )
    assert violations.zh == "有2条交通违法未处理，请在网上或任一窗口处理后再申领。"


def test_the_regime_in_force_is_found_for_a_past_date():
    assert regime_on(D(2015, 1, 1)) == "2014"
    assert regime_on(D(2020, 11, 19)) == "2014"
    assert regime_on(D(2020, 11, 20)) == "2020"
    assert regime_on(D(2022, 10, 1)) == "2022"


def test_the_default_regime_is_the_setting(settings):
    settings.CHEGUAN_INSPECTION_REGIME = "2014"

    assert evaluate(car(4, seats=7), on=ON).codes == ["inspection.too_many_seats"]


def test_months_are_clamped_at_month_end():
    assert add_months(D(2024, 2, 29), 24) == D(2026, 2, 28)
    assert add_months(D(2026, 5, 31), -3) == D(2026, 2, 28)
