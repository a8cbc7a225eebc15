from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from cheguan.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        views.PasswordChangeView.as_view(
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("assisted/", views.assisted_start, name="assisted_start"),
    path("assisted/confirm/", views.assisted_confirm, name="assisted_confirm"),
    path("assisted/waiting/", views.assisted_waiting, name="assisted_waiting"),
    path("assisted/current/", views.assisted_current, name="assisted_current"),
    path("assisted/end/", views.assisted_end, name="assisted_end"),
]
