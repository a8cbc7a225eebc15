from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "cheguan.demo"
    label = "demo"
    verbose_name = "Demo city"
