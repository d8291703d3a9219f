"""Load test: 200 concurrent people against gunicorn, browsing, supporting, commenting, signing in.

The measure: under 200 concurrent clients doing a realistic mix for 60 s, no 5xx, no
lost or doubled supports and comments, and the latency (p50 / p95 per kind of request) and
throughput recorded.

What it does, all on 127.0.0.1:

1. makes a fresh database (SQLite in a temporary data folder, or the PostgreSQL database named
   in `DATABASE_URL`, which it creates and drops) and fills it with bench/idea_list_bench.py's
   generator: one public challenge in its submission phase, `--ideas` ideas, `--people`
   people and `--supports` supports; every person gets a confirmed address, an account 60
   days old and the same password (one Argon2 hash, as in production);
2. starts `civiclab serve` with DEBUG off, so gunicorn with `--workers` sync workers (4 by
   default: two per core on the 2-core machine these figures come from, which is also what
   `civiclab serve` chooses there by itself);
3. runs `--clients` simulated people for `--seconds`, each with its own cookies, behaving like
   a browser: it fetches every form and posts its CSRF token, and the comment form's one-time
   `form_token` (core/idempotency.py). The people first sign in, eight at a time (an Argon2
   check per sign-in costs a core 0.2 to 1 s, so 200 at once would only measure a queue), and
   then, for the measured `--seconds`, each repeats with a pause of 0 to `--think` seconds
   between steps: the idea list (30%: a sort and one of the first pages), an idea page (35%),
   supporting or withdrawing support (17%: the button the idea page shows), a comment (16%;
   one in ten sent twice at once with the same form, a double click), signing out and in
   again (2%). One sign-in in ten starts with a mistyped password. A support or comment
   that gets no answer within 30 s is sent once more with the same form, as a person would;
4. stops the server and checks the database against what the clients saw: every support and
   withdrawal the server confirmed is in the Support table, nothing else changed, each idea's
   `support_count` equals its Support rows; every comment the server confirmed exists exactly
   once (a double click confirmed with the same comment), no refused comment was written (an
   unanswered one may have been; they are counted), each idea's `comment_count` equals its
   comments;
5. prints a table per kind of request: count, 5xx, other failures, p50 / p95 / max, and the
   throughput; the load average before and after.

All clients come from 127.0.0.1, so the per-client limits would treat 200 people as one. The
bench server raises the per-client sign-in failure limit (LOGIN_FAILURES_PER_CLIENT) through
its environment, as a deployment behind a proxy would not need to; the per-account limits and
everything else keep their defaults. No security check is switched off in code. The cache is
the development settings' per-process one (each worker counts its own limits), sessions are in
the database.

    .venv/bin/python bench/load_bench.py                                   # SQLite, temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civiclab_load \
        .venv/bin/python bench/load_bench.py                               # creates, drops it

Options: --clients 200 --seconds 60 --workers 4 --think 1.0 --ideas 2000 --people 1000
--supports 20000 --seed 8 --port (a free one) --keep. The client side runs in this process
(asyncio and httpx) on the same cores as the server; its CPU time is printed too.
"""

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))
sys.path.insert(0, str(BENCH_DIR))

PASSWORD = "load-bench-Passphrase-2026"
# Signing in checks an Argon2 hash (about 0.2 to 1 s of a core here, by design): the people
# sign in before the measured minute, this many at a time, as visitors arrive over time.
ARRIVING_AT_ONCE = 8
ORG = "bench-city"
CHALLENGE = "better-city"
KINDS = [
    "sign-in page (arrival)",
    "sign-in (arrival)",
    "list",
    "idea page",
    "support",
    "comment",
    "sign-in page",
    "sign-in",
    "sign-out",
]
# The server's environment beyond the data folder and database (see the module docstring).
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "civiclab.config.settings.dev",
    "DEBUG": "0",
    "LOG_LEVEL": "WARNING",
    # Every client is 127.0.0.1: allow the mistyped passwords of 200 people from one address.
    "LOGIN_FAILURES_PER_CLIENT": "1000000",
}

