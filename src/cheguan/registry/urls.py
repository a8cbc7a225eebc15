from django.urls import path

from cheguan.registry.views import deregistration, organisations, people, vehicles

app_name = "registry"
urlpatterns = [
    path("my/vehicles/", vehicles.my_vehicles, name="my_vehicles"),
    path("people/", people.people_search, name="people"),
    path("people/<int:person_id>/", people.person_detail, name="person"),
    path("people/<int:person_id>/reveal/", people.person_reveal, name="person_reveal"),
    path("vehicles/<int:vehicle_id>/", vehicles.vehicle_detail, name="vehicle"),
    path(
        "vehicles/<int:vehicle_id>/deregister/",
        deregistration.deregister,
        name="deregister",
    ),
    path("organisation/", organisations.my_organisation, name="my_organisation"),
    path(
        "organisations/<int:organisation_id>/",
        organisations.organisation_detail,
        name="organisation",
    ),
    path(
        "organisations/<int:organisation_id>/authorisation/",
        organisations.organisation_authorisation,
        name="organisation_authorisation",
    ),
]
