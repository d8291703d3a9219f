"""Named permission rules of accounts."""

import rules
from django.contrib.auth.models import AnonymousUser

from .models import ApiToken, User
from .predicates import has_confirmed_email


@rules.predicate
def owns_token(user: User | AnonymousUser, token: ApiToken | None) -> bool:
    return token is not None and token.user_id == user.pk


rules.add_perm("accounts.revoke_apitoken", rules.is_authenticated & owns_token)
# A token acts as its owner, so it is for accounts whose address is proved to be theirs.
rules.add_perm("accounts.add_apitoken", has_confirmed_email)
# Everyone signed in may turn two-step sign-in on or off for their own account; pages ask for
# the password (and the code, when it is on) again first (accounts.reauth).
rules.add_perm("accounts.manage_mfa", rules.is_authenticated)
# Someone who lost both their app and their recovery codes is helped by a platform admin.
rules.add_perm("accounts.reset_mfa", rules.is_superuser)
