"""Instructions per document, counted by callgrind: a figure that does not move with the machine's
load, for comparing two versions of the code (whose wall times drift ±20-30% here).

    .venv/bin/python bench/bench_instructions.py [TREE] [--corpus bench/corpus] [--step 40]

Audits every STEP-th corpus file in one process, twice: a child that only warms up (rules, parser,
patterns, first-use caches) and a child that warms up and then audits the files again; the
difference divided by the documents is the figure. TREE (default: this checkout) is the source
tree whose `auditor` package is measured, so `git worktree add /tmp/old <commit>` and passing
/tmp/old gives the other side of an A/B. Needs valgrind. Hash randomization moves it by ±0.3%."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(corpus: Path, step: int, measure: bool):
    from auditor.audit import audit_file
    from auditor.engine import Context
    from auditor.ruleset import load_rules, load_vocabulary

    rules, ctx = load_rules(), Context(vocabulary=load_vocabulary())
    files = sorted(corpus.rglob("*.txt"))[::step]
    for path in files:
        audit_file(path, rules, ctx)
    documents = 0
    if measure:
        for path in files:
            documents += len(audit_file(path, rules, ctx).documents)
    print(documents)


def instructions(tree: Path, corpus: Path, step: int, mode: str) -> tuple[int, int]:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__,
               "--child", mode, "--corpus", str(corpus), "--step", str(step)]
    out = subprocess.run(command, cwd=tree, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(tree)})
    found = re.search(r"refs:\s+([\d,]+)", out.stderr)
    if out.returncode != 0 or found is None:
        raise SystemExit(f"callgrind run failed ({mode}): {out.stderr.strip().splitlines()[-1:]}")
    return int(found.group(1).replace(",", "")), int(out.stdout.strip() or 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", type=Path, default=ROOT)
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "corpus")
    parser.add_argument("--step", type=int, default=40)
    parser.add_argument("--child", choices=["warm", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    if args.child:
        child(corpus, args.step, args.child == "measure")
        return
    if not corpus.is_dir():
        raise SystemExit(f"no corpus at {corpus}: run bench/make_corpus.py (or make bench) first")
    tree = args.tree.resolve()
    with ThreadPoolExecutor(2) as pool:
        (warm, _), (measured, documents) = pool.map(lambda mode: instructions(tree, corpus, args.step, mode),
                                                    ["warm", "measure"])
    print(f"{tree}: {documents} documents (every {args.step}th file of {corpus}), "
          f"{(measured - warm) / documents / 1e6:.2f} M instructions per document")


if __name__ == "__main__":
    main()
