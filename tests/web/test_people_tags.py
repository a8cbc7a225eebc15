"""The template words of ``cheguan.web.templatetags.people``: whose account a heading names,
code-table names, and what a document verified from the records rests on."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from cheguan.cases.models import Case, CaseDocument

pytestmark = pytest.mark.django_db


def render(source: str, **context) -> str:
    return Template("{% load people %}" + source).render(Context(context))


def test_a_heading_says_my_for_the_user_and_the_masked_name_in_an_assisted_session(make):
    person = make.person(name="王秀英")
    session = SimpleNamespace(citizen=person)
    with translation.override("zh-hans"):
        assert render('{% whose "vehicles" %}') == "我的车辆"
        assert render('{% whose "vehicles" %}', assisted_session=session) == "王*英的车辆"
        assert render('{% whose "cases" %}', assisted_session=session) == "王*英的办件"
    with translation.override("en"):
        assert render('{% whose "vehicles" %}') == "My vehicles"
        assert render('{% whose "vehicles" %}', assisted_session=session) == "王*英&#x27;s vehicles"


def test_code_names_follow_the_language():
    with translation.override("zh-hans"):
        assert render('{{ t|code_name:"vehicle_type" }}', t="K39") == "小型面包车"
    with translation.override("en"):
        assert render('{{ t|code_name:"vehicle_type" }}', t="K39") == "Small minivan"
        assert render('{{ t|code_name:"use_nature" }}', t="A") == "Non-operating"
        assert render('{{ t|code_name:"vehicle_type" }}', t="Z99") == "Z99"  # unknown: as is


def test_a_verified_document_names_its_record_not_its_reference(office_world, clock):
    from cheguan.cases import services
    from cheguan.core.actor import Actor

    clock.set_now(dt.datetime(2026, 5, 11, 10, 0))
    citizen = office_world.with_citizen()
    case: Case = services.open_case(actor=Actor(user=citizen), service_code="contact_change")
    document = CaseDocument(case=case, data_reference=f"person:{citizen.person_id}")
    taxed = CaseDocument(case=case, data_reference="tax:2026:paid")
    with translation.override("zh-hans"):
        assert render("{{ d|evidence_words }}", d=document) == citizen.person.masked_name
        assert render("{{ d|evidence_words }}", d=taxed) == "2026年度车船税：已缴纳"
