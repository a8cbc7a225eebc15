"""The service catalogue (办事指南) as data: the demo office's items, seeded by
``seed_catalogue()``; an admin edits them afterwards (Django admin or the API).

Promised times never exceed the statutory ones (MVR/DLR, DOMAIN.md): 1 working day for the
exempt inspection mark (Art 55), 2 for new registration (Art 12), 1 for transfer (Art 26) and
deregistration (Art 38), 15 for replacement plates (Art 51).

Each item names the app that runs it (``OWNERS``, docs/adr/0013-owned-services.md): the
generic case pages run the rest end to end. The owners are labels, not imports: cases sits
below them, and each installed owner registers itself (``cases.owners``).
"""

from __future__ import annotations

from django.db import transaction

from cheguan.cases.models import GENERIC_OWNER, Channel, DataSource, DocumentRequirement, Service
from cheguan.cases.remembered import forget_catalogue
from cheguan.registry.models import Office

# Which app runs which item; every other item is generic ("cases"). Wave 2's registration,
# scrapping and exams apps own theirs from the start: until they are installed, the generic
# path refuses those items rather than run them without their rules.
OWNERS = {
    "inspection_mark_exempt": "inspection",
    "plate_selection": "plates",
    "new_registration": "registration",
    "deregistration": "scrapping",
    "driving_test_booking": "exams",
}


def owner_of_code(code: str) -> str:
    """The app the catalogue gives this service code to (``"cases"`` if none)."""
    return OWNERS.get(code, GENERIC_OWNER)


