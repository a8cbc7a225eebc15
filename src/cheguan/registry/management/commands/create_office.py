"""``cheguan create-office``: a new vehicle administration office, before it imports its
registry (docs/import.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.registry.services.offices import OfficeData, create_office


class Command(BaseCommand):
    help = (
        "Create a vehicle administration office: its code (the city's 6-digit division code), "
        "name, plate prefix and region. The office then imports its registry with "
        "`cheguan import … --office <code>`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="6-digit division code, e.g. 330200")
        parser.add_argument("--name", required=True, help="e.g. 宁波市车管所")
        parser.add_argument("--plate-prefix", required=True, help="e.g. 浙B")
        parser.add_argument("--region", required=True, help="e.g. 浙江省宁波市 or 330200")
        parser.add_argument("--name-en", default="", help="the name in English (optional)")
        parser.add_argument(
            "--language",
            choices=["zh-hans", "en"],
            help="language of the error messages (default: the site's)",
        )

    def handle(self, *args, **opts):
        data = OfficeData(
            code=opts["code"],
            name=opts["name"],
            plate_prefix=opts["plate_prefix"],
            region=opts["region"],
            name_en=opts["name_en"],
        )
        with translation.override(opts.get("language") or translation.get_language()):
            try:
                office = create_office(actor=Actor.system(), data=data)
            except DomainError as e:
                field = f"{e.field}: " if e.field else ""
                raise CommandError(f"{field}{e.message} [{e.code}]", returncode=1) from None
        self.stdout.write(
            self.style.SUCCESS(f"Created office {office.code} {office} in {office.region}.")
        )
