"""Generate a decision log of N varied records for benchmarks.

    python bench/generate_log.py OUT_DIR [--count 500] [--markdown MD_DIR]

Records get several statuses, tags, supersessions and links; every fifth has a data
file with a trade-off table and every seventh a request lifecycle. With --markdown the
same records are also written as adr-tools (Nygard) markdown, for the peer tools.
Deterministic: the same count gives the same bytes.
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

from adrkit.formats.datafile import dump_data
from adrkit.core.decision import Decision, Link
from adrkit.formats.notebook import dumps_notebook, load_template, notebook_from_template
from adrkit.storage.log import init_log

WORDS = ("orders payments inventory search sessions cache queue gateway ledger billing audit "
         "tenancy metrics tracing storage identity catalog shipping pricing reporting").split()
TECH = ("PostgreSQL MongoDB DynamoDB Redis Kafka RabbitMQ gRPC GraphQL Elasticsearch S3 "
        "Cassandra SQLite NATS Envoy OpenTelemetry Terraform").split()
PARAGRAPH = ("The {w} service handles {n} requests per second at peak and must stay available while a "
             "region fails. We weighed {a} against {b} for latency, operational burden, cost and how "
             "well the team knows each. Failure at 3 AM should degrade to read-only rather than lose data.")


def tradeoff_data(rng: random.Random, a: str, b: str) -> dict:
    criteria = [{"name": c, "weight": rng.randint(1, 5)} for c in ("latency", "cost", "operations", "familiarity")]
    options = []
    for name in (a, b, "Do nothing"):
        options.append({"name": name, "scores": {c["name"]: rng.randint(1, 5) for c in criteria},
                        "arguments": [{"good": f"{name} is well understood"},
                                      {"bad": f"{name} adds another moving part"}]})
    return {"question": f"Which store for {a.lower()} data?", "criteria": criteria, "options": options,
            "chosen": a, "because": "it scores best on latency and operations"}


def lifecycle_data() -> dict:
    return {"stages": ["Request", "Validation", "Auth", "Business Logic",
                       {"name": "Response", "taps": "log + metrics"}],
            "exits": [{"from": "Validation", "status": 400}, {"from": "Auth", "status": 401},
                      {"from": "Business Logic", "status": 500}]}


def generate(out: Path, count: int = 500, markdown: Path | None = None) -> list[Decision]:
    rng = random.Random(count)
    log, _ = init_log(out, "decisions")
    template, with_lifecycle = load_template("madr"), load_template("backend")
    decisions: list[Decision] = []
    for n in range(1, count + 1):
        w, a, b = rng.choice(WORDS), rng.choice(TECH), rng.choice(TECH)
        title = f"Use {a} for {w} ({n})"
        d = Decision(number=n, slug=f"use-{a.lower()}-for-{w}-{n}", title=title,
                     status=rng.choice(("accepted", "accepted", "proposed", "rejected", "deprecated")),
                     date=f"20{20 + n % 6}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                     decision_makers=[rng.choice(("Ana", "Bo", "Chen", "Dee"))], tags=[w, a.lower()])
        if n > 10 and n % 9 == 0:
            old = decisions[n - 6]
            old.status, old.superseded_by = "superseded", [d.stem]
            d.supersedes = [old.stem]
        if n > 3 and n % 4 == 0:
            d.links.append(Link("relates-to", decisions[n - 3].stem))
            decisions[n - 3].links.append(Link("relates-to", d.stem))
        decisions.append(d)
    for i, d in enumerate(decisions, start=1):
        nb = notebook_from_template(with_lifecycle if i % 7 == 0 else template, d)
        body = PARAGRAPH.format(w=d.tags[0], n=100 * i, a=d.title.split()[1], b=d.tags[1])
        nb["cells"][1]["source"] = f"## Context and Problem Statement\n\n{body}"
        log.path_for(d.number, d.slug).write_text(dumps_notebook(nb), encoding="utf-8")
        data = {}
        if i % 5 == 0:
            data["tradeoffs"] = {"main": tradeoff_data(rng, d.title.split()[1], "MySQL")}
        if i % 7 == 0:
            data["lifecycles"] = {"main": lifecycle_data()}
        if data:
            (log.dir / f"{d.stem}.yaml").write_text(dump_data(data, d.stem), encoding="utf-8")
        if markdown is not None:
            markdown.mkdir(parents=True, exist_ok=True)
            status = d.status.capitalize()
            for old in d.supersedes:
                status += f"\n\nSupersedes [{old}]({old}.md)"
            for new in d.superseded_by:
                status = f"Superseded by [{new}]({new}.md)"
            (markdown / f"{d.stem}.md").write_text(
                f"# {d.number}. {d.title}\n\nDate: {d.date}\n\n## Status\n\n{status}\n\n## Context\n\n{body}\n\n"
                f"## Decision\n\nWe will use {d.title.split()[1]}.\n\n## Consequences\n\nMore to run.\n",
                encoding="utf-8")
    return decisions


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--markdown", type=Path)
    args = ap.parse_args()
    generate(args.out, args.count, args.markdown)


if __name__ == "__main__":
    main()
