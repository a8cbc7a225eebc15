from django.urls import path

from cheguan.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("settings/elder-mode/", views.set_elder_mode, name="set_elder_mode"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]
