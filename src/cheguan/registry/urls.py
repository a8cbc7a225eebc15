from django.urls import path

from cheguan.registry import deregister_views, views

app_name = "registry"
urlpatterns = [
    path("my/vehicles/", views.my_vehicles, name="my_vehicles"),
    path("people/", views.people_search, name="people"),
    path("people/<int:person_id>/", views.person_detail, name="person"),
    path("people/<int:person_id>/reveal/", views.person_reveal, name="person_reveal"),
    path("vehicles/<int:vehicle_id>/", views.vehicle_detail, name="vehicle"),
    path(
        "vehicles/<int:vehicle_id>/deregister/",
        deregister_views.deregister,
        name="deregister",
    ),
    path("organisation/", views.my_organisation, name="my_organisation"),
    path("organisations/<int:organisation_id>/", views.organisation_detail, name="organisation"),
    path(
        "organisations/<int:organisation_id>/authorisation/",
        views.organisation_authorisation,
        name="organisation_authorisation",
    ),
]
