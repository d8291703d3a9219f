"""Who is asking, as the apps below `accounts` name them.

`core` and `ledger` sit below `accounts` in the app layers, so they cannot name its `User`;
they name the part of it they read. A signed-in `User` and an `AnonymousUser` (what
`request.user` is) fit both types; above `accounts`, code names `User` itself.
"""

from typing import TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, PermissionsMixin

# Signed in or not: `is_authenticated`, and `pk` (None for the anonymous).
Person: TypeAlias = AbstractBaseUser | AnonymousUser

# Asked what they may do: `has_perm`, `is_superuser` and `pk`.
PersonWithPermissions: TypeAlias = PermissionsMixin | AnonymousUser
