"""Named permission rules of accounts."""

import rules


@rules.predicate
def owns_token(user, token) -> bool:
    return token is not None and token.user_id == user.pk


rules.add_perm("accounts.revoke_apitoken", rules.is_authenticated & owns_token)
