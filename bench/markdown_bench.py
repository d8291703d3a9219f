"""Markdown rendering on pathological input: the parser and sanitiser of core.markup.

Times `render_markdown` on texts made of one repeated piece (unclosed `[`, `![`, `[a](`,
emphasis runs, nested quotes) at growing lengths, and, when the `markdown` package is
installed, the renderer civiclab used before (the `markdown` package with its extensions,
then the same nh3 clean) for comparison.

    .venv/bin/python bench/markdown_bench.py                   # --sizes 4000,16000 --old
"""

import argparse
import time

from civiclab.core.markup import render_markdown

PIECES = ["[", "![", "[a](", "*a", "_a", "> ", "<", "a_\n"]


def old_renderer():
    import markdown  # the parser used before markdown-it-py

    def render(text: str) -> str:
        return markdown.markdown(text, extensions=["fenced_code", "tables", "sane_lists"])

    return render


def timed(render, text: str, budget: float) -> str:
    start = time.perf_counter()
    render(text)
    elapsed = time.perf_counter() - start
    return f"{elapsed * 1000:.1f} ms" if elapsed < budget else f"{elapsed:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="4000,16000,20000")
    parser.add_argument("--old", action="store_true", help="also time the markdown package")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    old = old_renderer() if args.old else None
    print("| input | characters | markdown-it-py + nh3 |" + (" markdown package |" if old else ""))
    print("|---|---|---|" + ("---|" if old else ""))
    for piece in PIECES:
        for size in sizes:
            text = (piece * size)[:size]
            row = f"| `{piece!r}` repeated | {len(text):,} | {timed(render_markdown, text, 1)} |"
            if old:
                row += f" {timed(old, text, 1)} |"
            print(row, flush=True)


if __name__ == "__main__":
    main()
