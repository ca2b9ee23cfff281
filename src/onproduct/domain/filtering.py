"""The board's filter box: free text and #labels, all terms must match."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from onproduct.domain.items import Item


@dataclass(frozen=True, slots=True)
class SearchKey:
    """What the filter looks at for one item, folded once so typing stays fast."""

    text: str
    labels: tuple[str, ...]


def search_key(item: Item) -> SearchKey:
    labels = tuple(label.casefold() for label in item.labels)
    parts = [item.title, item.external_key or "", item.description, *item.labels]
    return SearchKey("\n".join(parts).casefold(), labels)


@dataclass(frozen=True, slots=True)
class ItemFilter:
    """A parsed filter: words to find anywhere and label prefixes the item must carry.

    "#billing" or "label:billing" asks for a label starting with "billing"; any other
    word is looked for in the title, external key, description and labels. Case is
    ignored and every term must match.
    """

    words: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> ItemFilter:
        words: list[str] = []
        labels: list[str] = []
        for term in text.casefold().split():
            if term.startswith("#") and len(term) > 1:
                labels.append(term[1:])
            elif term.startswith("label:") and len(term) > len("label:"):
                labels.append(term[len("label:") :])
            elif term not in ("#", "label:"):
                words.append(term)
        return cls(tuple(words), tuple(labels))

    @property
    def is_empty(self) -> bool:
        return not self.words and not self.labels

    def matches(self, key: SearchKey) -> bool:
        text = key.text
        return all(word in text for word in self.words) and all(
            any(label.startswith(wanted) for label in key.labels) for wanted in self.labels
        )

    def narrows(self, other: ItemFilter) -> bool:
        """Whether every item this filter keeps is one `other` keeps too.

        True when each of other's words is part of one of ours and each of its label
        prefixes is the start of one of ours: typing more ("inv" → "invoice") narrows,
        so the lists filter what they already show instead of every item again.
        """
        return all(any(word in mine for mine in self.words) for word in other.words) and all(
            any(mine.startswith(label) for mine in self.labels) for label in other.labels
        )

    def select(self, ids: Sequence[int], keys: Mapping[int, SearchKey]) -> list[int]:
        """The ids whose search keys match, in their order.

        One pass per term, longest word first (it keeps the fewest), each a list
        comprehension with no call per item: 35,000 items filter in a few ms.
        """
        result = list(ids)
        for word in sorted(self.words, key=len, reverse=True):
            result = [i for i in result if word in keys[i].text]
        for wanted in self.labels:
            result = [
                i for i in result if any(label.startswith(wanted) for label in keys[i].labels)
            ]
        return result
