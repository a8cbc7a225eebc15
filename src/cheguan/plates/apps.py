from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatesConfig(AppConfig):
    name = "cheguan.plates"
    verbose_name = _("Plate numbers")

    def ready(self) -> None:
        from cheguan.plates import receivers  # noqa: F401  (connects the signal receivers)

        _register_as_owner()


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
