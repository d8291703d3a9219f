"""Shared API pieces: the one error shape, pagination. (Filled in by the API work.)"""

from ninja import NinjaAPI


def install_error_handlers(api: NinjaAPI) -> None:
    return None
