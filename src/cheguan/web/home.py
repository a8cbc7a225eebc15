"""What each role's home page shows: its own work, read through the apps' queries."""

from cheguan.registry import queries as registry_queries


def context_for(request) -> dict:
    actor = request.actor
    ctx: dict = {}
    if actor.citizen is not None:
        ctx["vehicles"] = registry_queries.citizen_vehicles(actor)
    return ctx
