"""Inspection-mark eligibility: the one place the rules live (DOMAIN.md §1).

``evaluate(facts, on=day, regime=...)`` answers, for one vehicle on one date:

* may it get a mark **without an on-site test** now (``may_issue``);
* if not, does it need an **on-site test** at a station first (``needs_station_test``);
* its **due date** (the end of the current validity) and the validity a mark issued now
  would carry (``new_valid_until``);
* **every** reason, each with a stable code, a message in both languages that says what the
  citizen can do, and the data it was based on.

The inputs are a plain :class:`VehicleFacts` so the same function serves one vehicle
(``queries.facts_for``) and the whole city's due-list (rows annotated in one SQL pass).

Regimes (setting ``CHEGUAN_INSPECTION_REGIME``, default ``"2022"``; pass ``regime=`` to
replay a past date):

* ``"2014"`` (§1.2): small/mini non-operating passenger cars with **6 seats or fewer**, not a
  minivan, no casualty accident: apply for the mark at years 2 and 4; from year 6 a yearly
  station test, from year 15 every 6 months.
* ``"2020"`` (§1.3): the same class with **9 seats or fewer**, and no illegal-modification
  penalty: years 2 and 4 exempt; station tests every 2 years in years 6–10 (years 6, 8);
  yearly after 10, every 6 months after 15.
* ``"2022"`` (§1.4, current): the 2020 class; station tests in **year 6 and year 10 only**,
  apply at years 2, 4 and 8; every year after 10 (the 15-year half-yearly rule dropped).

Vehicles outside the exempt class keep the statutory cycle of §1.1 and need a station test
at every inspection. "Year N" is the vehicle's age in whole years (from the first
registration) on the due date. The application window opens 3 months before the due date
(MVR Art 54, "以内" includes the day itself); an overdue vehicle may still apply.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import get_language

from cheguan.inspection.cycles import (
    REGIMES,
    add_months,
    default_regime,
    exempt_cycle,
    statutory_months,
    whole_years,
)
from cheguan.registry import codes

WINDOW_MONTHS = 3
ABNORMAL_STATUSES = ("stolen", "seized", "deregistered", "scrap_standard")
# Reasons that are only "the records don't show it": paper proof uploaded as the case's
# document (catalogue codes of ``inspection_mark_exempt``) lets a clerk issue the mark.
PROOF_DOCUMENTS = {
    "inspection.insurance_not_valid": "insurance",
    "inspection.tax_not_paid": "vehicle_tax",
}


@dataclass(frozen=True)
class VehicleFacts:
    """What the rules look at: one vehicle and counts from its records, on one date."""

    vehicle_type: str
    seats: int
    use_nature: str
    status: str
    first_registration_date: dt.date | None
    inspection_valid_until: dt.date | None
    unprocessed_violations: int = 0
    unsettled_accidents: int = 0
    casualty_accidents: int = 0
    modification_penalties: int = 0
    open_seizures: int = 0
    insurance_valid_until: dt.date | None = None  # latest 交强险 cover started by the date
    tax_paid_or_exempt: bool = False  # 车船税 for the date's year


@dataclass(frozen=True)
class Reason:
    code: str
    zh: str
    en: str
    data: dict[str, Any] = field(default_factory=dict)
    # "block": nothing can be issued until it is dealt with; "station": the mark needs an
    # on-site test at an inspection station first.
    kind: str = "block"

    @property
    def message(self) -> str:
        return self.en if (get_language() or "zh").startswith("en") else self.zh


@dataclass(frozen=True)
class Eligibility:
    regime: str
    on: dt.date
    exempt_class: bool
    due_date: dt.date | None
    window_opens: dt.date | None
    age_years: int | None
    needs_station_test: bool
    new_valid_until: dt.date | None
    reasons: tuple[Reason, ...]

    @property
    def may_issue(self) -> bool:
        """A mark may be issued now, without an on-site test."""
        return not self.reasons

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    @property
    def proof_documents(self) -> list[str]:
        """The documents to upload when every reason is a record the office lacks (交强险,
        车船税): with them a clerk can issue the mark. Empty when anything else stands in
        the way, or nothing does."""
        if not self.reasons or any(r.code not in PROOF_DOCUMENTS for r in self.reasons):
            return []
        return [PROOF_DOCUMENTS[r.code] for r in self.reasons]

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["may_issue"] = self.may_issue
        out["proof_documents"] = self.proof_documents
        out["reasons"] = [
            {"code": r.code, "message": r.message, "kind": r.kind, "data": r.data}
            for r in self.reasons
        ]
        return out


# --- the checks ------------------------------------------------------------------------------


def _class_reasons(facts: VehicleFacts, regime: str) -> list[Reason]:
    """Why the vehicle is outside the exempt class (it then keeps the statutory cycle)."""
    out = []
    station = "station"
    if facts.use_nature != codes.USE_NATURE_NON_OPERATING:
        out.append(
            Reason(
                "inspection.operating_use",
                "营运车辆不属于免检范围，请到检验机构上线检验后申领检验标志。",
                "Operating vehicles are not inspection-exempt: have it tested at an inspection "
                "station, then apply for the mark.",
                {"use_nature": facts.use_nature},
                station,
            )
        )
    if not codes.is_small_or_mini_passenger(facts.vehicle_type):
        out.append(
            Reason(
                "inspection.not_small_passenger",
                "只有小型、微型载客汽车可以免检，请到检验机构上线检验。",
                "Only small and mini passenger cars are inspection-exempt: have it tested at an "
                "inspection station.",
                {"vehicle_type": facts.vehicle_type},
                station,
            )
        )
    max_seats = 6 if regime == "2014" else 9
    if facts.seats > max_seats:
        out.append(
            Reason(
                "inspection.too_many_seats",
                f"核定载客{facts.seats}人，超过免检上限{max_seats}人，请到检验机构上线检验。",
                f"{facts.seats} seats is more than the {max_seats} an exempt car may have: have it "
                "tested at an inspection station.",
                {"seats": facts.seats, "max_seats": max_seats, "regime": regime},
                station,
            )
        )
    if codes.is_minivan(facts.vehicle_type):
        out.append(
            Reason(
                "inspection.minivan",
                "面包车不属于免检范围，请到检验机构上线检验。",
                "Minivans are not inspection-exempt: have it tested at an inspection station.",
                {"vehicle_type": facts.vehicle_type},
                station,
            )
        )
    if facts.casualty_accidents:
        out.append(
            Reason(
                "inspection.casualty_accident",
                "车辆发生过造成人员伤亡的交通事故，按原检验周期到检验机构上线检验。",
                "The vehicle was in an accident with casualties, so it keeps the regular cycle: "
                "have it tested at an inspection station.",
                {"casualty_accidents": facts.casualty_accidents},
                station,
            )
        )
    if facts.modification_penalties and regime != "2014":
        out.append(
            Reason(
                "inspection.illegal_modification",
                "车辆因非法改装受过处罚，不能免检，请恢复原状后到检验机构上线检验。",
                "The vehicle was penalised for illegal modification, so it is not exempt: restore "
                "it and have it tested at an inspection station.",
                {"modification_penalties": facts.modification_penalties},
                station,
            )
        )
    return out


def _status_reasons(facts: VehicleFacts) -> list[Reason]:
    texts = {
        "stolen": (
            "车辆处于被盗抢状态，不能申领检验标志。找回车辆后请到窗口办理。",
            "The vehicle is reported stolen: no mark can be issued. Once it is "
            "recovered, come to any window.",
        ),
        "seized": (
            "车辆被查封或扣押，解除后才能申领检验标志。",
            "The vehicle is seized: a mark can be issued once the seizure is lifted.",
        ),
        "deregistered": (
            "车辆已注销登记，不能申领检验标志。",
            "The vehicle is deregistered: no mark can be issued.",
        ),
        "scrap_standard": (
            "车辆已达到报废标准，不能申领检验标志，请办理报废。",
            "The vehicle has reached the scrapping standard: no mark can be "
            "issued; please have it scrapped.",
        ),
    }
    out = []
    if facts.status in texts:
        zh, en = texts[facts.status]
        out.append(Reason(f"inspection.status_{facts.status}", zh, en, {"status": facts.status}))
    if facts.open_seizures and facts.status != "seized":
        out.append(
            Reason(
                "inspection.open_seizure",
                f"车辆有{facts.open_seizures}项未解除的查封/扣押，解除后才能申领检验标志。",
                f"{facts.open_seizures} seizure(s) not yet lifted: a mark can be issued once they "
                "are lifted by the authority that ordered them.",
                {"open_seizures": facts.open_seizures},
            )
        )
    if facts.first_registration_date is None:
        out.append(
            Reason(
                "inspection.not_registered",
                "车辆尚未注册登记，请先办理注册登记。",
                "The vehicle is not registered yet: register it first.",
            )
        )
    return out


def _record_reasons(facts: VehicleFacts, on: dt.date) -> list[Reason]:
    out = []
    if facts.unprocessed_violations:
        n = facts.unprocessed_violations
        out.append(
            Reason(
                "inspection.unprocessed_violations",
                f"有{n}条交通违法未处理，请在网上或任一窗口处理后再申领。",
                f"{n} unprocessed violation(s): handle them online or at any window, then apply.",
                {"unprocessed_violations": n},
            )
        )
    if facts.unsettled_accidents:
        n = facts.unsettled_accidents
        out.append(
            Reason(
                "inspection.unsettled_accidents",
                f"有{n}起交通事故未处理结案，请处理完毕后再申领。",
                f"{n} traffic accident(s) not settled: settle them, then apply.",
                {"unsettled_accidents": n},
            )
        )
    until = facts.insurance_valid_until
    if until is None or until < on:
        out.append(
            Reason(
                "inspection.insurance_not_valid",
                "记录中没有当日有效的交强险，请续保交强险；已投保的，可上传交强险凭证或到窗口出示。",
                "No compulsory insurance (交强险) valid today on record: renew it; if you are "
                "insured, upload the certificate or show it at a window.",
                {
                    "insurance_valid_until": until.isoformat() if until else None,
                    "on": on.isoformat(),
                },
            )
        )
    if not facts.tax_paid_or_exempt:
        out.append(
            Reason(
                "inspection.tax_not_paid",
                f"记录中没有{on.year}年度车船税完税或免税信息，请缴纳；已缴纳的，可上传完税证明或到窗口出示。",
                f"No vehicle tax (车船税) paid or exempt for {on.year} on record: pay it; if you "
                "have paid, upload the proof or show it at a window.",
                {"year": on.year},
            )
        )
    return out


def _window_reasons(due: dt.date | None, opens: dt.date | None, on: dt.date) -> list[Reason]:
    if due is None or opens is None or on >= opens:
        return []
    return [
        Reason(
            "inspection.too_early",
            f"检验有效期至{due.isoformat()}，请在{opens.isoformat()}起的三个月内申领。",
            f"The inspection is valid until {due.isoformat()}: apply from {opens.isoformat()} "
            "(within 3 months before it ends).",
            {"valid_until": due.isoformat(), "window_opens": opens.isoformat()},
        )
    ]


def due_date_of(facts: VehicleFacts) -> dt.date | None:
    """The end of the current validity; for a car never marked, 2 years from registration."""
    if facts.inspection_valid_until is not None:
        return facts.inspection_valid_until
    if facts.first_registration_date is not None:
        return add_months(facts.first_registration_date, 24)
    return None


def evaluate(facts: VehicleFacts, *, on: dt.date, regime: str | None = None) -> Eligibility:
    """Every reason, for one vehicle on one date, under one regime (default: the setting)."""
    regime = regime or default_regime()
    if regime not in REGIMES:
        raise ValueError(f"unknown inspection regime {regime!r}")
    due = due_date_of(facts)
    opens = add_months(due, -WINDOW_MONTHS) if due else None
    age = (
        whole_years(facts.first_registration_date, due)
        if due and facts.first_registration_date
        else None
    )
    class_reasons = _class_reasons(facts, regime)
    exempt_class = not class_reasons
    reasons = _status_reasons(facts) + class_reasons
    needs_station, new_until = bool(class_reasons), None
    if age is not None and due is not None:
        if exempt_class:
            station_year, months = exempt_cycle(regime, age)
            if station_year:
                needs_station = True
                reasons.append(
                    Reason(
                        "inspection.station_test_year",
                        f"车辆到期时已满{age}年，本次须到检验机构上线检验，检验合格后再申领检验标志。",
                        f"The vehicle will be {age} years old at its due date: this time it must "
                        "be tested at an inspection station; after it passes, apply for the mark.",
                        {"age_years": age, "regime": regime},
                        "station",
                    )
                )
        else:
            months = statutory_months(facts.vehicle_type, facts.use_nature, age)
        new_until = add_months(due, months)
    reasons += _record_reasons(facts, on) + _window_reasons(due, opens, on)
    return Eligibility(
        regime=regime,
        on=on,
        exempt_class=exempt_class,
        due_date=due,
        window_opens=opens,
        age_years=age,
        needs_station_test=needs_station,
        new_valid_until=new_until,
        reasons=tuple(reasons),
    )
