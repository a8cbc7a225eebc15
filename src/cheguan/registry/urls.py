from django.urls import path

from cheguan.registry.views import deregistration, organisations, people, records, vehicles

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
    # what a clerk records on the vehicle's page
    *(
        path(
            f"vehicles/<int:vehicle_id>/{segment}/",
            records.record,
            {"kind": kind},
            name=f"record_{kind}",
        )
        for kind, segment in (
            ("violation", "violations"),
            ("accident", "accidents"),
            ("insurance", "insurance"),
            ("tax", "tax"),
            ("modification", "modification-penalties"),
            ("encumbrance", "encumbrances"),
        )
    ),
    path(
        "violations/<int:violation_id>/process/",
        records.process_violation,
        name="process_violation",
    ),
    path(
        "encumbrances/<int:encumbrance_id>/release/",
        records.release_encumbrance,
        name="release_encumbrance",
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