# Each step's share of a person's steps in the measured run (Person's method names).
MIX = {
    "browse_list": 0.30,
    "idea_page": 0.35,
    "support": 0.17,
    "comment": 0.16,
    "sign_out_and_in": 0.02,
}
# Mostly writes: for a short check that every kind of write is made and accounted for.
BUSY_MIX = {"browse_list": 0.1, "support": 0.4, "comment": 0.4, "sign_out_and_in": 0.1}

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
IDEA_LINK = re.compile(rf'href="/organisations/{ORG}/ideas/(\d+)/"')
COMMENT_ID = re.compile(r"#comment-(\d+)$")


def support_form(html: str, pk: int) -> str | None:
    """The support button's action ('support' or 'withdraw'), or None without a button."""
    at = html.find(f'action="/organisations/{ORG}/ideas/{pk}/support/"')
    if at < 0:
        return None
    found = re.search(r'name="action" value="(support|withdraw)"', html[at : at + 2000])
    return found.group(1) if found else None


def comment_action(html: str, pk: int) -> str | None:
    found = re.search(rf'action="(/organisations/{ORG}/ideas?/{pk}/comments/)"', html)
    return found.group(1) if found else None


def csrf_in(html: str) -> str:
    found = CSRF.search(html)
    if not found:
        raise LookupError("no CSRF token in the page")
    return found.group(1)


# The clients --------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the clients saw: every request's outcome, and the writes the server confirmed."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    server_errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failure_notes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # (user id, idea id) -> supported after the last confirmed action
    support_state: dict[tuple[int, int], bool] = field(default_factory=dict)
    # pairs whose last action got no clear answer (timeout, 5xx): excluded from the check
    support_unsure: set[tuple[int, int]] = field(default_factory=set)
    confirmed_comments: dict[str, set[int]] = field(default_factory=dict)  # marker -> ids
    refused_comments: set[str] = field(default_factory=set)
    unanswered_comments: set[str] = field(default_factory=set)
    # requests answered before the measured run's end (the throughput), per kind
    in_window: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    retries: int = 0
    double_clicks: int = 0
    wrong_passwords: int = 0