C = Channel
# code, zh, en, channels, promised, statutory, immediate, rongque allowed, rongque default days,
# [(doc code, zh, en, essential, data source)]
CATALOGUE = [
    (
        "inspection_mark_exempt",
        "免检车辆申领检验标志",
        "Inspection mark for an inspection-exempt vehicle",
        [C.ONLINE, C.WINDOW, C.ASSISTED, C.SERVICE_POINT],
        1,
        1,
        True,
        False,
        0,
        [
            (
                "identity",
                "机动车所有人身份证明或行驶证",
                "Owner's identity proof or vehicle licence",
                True,
                DataSource.IDENTITY,
            ),
            (
                "insurance",
                "交强险凭证",
                "Compulsory insurance (交强险) certificate",
                True,
                DataSource.INSURANCE,
            ),
            (
                "vehicle_tax",
                "车船税纳税或免税证明",
                "Vehicle tax paid-or-exempt proof",
                True,
                DataSource.TAX,
            ),
        ],
    ),
    (
        "new_registration",
        "注册登记（新车上牌）",
        "New-vehicle registration",
        [C.WINDOW, C.DEALER, C.ASSISTED],
        2,
        2,
        False,
        False,
        0,
        [
            (
                "identity",
                "机动车所有人身份证明",
                "Owner's identity proof",
                True,
                DataSource.IDENTITY,
            ),
            (
                "purchase_invoice",
                "机动车销售统一发票",
                "Vehicle sales invoice (origin proof)",
                True,
                DataSource.NONE,
            ),
            ("conformity", "整车出厂合格证明", "Certificate of conformity", True, DataSource.NONE),
            (
                "insurance",
                "交强险凭证",
                "Compulsory insurance (交强险) certificate",
                True,
                DataSource.INSURANCE,
            ),
            (
                "purchase_tax",
                "车辆购置税完税或免税证明",
                "Vehicle purchase tax proof",
                True,
                DataSource.NONE,
            ),
            (
                "vehicle_tax",
                "车船税纳税或免税证明",
                "Vehicle tax paid-or-exempt proof",
                True,
                DataSource.TAX,
            ),
        ],
    ),
    (
        "transfer",
        "转让登记（过户）",
        "Transfer of ownership",
        [C.WINDOW, C.ASSISTED, C.SERVICE_POINT],
        1,
        1,
        False,
        False,
        0,
        [
            (
                "identity",
                "现机动车所有人身份证明",
                "New owner's identity proof",
                True,
                DataSource.IDENTITY,
            ),
            (
                "origin_proof",
                "机动车所有权转让证明或凭证",
                "Proof of the transfer of ownership",
                True,
                DataSource.NONE,
            ),
            (
                "registration_certificate",
                "机动车登记证书",
                "Vehicle registration certificate",
                True,
                DataSource.NONE,
            ),
            ("vehicle_licence", "机动车行驶证", "Vehicle licence (行驶证)", True, DataSource.NONE),
            (
                "insurance",
                "交强险凭证",
                "Compulsory insurance (交强险) certificate",
                True,
                DataSource.INSURANCE,
            ),
        ],
    ),
    (
        "plate_replacement",
        "补领、换领号牌",
        "Replacement of lost or damaged plates",
        [C.ONLINE, C.WINDOW, C.ASSISTED, C.SERVICE_POINT],
        15,
        15,
        False,
        True,
        5,
        [
            (
                "identity",
                "机动车所有人身份证明",
                "Owner's identity proof",
                True,
                DataSource.IDENTITY,
            ),
            ("vehicle_licence", "机动车行驶证", "Vehicle licence (行驶证)", True, DataSource.NONE),
            (
                "loss_statement",
                "号牌遗失或损坏情况说明",
                "Statement on how the plate was lost or damaged",
                False,
                DataSource.NONE,
            ),
            (
                "damaged_plate",
                "损坏的号牌（换领时）",
                "The damaged plate (for a replacement)",
                False,
                DataSource.NONE,
            ),
        ],
    ),
    (
        "deregistration",
        "注销登记（报废）",
        "Deregistration (scrapping)",
        [C.WINDOW, C.ASSISTED, C.SERVICE_POINT],
        1,
        1,
        False,
        False,
        0,
        [
            (
                "identity",
                "机动车所有人身份证明",
                "Owner's identity proof",
                True,
                DataSource.IDENTITY,
            ),
            (
                "recycling_certificate",
                "报废机动车回收证明副本",
                "Copy of the scrap-vehicle recycling certificate",
                True,
                DataSource.NONE,
            ),
            (
                "registration_certificate",
                "机动车登记证书",
                "Vehicle registration certificate",
                True,
                DataSource.NONE,
            ),
            (
                "plates_and_licence",
                "号牌和行驶证",
                "Plates and vehicle licence",
                True,
                DataSource.NONE,
            ),
        ],
    ),
    (
        "plate_selection",
        "机动车号牌号码选取",
        "Plate-number selection",
        [C.ONLINE, C.WINDOW, C.ASSISTED, C.DEALER],
        1,
        None,
        True,
        False,
        0,
        [
            (
                "identity",
                "机动车所有人身份证明",
                "Owner's identity proof",
                True,
                DataSource.IDENTITY,
            ),
        ],
    ),
    (
        "driving_test_booking",
        "驾驶人考试预约",
        "Driving-test booking",
        [C.ONLINE, C.WINDOW, C.ASSISTED],
        1,
        None,
        True,
        False,
        0,
        [
            ("identity", "申请人身份证明", "Applicant's identity proof", True, DataSource.IDENTITY),
        ],
    ),
    (
        "contact_change",
        "变更联系方式",
        "Change of contact details",
        [C.ONLINE, C.WINDOW, C.ASSISTED, C.SERVICE_POINT],
        1,
        1,
        True,
        False,
        0,
        [
            ("identity", "申请人身份证明", "Applicant's identity proof", True, DataSource.IDENTITY),
        ],
    ),
]


@transaction.atomic
def seed_catalogue(office: Office) -> int:
    """Create the catalogue items the office does not have yet. Returns how many it made;
    existing items (perhaps edited by the office) are left as they are, except their owner,
    which is the code's, not the office's, to choose."""
    made = 0
    for code, zh, en, channels, promised, statutory, immediate, rq, rq_days, docs in CATALOGUE:
        owner = owner_of_code(code)
        service, created = Service.objects.get_or_create(
            office=office,
            code=code,
            defaults={
                "owner": owner,
                "name_zh": zh,
                "name_en": en,
                "channels": [str(c) for c in channels],
                "promised_working_days": promised,
                "statutory_working_days": statutory,
                "immediate": immediate,
                "rongque_allowed": rq,
                "rongque_default_days": rq_days or 5,
            },
        )
        if not created:
            if service.owner != owner:
                Service.objects.filter(pk=service.pk).update(owner=owner)
            continue
        made += 1
        DocumentRequirement.objects.bulk_create(
            DocumentRequirement(
                service=service,
                code=d_code,
                name_zh=d_zh,
                name_en=d_en,
                essential=essential,
                data_source=source,
                position=i,
            )
            for i, (d_code, d_zh, d_en, essential, source) in enumerate(docs)
        )
    forget_catalogue()  # owners set by update(), requirements by bulk_create()
    return made
