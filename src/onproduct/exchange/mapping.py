"""Turning a tracker's issue types, labels, components or lists into categories.

A mapping has rules per kind of value ("label", "component", "type" for Jira; "label",
"list" for Trello), tried in that order: the first value of an item that has a rule
decides its category, or skips the item; an item no rule matches gets the default.
The GUI shows the rules in the import dialog and remembers them per source.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from onproduct.domain.categories import CATEGORY_KEYS
from onproduct.domain.items import MAX_LABEL

SKIP = "skip"  # a rule that leaves the item out of the import
TARGETS = (*CATEGORY_KEYS, SKIP)

# First guesses, by words in the value (any language we know a word of).
_GUESSES: tuple[tuple[str, str], ...] = (
    (r"epi[ck]|épico|epik", SKIP),
    (r"automat|autom|script|bot\b", "automation"),
    (r"debt|deuda|d[ií]vida|d[łl]ug|schuld|refactor|cleanup|upgrade|legacy", "tech_debt"),
    (r"bug|error|defect|fehler|b[łl][ąa]d|erro\b|incidente?", "tech_debt"),
    (r"devops|infra|deploy|pipeline|\bci\b|release|monitor|on-?call|outage", "dev_ops"),
    (
        r"\bops\b|operac|opera[çc]|operation|betrieb|support|soporte|suporte|wsparcie"
        r"|onboard|manual|by hand|a mano|recz",
        "product_ops",
    ),
    (
        r"story|historia|hist[óo]ria|feature|funcionalidad|funcionalidade|funkcj"
        r"|improvement|mejora|melhoria|ulepsz|verbesserung|task|tarea|tarefa|zadanie|aufgabe",
        "feature",
    ),
)


# Status names (folded) that mean done or in progress, in the languages we know.
DONE = re.compile(
    r"done|closed|resolved|complete|released|hech|list[oa]|cerrad|resuelt|termin|conclu"
    r"|fechad|resolvid|finaliz|gotow|zamkni|rozwiaz|zakoncz|erledigt|fertig|geschlossen"
    r"|abgeschlossen|gelost"
)
DOING = re.compile(
    r"progress|review|testing|\bqa\b|curso|progreso|revision|andamento|progresso"
    r"|revisao|toku|trakcie|realizacji|arbeit|bearbeitung|prufung"
)


_SEPARATORS = re.compile(r"[;,]")


@lru_cache(maxsize=8192)  # an import meets the same few labels on every row
def as_label(text: str) -> str:
    """A label made of any text (an epic's name): no separators, not too long."""
    return shortened(" ".join(_SEPARATORS.sub(" ", text).split()), MAX_LABEL)


def shortened(text: str, limit: int) -> str:
    """The text as it is when it fits, else cut to `limit` characters ending in "…"."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def value_counts(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Counts of values that differ only in case added up, under the first spelling,
    most used first: what the mapping dialog lists."""
    merged: Counter[str] = Counter()
    firsts: dict[str, str] = {}
    for value, count in counts.items():
        folded = value.casefold()
        firsts.setdefault(folded, value)
        merged[folded] += count
    return [(firsts[f], n) for f, n in merged.most_common()]


def guess(value: str) -> str | None:
    """A first guess of the category (or SKIP) for a type, label or list name."""
    folded = value.casefold()
    for pattern, target in _GUESSES:
        if re.search(pattern, folded):
            return target
    return None


@dataclass(slots=True)
class CategoryMapping:
    """Rules (kind → value → category or SKIP) and the category for everything else."""

    kinds: tuple[str, ...]
    rules: dict[str, dict[str, str]] = field(default_factory=dict)
    default: str = "feature"

    def target_of(self, values: Mapping[str, Iterable[str]]) -> str:
        """The category (or SKIP) of an item with these values per kind."""
        for kind in self.kinds:
            rules = self.rules.get(kind, {})
            for value in values.get(kind, ()):
                target = rules.get(value.casefold())
                if target:
                    return target
        return self.default

    def set(self, kind: str, value: str, target: str | None) -> None:
        rules = self.rules.setdefault(kind, {})
        if target:
            rules[value.casefold()] = target
        else:
            rules.pop(value.casefold(), None)

    def rule(self, kind: str, value: str) -> str | None:
        return self.rules.get(kind, {}).get(value.casefold())

    def to_json(self) -> str:
        return json.dumps({"rules": self.rules, "default": self.default}, sort_keys=True)

    @classmethod
    def from_json(cls, kinds: tuple[str, ...], text: str) -> CategoryMapping | None:
        """A remembered mapping, or None when the text is not one (it is then ignored)."""
        try:
            data = json.loads(text)
            rules = {
                str(kind): {
                    str(value): str(target) for value, target in values.items() if target in TARGETS
                }
                for kind, values in data["rules"].items()
                if kind in kinds
            }
            default = data["default"] if data["default"] in CATEGORY_KEYS else "feature"
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        return cls(kinds, rules, default)


def guessed_mapping(
    kinds: tuple[str, ...], values: Mapping[str, Iterable[str]], default: str = "feature"
) -> CategoryMapping:
    """A mapping with a guessed rule for every value whose name suggests a category.

    Only the last kind (issue type, list) gets guesses for every value; labels and
    components get one only when their name is telling, so they do not all win.
    """
    mapping = CategoryMapping(kinds, default=default)
    for kind in kinds:
        for value in values.get(kind, ()):
            target = guess(value)
            if target is None:
                continue
            if kind != kinds[-1] and target in ("feature", SKIP):
                continue  # a label "story" says little; types decide that
            mapping.set(kind, value, target)
    return mapping
