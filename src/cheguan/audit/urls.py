from django.urls import path

from cheguan.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.trail, name="trail"),
]
