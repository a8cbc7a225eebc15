from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "cheguan.inspection"
    label = "inspection"
    verbose_name = "Inspection marks"

    def ready(self) -> None:
        # The registry cannot call this app (import contract); it tells us instead.
        from cheguan.inspection import receivers
        from cheguan.registry.signals import vehicle_deregistered

        vehicle_deregistered.connect(
            receivers.revoke_marks_on_deregistration,
            dispatch_uid="inspection.revoke_marks_on_deregistration",
        )
        _register_as_owner()


def _register_as_owner() -> None:
    """The exempt-vehicle mark is this app's to issue (docs/adr/0013-owned-services.md):
    the generic case pages send a person here and refuse to run it themselves."""
    from cheguan.cases import owners
    from cheguan.core.errors import Bi
    from cheguan.inspection.models import SERVICE_CODE
    from cheguan.inspection.services.marks import OWNER

    owners.register(
        label=OWNER,
        services=[SERVICE_CODE],
        start="inspection:home",
        name=Bi("检验合格标志", "inspection marks"),
        description=Bi(
            "先查看车辆能否免检领标：能领的当场领取电子标志，不能领的逐条说明原因和办法。",
            "See first whether the vehicle can get its mark without a test: if it can, the "
            "electronic mark is issued at once; if not, each reason is given with what to do.",
        ),
        page_for_case=_page_for_case,
        api="POST /api/inspection/apply",
    )


def _page_for_case(case, staff: bool) -> str | None:
    """A clerk: the proof check of an application waiting for it; anyone: the vehicle."""
    from django.urls import reverse

    from cheguan.cases.models import CaseStatus

    if staff and case.status == CaseStatus.ACCEPTED:
        return reverse("inspection:check", args=[case.number])
    if case.vehicle_id is not None:
        return reverse("inspection:vehicle", args=[case.vehicle_id])
    return None
