from django.urls import path

from cheguan.inspection.views import applying, desk, marks

app_name = "inspection"
urlpatterns = [
    path("", applying.home, name="home"),
    path("desk/", desk.desk, name="desk"),
    path("verify/", marks.verify, name="verify"),
    path("vehicle/<int:vehicle_id>/", applying.vehicle, name="vehicle"),
    path("vehicle/<int:vehicle_id>/apply/", applying.apply, name="apply"),
    path("vehicle/<int:vehicle_id>/proof/", applying.proof, name="proof"),
    path("vehicle/<int:vehicle_id>/reissue/", applying.reissue, name="reissue"),
    path("mark/<str:serial>/", marks.mark, name="mark"),
    path("mark/<str:serial>/pdf/", marks.pdf, name="pdf"),
    path("mark/<str:serial>/revoke/", marks.revoke, name="revoke"),
    path("checks/", desk.checks, name="checks"),
    path("checks/<str:number>/", desk.check, name="check"),
    path("checks/<str:number>/issue/", desk.check_issue, name="check_issue"),
    path("checks/<str:number>/reject/", desk.check_reject, name="check_reject"),
    path("checks/<str:number>/documents/<slug:code>/", desk.check_document, name="check_document"),
]
