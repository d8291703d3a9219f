"""Sign-in by e-mail address, case-insensitively; deleted accounts never sign in."""

from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        email = kwargs.get("email", username)
        if email is None or password is None:
            return None
        return super().authenticate(request, username=email.strip().lower(), password=password)

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not getattr(user, "is_anonymised", False)
