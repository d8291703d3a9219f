"""The notifications page: a person's inbox, unread first, with mark-as-read; and the
unsubscribe page that notification e-mails link to."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import unsubscribe
from .access import notification_for_user
from .notifications import (
    inbox,
    kind_for,
    notification_emails_stop,
    notification_mark_read,
    notifications_mark_all_read,
    unread_count,
)

NOTIFICATIONS_PER_PAGE = 20


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(inbox(request.user), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    unread = unread_count(request.user)
    return render(
        request,
        "core/notifications.html",
        {
            "page_obj": page_obj,
            "notifications": page_obj.object_list,
            "unread": unread,
            # The exact number, for the link in the header too (`context_processors`).
            "unread_notifications": unread,
        },
    )


def _safe_local(request: HttpRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Mark one notification read; "open" goes on to what it is about."""
    notification = notification_for_user(user=request.user, pk=pk)
    notification_mark_read(user=request.user, notification_id=notification.pk)
    if request.POST.get("open") and _safe_local(request, notification.url):
        return redirect(notification.url)
    return redirect(_back(request))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponseRedirect:
    notifications_mark_all_read(user=request.user)
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    page = request.POST.get("page", "")
    url = reverse("notifications")
    return f"{url}?page={page}" if page.isdigit() else url


# The signature is the credential: a mail client's RFC 8058 one-click POST carries no CSRF
# token and no session, and a forged request can do no more than the token already allows.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def notification_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link would stop and a button; POST (the button, or a mail
    client's `List-Unsubscribe=One-Click`) stops it. No sign-in is needed."""
    target = unsubscribe.read_token(token)
    if target is None:
        return render(request, "core/unsubscribe_invalid.html", status=404)
    every_kind = target.kind == unsubscribe.EVERY_KIND
    context = {
        "every_kind": every_kind,
        "kind_label": "" if every_kind else kind_for(target.kind).label,
    }
    if request.method == "POST":
        notification_emails_stop(user_id=target.user_id, kind=target.kind)
        return render(request, "core/unsubscribe_done.html", context)
    return render(request, "core/unsubscribe_confirm.html", context)