class Person:
    def __init__(self, *, number: int, user_id: int, email: str, base_url: str, tally, rng):
        import httpx

        self.number, self.user_id, self.email = number, user_id, email
        self.tally, self.rng = tally, rng
        self.idea_ids: list[int] = []
        self.client = httpx.AsyncClient(
            base_url=base_url,
            follow_redirects=False,
            timeout=httpx.Timeout(30.0),
            headers={"User-Agent": "civiclab-load-bench"},
        )
        self.comments_sent = 0
        self.arriving = False
        self.deadline = float("-inf")  # requests before the measured run count no throughput

    async def request(self, kind: str, method: str, url: str, **kwargs):
        """One request, timed and tallied; None when it got no answer."""
        import httpx

        if self.arriving:
            kind += " (arrival)"
        started = time.perf_counter()
        try:
            response = await self.client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            self.tally.failures[kind] += 1
            self.tally.failure_notes[f"{kind}: {type(error).__name__}"] += 1
            return None
        self.tally.latencies[kind].append(time.perf_counter() - started)
        if time.monotonic() <= self.deadline:
            self.tally.in_window[kind] += 1
        if response.status_code >= 500:
            self.tally.server_errors[kind] += 1
        return response

    def fail(self, kind: str, note: str) -> None:
        if self.arriving:
            kind += " (arrival)"
        self.tally.failures[kind] += 1
        self.tally.failure_notes[f"{kind}: {note}"] += 1

    async def post_retrying(self, kind: str, url: str, data: dict):
        """POST; without an answer, send the same form once more, as a person would."""
        response = await self.request(kind, "POST", url, data=data)
        if response is None:
            self.tally.retries += 1
            response = await self.request(kind, "POST", url, data=data)
        return response

    async def sign_in(self) -> bool:
        if self.rng.random() < 0.1:
            self.tally.wrong_passwords += 1
            if not await self._post_login(PASSWORD + "x", expect_ok=False):
                return False
        return await self._post_login(PASSWORD, expect_ok=True)

    async def _post_login(self, password: str, *, expect_ok: bool) -> bool:
        page = await self.request("sign-in page", "GET", "/accounts/login/")
        if page is None or page.status_code != 200:
            if page is not None and page.status_code < 500:
                self.fail("sign-in page", str(page.status_code))
            return False
        data = {"csrfmiddlewaretoken": csrf_in(page.text), "email": self.email}
        data["password"] = password
        response = await self.request("sign-in", "POST", "/accounts/login/", data=data)
        if response is None or response.status_code >= 500:
            return False
        if expect_ok and response.status_code != 302:
            self.fail("sign-in", f"{response.status_code} instead of a redirect")
            return False
        if not expect_ok and response.status_code != 200:
            self.fail("sign-in", f"wrong password answered {response.status_code}")
            return False
        return True

    async def sign_out_and_in(self) -> None:
        page = await self.request("list", "GET", self._list_url())
        if page is None or page.status_code != 200:
            return
        data = {"csrfmiddlewaretoken": csrf_in(page.text)}
        response = await self.request("sign-out", "POST", "/accounts/logout/", data=data)
        if response is None or response.status_code >= 500:
            return
        if response.status_code != 302:
            self.fail("sign-out", str(response.status_code))
        await self.sign_in()

    def _list_url(self) -> str:
        sort = self.rng.choice(["", "", "supported", "trending"])
        page = self.rng.choice([1, 1, 1, 2, 3, 5])
        query = f"?page={page}" + (f"&sort={sort}" if sort else "")
        return f"/organisations/{ORG}/challenges/{CHALLENGE}/ideas/{query}"

    async def browse_list(self) -> None:
        response = await self.request("list", "GET", self._list_url())
        if response is None or response.status_code >= 500:
            return
        if response.status_code != 200:
            self.fail("list", str(response.status_code))
            return
        self.idea_ids = [int(pk) for pk in IDEA_LINK.findall(response.text)] or self.idea_ids

    async def idea_page(self) -> tuple[int, str] | None:
        if not self.idea_ids:
            await self.browse_list()
        if not self.idea_ids:
            return None
        pk = self.rng.choice(self.idea_ids)
        response = await self.request("idea page", "GET", f"/organisations/{ORG}/ideas/{pk}/")
        if response is None or response.status_code >= 500:
            return None
        if response.status_code != 200:
            self.fail("idea page", str(response.status_code))
            return None
        return pk, response.text

    async def support(self) -> None:
        page = await self.idea_page()
        if page is None:
            return
        pk, html = page
        action = support_form(html, pk)
        if action is None:  # their own idea, or one no longer open
            return
        pair = (self.user_id, pk)
        data = {"csrfmiddlewaretoken": csrf_in(html), "action": action}
        url = f"/organisations/{ORG}/ideas/{pk}/support/"
        response = await self.post_retrying("support", url, data)
        if response is None or response.status_code >= 500:
            self.tally.support_unsure.add(pair)
            return
        if response.status_code != 302:
            self.fail("support", str(response.status_code))  # refused: nothing changed
            return
        self.tally.support_state[pair] = action == "support"
        self.tally.support_unsure.discard(pair)

    async def comment(self) -> None:
        page = await self.idea_page()
        if page is None:
            return
        pk, html = page
        url = comment_action(html, pk)
        token = FORM_TOKEN.search(html)
        if url is None or token is None:
            return
        self.comments_sent += 1
        marker = f"load-{self.number}-{self.comments_sent}-{self.rng.randrange(10**9)}"
        data = {
            "csrfmiddlewaretoken": csrf_in(html),
            "form_token": token.group(1),
            "body": f"A comment written under load ({marker}): this would help our street.",
        }
        twice = self.rng.random() < 0.1
        if twice:
            self.tally.double_clicks += 1
            answers = await asyncio.gather(
                self.post_retrying("comment", url, data),
                self.post_retrying("comment", url, data),
            )
        else:
            answers = [await self.post_retrying("comment", url, data)]
        ids = set()
        for response in answers:
            if response is None or response.status_code >= 500:
                self.tally.unanswered_comments.add(marker)
                continue
            found = COMMENT_ID.search(response.headers.get("location", ""))
            if response.status_code == 302 and found:
                ids.add(int(found.group(1)))
            else:
                self.fail("comment", f"{response.status_code} without a comment")
        if ids:
            self.tally.confirmed_comments[marker] = ids
        elif marker not in self.tally.unanswered_comments:
            self.tally.refused_comments.add(marker)

    async def arrive(self, doors: asyncio.Semaphore) -> bool:
        """Sign in before the measured minute, a few people at a time."""
        async with doors:
            self.arriving = True
            try:
                return await self.sign_in()
            finally:
                self.arriving = False
        self.deadline = float("-inf")  # requests before the measured run count no throughput

    async def run(
        self, deadline: float, think: float, signed_in: bool, mix: dict[str, float]
    ) -> None:
        self.deadline = deadline
        try:
            while time.monotonic() < deadline:
                if not signed_in:
                    signed_in = await self.sign_in()
                else:
                    step = self.rng.choices(list(mix), weights=list(mix.values()))[0]
                    await getattr(self, step)()
                if think:
                    await asyncio.sleep(self.rng.uniform(0, think))
        finally:
            await self.client.aclose()


