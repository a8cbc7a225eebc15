from django.urls import path

from cheguan.inspection import reissue_views, views

app_name = "inspection"
urlpatterns = [
    path("", views.home, name="home"),
    path("desk/", views.desk, name="desk"),
    path("verify/", views.verify, name="verify"),
    path("vehicle/<int:vehicle_id>/", views.vehicle, name="vehicle"),
    path("vehicle/<int:vehicle_id>/apply/", views.apply, name="apply"),
    path("vehicle/<int:vehicle_id>/proof/", views.proof, name="proof"),
    path("vehicle/<int:vehicle_id>/reissue/", reissue_views.reissue, name="reissue"),
    path("mark/<str:serial>/", views.mark, name="mark"),
    path("mark/<str:serial>/pdf/", views.pdf, name="pdf"),
    path("checks/", views.checks, name="checks"),
    path("checks/<str:number>/", views.check, name="check"),
    path("checks/<str:number>/issue/", views.check_issue, name="check_issue"),
    path("checks/<str:number>/reject/", views.check_reject, name="check_reject"),
    path("checks/<str:number>/documents/<slug:code>/", views.check_document, name="check_document"),
]
