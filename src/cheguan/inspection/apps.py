from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "cheguan.inspection"
    label = "inspection"
    verbose_name = "Inspection marks"
