from .selectors import organisations_of_user


def organisations(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_organisations": [], "current_organisation": None}
    return {
        "my_organisations": organisations_of_user(user=user),
        "current_organisation": getattr(request, "organisation", None),
    }
