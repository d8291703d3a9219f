import pytest
from django.test import RequestFactory, override_settings

from civiclab.accounts import throttle

factory = RequestFactory()


def request(remote="203.0.113.5", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return factory.post("/accounts/login/", **extra)


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_trusted_proxies_forwarded_for_is_ignored():
    assert throttle.client_ip(request(forwarded="198.51.100.1")) == "203.0.113.5"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_one_proxy_the_last_forwarded_address_is_the_client():
    forged_then_real = "1.2.3.4, 198.51.100.7"
    assert throttle.client_ip(request(forwarded=forged_then_real)) == "198.51.100.7"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_two_proxies_count_from_the_right():
    header = "1.2.3.4, 198.51.100.7, 10.0.0.2"
    assert throttle.client_ip(request(forwarded=header)) == "198.51.100.7"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_short_or_garbage_header_falls_back_to_the_socket_address():
    assert throttle.client_ip(request(forwarded="10.0.0.2")) == "203.0.113.5"
    assert throttle.client_ip(request(forwarded="junk, <script>")) == "203.0.113.5"
    assert throttle.client_ip(request()) == "203.0.113.5"


@override_settings(LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT=2, LOGIN_FAILURES_PER_CLIENT=100)
def test_counts_are_per_normalised_address_and_client():
    attacker = request("203.0.113.5")
    throttle.record_failure(attacker, "Ada@Example.org ")
    assert throttle.retry_after(attacker, "ada@example.org") == 0
    throttle.record_failure(attacker, "ada@example.org")
    assert throttle.retry_after(attacker, "ADA@example.org") > 0
    assert throttle.retry_after(request("198.51.100.9"), "ada@example.org") == 0
    assert throttle.retry_after(attacker, "someone.else@example.org") == 0


@override_settings(LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT=2, LOGIN_THROTTLE_WINDOW_SECONDS=600)
def test_wait_is_at_most_the_window_and_rounds_up_to_minutes():
    attacker = request()
    for _ in range(2):
        throttle.record_failure(attacker, "a@example.org")
    wait = throttle.retry_after(attacker, "a@example.org")
    assert 0 < wait <= 600
    assert throttle.minutes(wait) == 10
    assert throttle.minutes(1) == 1


@override_settings(LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT=100, LOGIN_FAILURES_PER_CLIENT=2)
def test_ipv6_clients_are_counted_per_64_block():
    throttle.record_failure(request("2001:db8::1"), "a@example.org")
    throttle.record_failure(request("2001:db8::2"), "b@example.org")
    assert throttle.retry_after(request("2001:db8::ffff"), "c@example.org") > 0
    assert throttle.retry_after(request("2001:db8:1::1"), "c@example.org") == 0


@pytest.mark.parametrize("email", ["ada@example.org", "x" * 300])
def test_cache_keys_hold_no_address(email):
    keys = [limit.key for limit in throttle._limits(request(), email)]
    assert all(email not in key and "203.0.113.5" not in key for key in keys)
    assert all(len(key) < 200 for key in keys)
