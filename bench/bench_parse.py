"""Parse benchmark: median time to parse one document, over the examples, in one process.

    .venv/bin/python bench/bench_parse.py [--rounds N]

Reading and decoding files is excluded (done once); each round runs normalize → split → parse →
metadata for every example file. The parser and patterns are built before timing starts."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.ingest import read_source  # noqa: E402
from auditor.pipeline import parse_source  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    sources = [read_source(p) for p in sorted((ROOT / "reports_examples").glob("*.txt"))]
    documents = sum(len(parse_source(s).reports) for s in sources)  # warm-up: parser and patterns built
    per_document = []
    for _ in range(args.rounds):
        for source in sources:
            start = time.perf_counter()
            count = len(parse_source(source).reports)
            per_document.append((time.perf_counter() - start) * 1000 / count)
    total_chars = sum(len(s.text) for s in sources)
    print(f"files={len(sources)} documents={documents} chars={total_chars} rounds={args.rounds}")
    print(f"parse median per document: {statistics.median(per_document):.2f} ms "
          f"(p90 {statistics.quantiles(per_document, n=10)[-1]:.2f} ms)")


if __name__ == "__main__":
    main()
