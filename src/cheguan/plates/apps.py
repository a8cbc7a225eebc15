from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatesConfig(AppConfig):
    name = "cheguan.plates"
    verbose_name = _("Plate numbers")

    def ready(self) -> None:
        from cheguan.plates import receivers  # noqa: F401  (connects the signal receivers)

        _register_as_owner()
        _register_number_rule()


def _register_number_rule() -> None:
    """No back door (MVR Art 43, 83): a number of the pool reaches a vehicle only through
    the selection services, which bind the number to the vehicle before the registry puts
    it on the vehicle row (``registry.services.vehicle_fields``). The registry runs this
    rule on every path that puts a number on a vehicle; any other (the registry desk, the
    API) is refused. The importer and the demo load the register as it already is
    (``release_segment`` leaves out numbers that are already on a vehicle)."""
    from cheguan.registry.services.vehicles import register_number_rule

    register_number_rule("plates.only_selected_numbers", _only_selected_numbers)


def _only_selected_numbers(number: str, vehicle_id: int | None) -> None:
    from cheguan.plates import errors
    from cheguan.plates.models import PlateNumber

    bound = list(PlateNumber.objects.filter(number=number).values_list("vehicle_id", flat=True))
    if not bound:
        return  # not a pool number: a registration from before the pool
    if vehicle_id is None or bound[0] != vehicle_id:
        raise errors.NUMBER_NOT_SELECTED(field="plate_number", number=number)


def _register_as_owner() -> None:
    """Plate-number selection is this app's to open (docs/adr/0013-owned-services.md): the
    generic case pages send a person to the start page and refuse to run it themselves."""
    from cheguan.cases import owners
    from cheguan.core.errors import Bi
    from cheguan.plates.rules import OWNER, SERVICE_CODE

    owners.register(
        label=OWNER,
        services=[SERVICE_CODE],
        start="plates:start",
        name=Bi("号牌号码选取", "plate-number selection"),
        description=Bi(
            "选择车辆后，电脑从号码池随机抽取二十个号码，由您从中选定一个。",
            "Choose the car; the computer draws twenty numbers at random from the pool and "
            "you keep one of them.",
        ),
        page_for_case=_page_for_case,
        api="POST /api/plates/selections",
    )


def _page_for_case(case, staff: bool) -> str:
    from django.urls import reverse

    return reverse("plates:selection", args=[case.number])
