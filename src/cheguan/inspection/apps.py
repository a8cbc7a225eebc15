from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "cheguan.inspection"
    label = "inspection"
    verbose_name = "Inspection marks"

    def ready(self) -> None:
        # The registry cannot call this app (import contract); it tells us instead.
        from cheguan.inspection import receivers
        from cheguan.registry.signals import vehicle_deregistered

        vehicle_deregistered.connect(
            receivers.revoke_marks_on_deregistration,
            dispatch_uid="inspection.revoke_marks_on_deregistration",
        )
