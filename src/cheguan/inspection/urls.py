from django.urls import path

from cheguan.inspection import views

app_name = "inspection"
urlpatterns = [
    path("", views.home, name="home"),
    path("desk/", views.desk, name="desk"),
    path("verify/", views.verify, name="verify"),
    path("vehicle/<int:vehicle_id>/", views.vehicle, name="vehicle"),
    path("vehicle/<int:vehicle_id>/apply/", views.apply, name="apply"),
    path("mark/<str:serial>/", views.mark, name="mark"),
    path("mark/<str:serial>/pdf/", views.pdf, name="pdf"),
]
