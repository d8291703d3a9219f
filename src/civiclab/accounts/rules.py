"""Named permission rules of accounts."""

import rules
from django.contrib.auth.models import AnonymousUser

from .models import ApiToken, User


@rules.predicate
def owns_token(user: User | AnonymousUser, token: ApiToken | None) -> bool:
    return token is not None and token.user_id == user.pk


rules.add_perm("accounts.revoke_apitoken", rules.is_authenticated & owns_token)
