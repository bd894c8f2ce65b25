"""Benchmark of the review's intake where volume matters: near-duplicate clustering and
relevance ranking. Prints figures and writes them between the `bench:review` markers of
docs/benchmarks.md.

    uv run python bench/review.py [--sizes 2000,10000]

Corpus: synthetic French articles drawn from the vocabulary of the bundled demo pages (fixed
seed), with near-duplicates injected at a known rate (5 % of words changed), so that the
clustering's precision and recall are measured against a truth, not eyeballed. Ranking
quality is measured on the bundled demo items, whose on/off-topic labels are known.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path

from centrale.review.dedup import Document, near_duplicate_groups
from centrale.review.intake import extract_page
from centrale.review.ranking import bm25
from report import machine, write_section

ROOT = Path(__file__).parents[1]
PAGES = ROOT / "src" / "centrale" / "review" / "demo_data" / "pages"
OFF_TOPIC = {
    "lematin-raja-derby",
    "lematin-couscous",
    "hespress-taqs",
    "cgap-smartphones",
    "afrique-finance-or",
}
WORDS = 160


def demo_texts() -> dict[str, tuple[str, str]]:
    from centrale.review.language import detect_language

    texts = {}
    for page in sorted(PAGES.glob("*.html")):
        item = extract_page(page.read_text(encoding="utf-8"), page.name)
        body = f"{item.title}\n{item.title}\n{item.text}"
        texts[page.stem] = (detect_language(body, "fr"), body)
    return texts


def synthetic_corpus(size: int, rng: random.Random) -> tuple[list[Document], set[frozenset[int]]]:
    vocabulary = sorted(
        {w for _, text in demo_texts().values() for w in re.findall(r"\w+", text.lower())}
    )
    documents: list[Document] = []
    truth: set[frozenset[int]] = set()
    while len(documents) < size:
        words = rng.choices(vocabulary, k=WORDS)
        group = [len(documents)]
        documents.append(Document(len(documents), " ".join(words)))
        if rng.random() < 0.1:  # one story in ten is retold by one or two other outlets
            for _ in range(rng.choice((1, 2))):
                changed = [rng.choice(vocabulary) if rng.random() < 0.05 else w for w in words]
                group.append(len(documents))
                documents.append(Document(len(documents), " ".join(changed)))
            truth.add(frozenset(group))
    return documents[:size], {g for g in truth if max(g) < size}


def pairs(groups: set[frozenset[int]]) -> set[tuple[int, int]]:
    return {(a, b) for g in groups for a in g for b in g if a < b}


def bench_dedup(size: int) -> dict[str, float]:
    documents, truth = synthetic_corpus(size, random.Random(size))
    started = time.perf_counter()
    found = {frozenset(g) for g in near_duplicate_groups(documents)}
    seconds = time.perf_counter() - started
    expected, got = pairs(truth), pairs(found)
    return {
        "items": size,
        "seconds": seconds,
        "per_second": size / seconds,
        "precision": len(expected & got) / len(got) if got else 1.0,
        "recall": len(expected & got) / len(expected) if expected else 1.0,
    }


def bench_ranking(size: int) -> dict[str, float]:
    texts = [text for language, text in demo_texts().values() if language == "fr"]
    corpus = [texts[i % len(texts)] for i in range(size)]
    started = time.perf_counter()
    bm25(corpus, "fr")
    seconds = time.perf_counter() - started
    return {"items": size, "seconds": seconds, "per_second": size / seconds}


def ranking_quality() -> dict[str, float]:
    by_language: dict[str, list[tuple[str, str]]] = {}
    for slug, (language, text) in demo_texts().items():
        by_language.setdefault(language, []).append((slug, text))
    scored = []
    for language, entries in by_language.items():
        scores = bm25([text for _, text in entries], language)
        scored += [(score, slug) for (slug, _), score in zip(entries, scores, strict=True)]
    on = [s for s, slug in scored if slug not in OFF_TOPIC]
    off = [s for s, slug in scored if slug in OFF_TOPIC]
    # AUC: the chance that an on-topic item outranks an off-topic one.
    wins = sum((a > b) + 0.5 * (a == b) for a in on for b in off)
    ranked = [slug for _, slug in sorted(scored, reverse=True)]
    top = ranked[: len(on)]
    return {
        "items": len(scored),
        "on_topic": len(on),
        "auc": wins / (len(on) * len(off)),
        "precision_at_on": sum(slug not in OFF_TOPIC for slug in top) / len(on),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="2000,10000")
    parser.add_argument("--smoke", action="store_true", help="300 items, figures not written")
    args = parser.parse_args()
    sizes = [300] if args.smoke else [int(s) for s in args.sizes.split(",")]
    lines = [
        "## Review: near-duplicate clustering and relevance ranking",
        "",
        f"Command: `uv run python bench/review.py --sizes {','.join(map(str, sizes))}` "
        f"({machine()}).",
        "",
        "| step | items | seconds | items/s | precision | recall |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        d = bench_dedup(size)
        lines.append(
            f"| MinHash-LSH clustering (128 perm., threshold 0.5) | {size} | {d['seconds']:.2f} "
            f"| {d['per_second']:.0f} | {d['precision']:.3f} | {d['recall']:.3f} |"
        )
        r = bench_ranking(size)
        lines.append(
            f"| BM25 profile ranking, French | {size} | {r['seconds']:.2f} "
            f"| {r['per_second']:.0f} | | |"
        )
    q = ranking_quality()
    lines += [
        "",
        f"Ranking quality on the {q['items']} bundled demo items (fr, ar, en; "
        f"{q['on_topic']} on topic): AUC {q['auc']:.3f}, precision at {q['on_topic']} "
        f"{q['precision_at_on']:.3f}.",
    ]
    print("\n".join(lines))
    if not args.smoke:
        write_section("review", "\n".join(lines))


if __name__ == "__main__":
    main()
