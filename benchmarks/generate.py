"""Deterministic plans of any size, for benchmarks and the large-plan tests.

    python -m benchmarks.generate OUT.onproduct 100000 [--seed 1]

A plan of N items looks like years of a real team's work: most items done in past
two-week sprints, a current sprint, a few planned ahead, and a long backlog.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

from onproduct.domain.categories import CATEGORY_KEYS
from onproduct.domain.items import Item, SprintFields
from onproduct.storage.plan import Plan
from onproduct.storage.planfile import create_plan

WORDS = [
    "invoice",
    "export",
    "onboarding",
    "customer",
    "report",
    "billing",
    "tax",
    "sync",
    "import",
    "dashboard",
    "search",
    "login",
    "payment",
    "reminder",
    "template",
    "api",
    "webhook",
    "audit",
    "backup",
    "deploy",
    "queue",
    "cache",
    "certificate",
    "migration",
    "settings",
    "account",
    "team",
    "role",
    "mobile",
    "portal",
    "email",
]
LABELS = ("billing", "tax", "ux", "infra", "security", "api", "mobile", "support", "customer:acme")
CATEGORY_WEIGHTS = (40, 12, 18, 18, 12)
# Five years of two-week sprints at most; small plans get about 40 items a sprint.
MAX_SPRINTS = 130


def _title(rng: random.Random, n: int) -> str:
    words = rng.sample(WORDS, rng.randint(2, 5))
    return f"{' '.join(words).capitalize()} #{n}"


def fill_plan(plan: Plan, count: int, seed: int = 1, today: date | None = None) -> None:
    """Add `count` items (and the sprints they need) to an empty plan."""
    rng = random.Random(seed)
    today = today or date.today()
    backlog = count * 35 // 100
    planned = count - backlog
    sprint_count = min(MAX_SPRINTS, max(3, planned // 40))
    per_sprint = -(-planned // sprint_count)
    current = today - timedelta(days=today.weekday())
    first = current - timedelta(days=14 * (sprint_count - 2))
    with plan.transaction():
        sprints = [
            plan.add_sprint(
                SprintFields(
                    f"Sprint {n + 1}",
                    first + timedelta(days=14 * n),
                    first + timedelta(days=14 * n + 13),
                    160.0,
                )
            )
            for n in range(sprint_count)
        ]
    items = []
    for n in range(count):
        in_sprint = n < planned
        sprint = sprints[n // per_sprint] if in_sprint else None
        past = sprint is not None and sprint.end < today
        estimate = (
            rng.choice((None, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0)) if rng.random() > 0.05 else None
        )
        items.append(
            Item(
                id=n + 1,
                title=_title(rng, n + 1),
                category=rng.choices(CATEGORY_KEYS, CATEGORY_WEIGHTS)[0],
                description="" if rng.random() < 0.7 else " ".join(rng.sample(WORDS, 12)),
                estimate=estimate,
                actual=(estimate or 2.0) * rng.uniform(0.7, 1.5) if past else None,
                status="done" if past else rng.choice(("todo", "todo", "doing")),
                labels=tuple(rng.sample(LABELS, rng.choice((0, 0, 1, 1, 2)))),
                external_key=f"GEN-{n + 1}",
                sprint_id=sprint.id if sprint is not None else None,
                rank=float(n + 1),
            )
        )
    plan.bulk_insert_items(items)


def generate_plan(path: Path, count: int, seed: int = 1, today: date | None = None) -> None:
    create_plan(path, lambda plan: fill_plan(plan, count, seed, today))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate_plan(args.out, args.count, args.seed)
    print(f"wrote {args.count} items to {args.out}")


if __name__ == "__main__":
    main()
