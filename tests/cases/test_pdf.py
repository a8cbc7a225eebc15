"""The printable notices: the 容缺 notice and commitment (two copies), and the written notice
of rejection or termination — served to those who may see the case, and nobody else."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from cheguan.cases import pdf, services
from cheguan.cases.models import RongqueCommitment

pytestmark = pytest.mark.django_db

ESSENTIAL_ONLY = ("vehicle_licence",)


def text_of(content: bytes, tmp_path) -> str:
    """The PDF's text, per page separated by form feeds (poppler's pdftotext)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install -y poppler-utils")
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=30
    )
    return out.stdout.decode()


@pytest.fixture
def rongque_case(world):
    case = world.submitted(docs=ESSENTIAL_ONLY)
    return services.accept_case(actor=world.clerk_actor, case=case, rongque=True, rongque_days=3)


def test_the_commitment_has_two_copies_with_the_deadline_missing_documents_and_consequence(
    rongque_case, world, tmp_path
):
    commitment = RongqueCommitment.objects.get(case=rongque_case)

    content = pdf.commitment_notice(rongque_case, commitment)
    text = text_of(content, tmp_path)
    pages = text.strip("\f").split("\f")

    assert content.startswith(b"%PDF")
    assert len(pages) == 2
    assert "第一联：申请人留存" in pages[0] and "第二联：窗口存档" in pages[1]
    for page in pages:
        assert "容缺受理通知书（承诺书）" in page
        assert rongque_case.number in page
        assert "号牌遗失或损坏情况说明" in page and "损坏的号牌（换领时）" in page
        assert "2026-11-26" in page
        assert "终止办理" in page  # what happens if late
        assert "申请人（签字）" in page and "受理人（签字）" in page
        assert world.person.masked_name in page
        assert world.person.masked_id_number in page
    assert world.person.name not in text and world.person.id_number not in text


def test_the_commitment_is_in_english_when_asked(rongque_case, tmp_path):
    commitment = RongqueCommitment.objects.get(case=rongque_case)
    text = text_of(pdf.commitment_notice(rongque_case, commitment, english=True), tmp_path)
    assert "Statement on how the plate was lost or damaged" in text
    assert "terminated" in text


def test_the_rejection_notice_gives_the_reasons_in_writing(world, tmp_path):
    case = world.submitted()
    services.reject_case(
        actor=world.clerk_actor, case=case, reasons="行驶证与车辆不符，请核对后重新申请。"
    )
    case.refresh_from_db()

    text = text_of(pdf.closing_notice(case), tmp_path)

    assert "不予办理告知书" in text
    assert case.number in text
    assert "行驶证与车辆不符，请核对后重新申请。" in text
    assert "行政复议" in text


def test_the_pdfs_are_served_to_the_applicant_and_the_office_only(
    client, rongque_case, world, make
):
    url = f"/cases/{rongque_case.number}/commitment.pdf"
    far = make.office(code="330100", prefix="浙A", name="杭州市车管所")

    client.force_login(world.citizen_user)
    mine = client.get(url)
    client.force_login(world.clerk)
    clerk = client.get(url)
    client.force_login(make.user("citizen"))
    stranger = client.get(url)
    client.force_login(make.user("clerk", office=far))
    far_clerk = client.get(url)

    assert mine.status_code == clerk.status_code == 200
    assert mine["Content-Type"] == "application/pdf"
    assert mine.content.startswith(b"%PDF")
    assert stranger.status_code == far_clerk.status_code == 404


def test_there_is_no_rejection_notice_for_a_case_that_was_not_rejected(client, world):
    case = world.submitted()
    client.force_login(world.citizen_user)
    assert client.get(f"/cases/{case.number}/rejection.pdf").status_code == 404
    assert client.get(f"/cases/{case.number}/commitment.pdf").status_code == 404


def test_a_terminated_case_has_a_written_termination_notice(rongque_case, world, clock, client):
    clock.set_now(clock.now().replace(day=30))
    services.terminate_overdue_cases()
    client.force_login(world.citizen_user)

    r = client.get(f"/cases/{rongque_case.number}/rejection.pdf")

    assert r.status_code == 200 and r.content.startswith(b"%PDF")
