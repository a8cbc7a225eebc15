"""Puts ``request.actor`` on every request: the user, and the citizen of an open assisted session."""

from cheguan.accounts.actor import Actor
from cheguan.accounts.models import Role


class AssistedSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if request.user.is_authenticated else None
        actor = Actor(user=user)
        request.assisted_session = None
        if user is not None and user.role == Role.CLERK:
            from cheguan.accounts.services import current_assisted_session

            session = current_assisted_session(user)
            if session is not None:
                request.assisted_session = session
                actor = Actor(
                    user=user, on_behalf_of=session.citizen, assisted_session_id=session.pk
                )
        request.actor = actor
        return self.get_response(request)
