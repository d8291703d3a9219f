from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render


def home(request):
    return render(request, "core/home.html")


def accessibility(request):
    return render(request, "core/accessibility.html")


def healthz(request):
    status = {"database": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        status["database"] = "error"
    ok = all(v == "ok" for v in status.values())
    return JsonResponse({"status": "ok" if ok else "error", "checks": status}, status=200 if ok else 503)