async def run_clients(people, *, base_url: str, seconds: float, think: float, seed: int, mix=MIX):
    tally = Tally()
    rng = random.Random(seed)
    clients = [
        Person(
            number=n,
            user_id=user_id,
            email=email,
            base_url=base_url,
            tally=tally,
            rng=random.Random(rng.random()),
        )
        for n, (user_id, email) in enumerate(people)
    ]
    started = time.perf_counter()
    doors = asyncio.Semaphore(ARRIVING_AT_ONCE)
    signed_in = await asyncio.gather(*(client.arrive(doors) for client in clients))
    arrival = time.perf_counter() - started
    print(
        f"{sum(signed_in)} of {len(clients)} people signed in before the measured run, "
        f"{ARRIVING_AT_ONCE} at a time, in {arrival:.1f} s"
    )
    deadline = time.monotonic() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(
            client.run(deadline, think, ok, mix)
            for client, ok in zip(clients, signed_in, strict=True)
        )
    )
    return tally, time.perf_counter() - started


# The server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(*, data_dir: Path, port: int, workers: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, **SERVER_ENV)
    env["CIVICLAB_DATA_DIR"] = str(data_dir)
    env["WEB_CONCURRENCY"] = str(workers)
    civiclab = Path(sys.executable).with_name("civiclab")
    server = subprocess.Popen(
        [str(civiclab), "serve", "--port", str(port)],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    import httpx

    for _ in range(120):
        if server.poll() is not None:
            raise SystemExit(f"the server stopped:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_server(server)
    raise SystemExit(f"the server did not answer:\n{log.read_text()[-3000:]}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# Data and checks ----------------------------------------------------------------------------


def prepare_people(*, count: int) -> list[tuple[int, str]]:
    """Give every generated person a confirmed address, an old account and the password."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from civiclab.accounts.models import User

    now = timezone.now()
    User.objects.update(
        password=make_password(PASSWORD),
        email_confirmed_at=now - timedelta(days=59),
        date_joined=now - timedelta(days=60),
    )
    return list(User.objects.order_by("pk").values_list("pk", "email")[:count])


def counts_match_comments() -> None:
    """The generator writes comment counts without comments: make them true (zero)."""
    from civiclab.challenges.models import Idea

    Idea.objects.update(comment_count=0)


def supports_of(user_ids: list[int]) -> set[tuple[int, int]]:
    from civiclab.challenges.models import Support

    return set(Support.objects.filter(user_id__in=user_ids).values_list("user_id", "idea_id"))


def check_database(tally: Tally, *, before: set[tuple[int, int]], user_ids: list[int]) -> dict:
    """Compare what the clients saw confirmed with the rows written."""
    from django.db.models import Count

    from civiclab.challenges.models import Idea, Support
    from civiclab.discussion.models import Comment

    after = supports_of(user_ids)
    expected = {pair for pair in before if pair not in tally.support_state}
    expected |= {pair for pair, supported in tally.support_state.items() if supported}
    unsure = tally.support_unsure
    lost_supports = {p for p in expected - after if p not in unsure}
    extra_supports = {p for p in after - expected if p not in unsure}

    rows = Support.objects.values("idea_id").annotate(n=Count("pk"))
    per_idea = {row["idea_id"]: row["n"] for row in rows}
    wrong_support_counts = [
        pk
        for pk, stored in Idea.objects.values_list("pk", "support_count")
        if stored != per_idea.get(pk, 0)
    ]

    written: dict[str, list[int]] = defaultdict(list)
    for pk, body in Comment.objects.filter(body__contains="(load-").values_list("pk", "body"):
        marker = body.split("(", 1)[1].split(")", 1)[0]
        written[marker].append(pk)
    lost_comments = [m for m in tally.confirmed_comments if m not in written]
    doubled_comments = [m for m, pks in written.items() if len(pks) > 1]
    mismatched = [
        m for m, ids in tally.confirmed_comments.items() if m in written and ids != set(written[m])
    ]
    refused_but_written = [m for m in tally.refused_comments if m in written]
    unanswered_written = [m for m in tally.unanswered_comments if m in written]
    unknown = [
        m
        for m in written
        if m not in tally.confirmed_comments and m not in tally.unanswered_comments
    ]
    comment_rows = (
        Comment.objects.filter(content_type__model="idea")
        .values("object_id")
        .annotate(n=Count("pk"))
    )
    comments_per_idea = {row["object_id"]: row["n"] for row in comment_rows}
    wrong_comment_counts = [
        pk
        for pk, stored in Idea.objects.values_list("pk", "comment_count")
        if stored != comments_per_idea.get(pk, 0)
    ]
    return {
        "supports confirmed (last action per person and idea)": len(tally.support_state),
        "supports without a clear answer (not checked)": len(unsure),
        "supports lost": len(lost_supports),
        "supports written without a confirmation": len(extra_supports),
        "ideas whose support_count differs from their supports": len(wrong_support_counts),
        "comments confirmed": len(tally.confirmed_comments),
        "double clicks (same form sent twice at once)": tally.double_clicks,
        "comments refused (no comment written expected)": len(tally.refused_comments),
        "comments without an answer": len(tally.unanswered_comments),
        "of those, written": len(unanswered_written),
        "comments lost": len(lost_comments),
        "comments doubled": len(doubled_comments),
        "comments confirmed with another id than written": len(mismatched),
        "comments refused but written": len(refused_but_written),
        "comments written that no client sent": len(unknown),
        "ideas whose comment_count differs from their comments": len(wrong_comment_counts),
    }


# Report -------------------------------------------------------------------------------------


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def report(tally: Tally, seconds: float, elapsed: float) -> None:
    from idea_list_bench import percentile

    total = sum(tally.in_window.values())
    print(
        f"\n{total} requests answered in the measured {seconds:.0f} s: "
        f"{total / seconds:.1f} requests/s (the last answers came after {elapsed:.1f} s)"
    )
    print("\n| request | answered | /s in the run | 5xx | failed | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|")
    for kind in KINDS:
        times = tally.latencies.get(kind, [])
        if not times and not tally.failures.get(kind):
            continue
        p50 = percentile(times, 0.5) * 1000 if times else float("nan")
        p95 = percentile(times, 0.95) * 1000 if times else float("nan")
        top = max(times) * 1000 if times else float("nan")
        rate = "" if kind.endswith("(arrival)") else f"{tally.in_window.get(kind, 0) / seconds:.1f}"
        print(
            f"| {kind} | {len(times)} | {rate} | "
            f"{tally.server_errors.get(kind, 0)} | {tally.failures.get(kind, 0)} | "
            f"{p50:.0f} | {p95:.0f} | {top:.0f} |"
        )
    if tally.failure_notes:
        print("\nFailures (no answer, or an answer other than the browser expects):")
        for note, count in sorted(tally.failure_notes.items()):
            print(f"  {note}: {count}")
    print(f"\nSign-ins with a mistyped password first: {tally.wrong_passwords}")
    print(f"Supports and comments sent again after no answer: {tally.retries}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--think", type=float, default=1.0, help="most seconds between steps")
    parser.add_argument("--ideas", type=int, default=2000)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--supports", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the data folder and database")
    args = parser.parse_args()
    if args.clients > args.people:
        parser.error("--people must be at least --clients (one account per client)")

    from idea_list_bench import (
        create_postgres_database,
        drop_postgres_database,
        migrate,
        populate,
        setup_django,
    )

    database_url = os.environ.get("DATABASE_URL", "")
    data_dir = Path(tempfile.mkdtemp(prefix="civiclab-load-"))
    signer_dir = Path(f"{data_dir}-ledger-signer")
    server = None
    try:
        if database_url:
            create_postgres_database(database_url)
        setup_django(data_dir)
        from django.db import connection, connections

        print(f"Database: {connection.vendor}; data folder {data_dir}")
        started = time.perf_counter()
        migrate()
        populate(ideas=args.ideas, supports=args.supports, users=args.people, seed=args.seed)
        counts_match_comments()
        people = prepare_people(count=args.clients)
        user_ids = [pk for pk, _email in people]
        before = supports_of(user_ids)
        print(f"Prepared in {time.perf_counter() - started:.1f} s")
        connections.close_all()

        port = args.port or free_port()
        log = data_dir / "server.log"
        server = start_server(data_dir=data_dir, port=port, workers=args.workers, log=log)
        print(
            f"gunicorn on 127.0.0.1:{port}, {args.workers} workers; {args.clients} clients "
            f"for {args.seconds:.0f} s, pauses of 0 to {args.think} s"
        )
        load_before = load_average()
        cpu_before = time.process_time()
        tally, elapsed = asyncio.run(
            run_clients(
                people,
                base_url=f"http://127.0.0.1:{port}",
                seconds=args.seconds,
                think=args.think,
                seed=args.seed,
            )
        )
        client_cpu = time.process_time() - cpu_before
        load_after = load_average()
        stop_server(server)
        server = None

        report(tally, args.seconds, elapsed)
        print(f"Client CPU time in this process: {client_cpu:.1f} s")
        print(f"Load average before: {load_before}; after: {load_after}")
        print("\nDatabase against what the clients saw:")
        for name, value in check_database(tally, before=before, user_ids=user_ids).items():
            print(f"  {name}: {value}")
        errors = [
            line for line in log.read_text().splitlines() if "Traceback" in line or "ERROR" in line
        ]
        if errors:
            print(f"\nThe server logged {len(errors)} errors; first lines from {log}:")
            print("\n".join(errors[:10]))
    finally:
        if server is not None:
            stop_server(server)
        if database_url and not args.keep:
            drop_postgres_database(database_url)
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
            shutil.rmtree(signer_dir, ignore_errors=True)
        else:
            print(f"Kept {data_dir}")


if __name__ == "__main__":
    main()
