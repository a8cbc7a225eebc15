from django.contrib import admin
from django.urls import include, path

from cheguan.accounts.views import AdminLoginForm
from cheguan.api import api

admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("cheguan.accounts.urls")),
    path("registry/", include("cheguan.registry.urls")),
    path("audit/", include("cheguan.audit.urls")),
    path("cases/", include("cheguan.cases.urls")),
    path("inspection/", include("cheguan.inspection.urls")),
    path("plates/", include("cheguan.plates.urls")),
    path("", include("cheguan.web.urls")),
]
