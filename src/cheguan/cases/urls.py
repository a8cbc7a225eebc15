from django.urls import path, register_converter

from cheguan.cases.views import citizen, clerk, common, screen, supervisor


class CaseNumber:
    """Case numbers are digits (``20261123`` + 8); anything else is not a case."""

    regex = "[0-9]{8,24}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CaseNumber, "case")

app_name = "cases"
urlpatterns = [
    path("", common.index, name="index"),
    # the applicant (a citizen, a clerk assisting one, a partner)
    path("my/", citizen.my_cases, name="my"),
    path("apply/", citizen.apply, name="apply"),
    path("apply/<slug:code>/", citizen.apply_service, name="apply_service"),
    path("<case:number>/", citizen.case_page, name="case"),
    path("<case:number>/documents/", citizen.upload, name="upload"),
    path("<case:number>/submit/", citizen.submit, name="submit"),
    path("<case:number>/withdraw/", citizen.withdraw, name="withdraw"),
    path("<case:number>/rate/", citizen.rate, name="rate"),
    path("<case:number>/commitment.pdf", common.commitment_pdf, name="commitment_pdf"),
    path("<case:number>/rejection.pdf", common.rejection_pdf, name="rejection_pdf"),
    # the window
    path("console/", clerk.console, name="console"),
    path("console/queue/", clerk.queue, name="queue"),
    path("console/<case:number>/", clerk.case_console, name="console_case"),
    path("console/<case:number>/accept/", clerk.accept, name="accept"),
    path("console/<case:number>/notice/", clerk.notice, name="notice"),
    path("console/<case:number>/visit/", clerk.visit, name="visit"),
    path("console/<case:number>/complete/", clerk.complete, name="complete"),
    path("console/<case:number>/reject/", clerk.reject, name="reject"),
    path("console/<case:number>/screen/", clerk.open_screen, name="open_screen"),
    path("screen/<str:token>/", clerk.screen, name="screen"),
    # the window's paired screen (ADR 0017)
    path("window/pair/", screen.pair, name="pair"),
    path("window/screen/", screen.window_screen, name="window_screen"),
    path("window/screen/state/", screen.window_screen_state, name="window_screen_state"),
    path("window/screen/rate/", screen.window_screen_rate, name="window_screen_rate"),
    path("window/screen/consent/", screen.window_screen_consent, name="window_screen_consent"),
    # supervision
    path("follow-ups/", supervisor.follow_ups, name="follow_ups"),
    path("follow-ups/<int:follow_up_id>/", supervisor.follow_up, name="follow_up"),
    path("follow-ups/<int:follow_up_id>/step/", supervisor.step, name="follow_up_step"),
    path("follow-ups/<int:follow_up_id>/appeal/", supervisor.appeal, name="appeal"),
    path("follow-ups/<int:follow_up_id>/decide/", supervisor.decide, name="decide"),
    path("commitments/", supervisor.commitments, name="commitments"),
    path("figures/", supervisor.figures_page, name="figures"),
    path("figures.csv", supervisor.figures_csv, name="figures_csv"),
]
