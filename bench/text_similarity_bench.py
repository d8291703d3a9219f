"""Benchmark: similar-idea suggestions over 100,000 ideas (issue 4: under 50 ms).

Generates idea texts (a title and a two-to-four sentence summary) from a civic vocabulary with
Zipf-like word frequencies and a long tail of rarer words, with a fixed seed, then measures
building `SimilarityIndex`, its memory, serialising it, and the latency of `similar()` for
queries: half are reworded existing ideas (so there is something to find), half new texts.

Run: .venv/bin/python bench/text_similarity_bench.py [--ideas 100000] [--queries 200]
"""

import argparse
import gc
import itertools
import os
import random
import statistics
import time
import tracemalloc
from pathlib import Path

from civiclab.methods.text import SimilarityIndex


def _words(text: str) -> list[str]:
    return text.split()


NOUNS = _words(
    """
park bench bus stop library school street bike lane bin tree playground pavement crossing
light toilet fountain garden allotment market square station tram train route timetable
parking car charger van taxi pothole road bridge river canal path trail sign map app website
form portal service office counter queue appointment permit licence tax fee fine benefit
grant loan housing flat home tenant landlord rent repair heating insulation solar panel
roof energy bill water waste recycling compost food meal kitchen canteen shelter homeless
youth club sport pitch pool gym clinic doctor nurse care carer elderly child parent family
neighbour volunteer community centre hall museum theatre festival event art mural noise air
pollution dust smoke traffic speed camera police safety crime graffiti litter dog cat bird
flower hedge wildlife flood drain storm heat shade data dashboard report survey feedback
budget cost saving staff training meeting council councillor department team process paper
letter email phone chatbot translation language accessibility wheelchair ramp lift step
"""
)
VERBS = _words(
    """
install build create open extend improve replace repair clean plant reduce increase share
offer provide connect publish simplify digitise automate translate train fund support
protect monitor measure map redesign move close convert rent lend collect sort recycle
"""
)
ADJECTIVES = _words(
    """
free public safe green clean quiet accessible digital local shared electric covered smart
better faster cheaper simple clear new old small large open online weekly daily nightly
community neighbourhood secure low-cost affordable healthy warm cool bright friendly
"""
)
PLACES = [
    "city centre",
    "old town",
    "harbour",
    "north district",
    "south district",
    "riverside",
    "station area",
    "high street",
    "market square",
    "university campus",
    "industrial estate",
    "east end",
    "west end",
    "suburbs",
    "village",
]
FILLERS = _words("the a to for and of in on with near by more our so that all every at")
TEMPLATES = [
    "We should {verb} {adj} {noun} {filler} the {place}.",
    "Residents ask us to {verb} the {noun} and {verb} {adj} {noun}.",
    "A {adj} {noun} would help {noun} {filler} {noun} users.",
    "Many people {verb} {noun} every day, so {adj} {noun} matters.",
    "The {noun} {filler} {place} is {adj}; let us {verb} it with {adj} {noun}.",
    "Pilot a {adj} {noun} scheme with {noun} {noun} and {rare}.",
    "{rare} {rare} could {verb} the {noun} {filler} {rare}.",
]


def zipf_chooser(rng: random.Random, words: list[str]):
    cumulative = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(words))))
    shuffled = words[:]
    rng.shuffle(shuffled)

    def choose() -> str:
        return rng.choices(shuffled, cum_weights=cumulative)[0]

    return choose


def make_generator(seed: int):
    rng = random.Random(seed)
    # A long tail of rarer words: street names, organisations, jargon.
    syllables = _words("ka lo mi ne ra to su vi de ba po li ge ha ma ri no se ta ve")
    rare_words = sorted(
        {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(20000)}
    )
    pick = {
        "noun": zipf_chooser(rng, NOUNS),
        "verb": zipf_chooser(rng, VERBS),
        "adj": zipf_chooser(rng, ADJECTIVES),
        "place": zipf_chooser(rng, PLACES),
        "filler": zipf_chooser(rng, FILLERS),
        "rare": zipf_chooser(rng, rare_words),
    }

    def fill(template: str) -> str:
        out = []
        for part in template.split("{"):
            if "}" in part:
                key, rest = part.split("}", 1)
                out.append(pick[key]() + rest)
            else:
                out.append(part)
        return "".join(out)

    def idea() -> str:
        title = fill(rng.choice(TEMPLATES)).rstrip(".")
        summary = " ".join(fill(rng.choice(TEMPLATES)) for _ in range(rng.randint(2, 4)))
        return f"{title}. {summary}"

    return rng, idea


def reword(rng: random.Random, text: str) -> str:
    words = text.split()
    kept = [w for w in words if rng.random() > 0.3]
    rng.shuffle(kept)
    return " ".join(kept[: max(6, len(kept) // 2)])


def resident_kib() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4


def traced_build_mib(texts: list[str]) -> tuple[float, float]:
    """Memory held by a freshly built index, and the peak while building it."""
    gc.collect()
    tracemalloc.start()
    index = SimilarityIndex(enumerate(texts))
    gc.collect()
    live, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del index
    return live / 2**20, peak / 2**20


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()

    rng, idea = make_generator(args.seed)
    texts = [idea() for _ in range(args.ideas)]
    queries = [
        reword(rng, rng.choice(texts)) if i % 2 == 0 else idea() for i in range(args.queries)
    ]

    gc.collect()
    before = resident_kib()
    started = time.perf_counter()
    index = SimilarityIndex(enumerate(texts))
    build_s = time.perf_counter() - started
    gc.collect()
    memory_mib = (resident_kib() - before) / 1024

    started = time.perf_counter()
    blob = index.to_bytes()
    dump_s = time.perf_counter() - started
    started = time.perf_counter()
    SimilarityIndex.from_bytes(blob)
    load_s = time.perf_counter() - started

    index.similar(queries[0])  # warm up
    timings_ms = []
    found = 0
    for query in queries:
        started = time.perf_counter()
        result = index.similar(query, limit=5, min_score=0.2)
        timings_ms.append((time.perf_counter() - started) * 1000)
        found += bool(result)

    started = time.perf_counter()
    for i in range(1000):
        index.add(args.ideas + i, texts[i])
    add_ms = (time.perf_counter() - started) / 1000 * 1000

    print(f"ideas: {args.ideas}, queries: {args.queries}, seed: {args.seed}")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average (1, 5, 15 min) {load}; wall-clock times")
    print(f"build: {build_s:.1f} s, resident set growth: {memory_mib:.0f} MiB")
    live_mib, peak_mib = traced_build_mib(texts)
    print(
        f"index memory: {live_mib:.0f} MiB live after build, {peak_mib:.0f} MiB peak (tracemalloc)"
    )
    print(
        f"serialised: {len(blob) / 2**20:.1f} MiB,"
        f" to_bytes {dump_s:.1f} s, from_bytes {load_s:.1f} s"
    )
    print(
        f"query: p50 {statistics.median(timings_ms):.1f} ms,"
        f" p95 {percentile(timings_ms, 0.95):.1f} ms,"
        f" max {max(timings_ms):.1f} ms; {found}/{len(queries)} queries found a match >= 0.2"
    )
    print(f"add: {add_ms:.2f} ms per idea on average over 1,000 (including automatic refreshes)")


if __name__ == "__main__":
    main()
