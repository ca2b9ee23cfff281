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
from onproduct.domain.items import MAX_LABEL, STATUSES
from onproduct.exchange.batch import ExchangeError

SKIP = "skip"  # a rule that leaves the item out of the import
TARGETS = (*CATEGORY_KEYS, SKIP)

# First guesses, by words in the value (any language we know a word of).
_GUESSES: tuple[tuple[str, str], ...] = (
    (r"epi[ck]|épico|epik|épique|epiikki|エピック|史诗|史詩|에픽|эпик", SKIP),
    (r"automat|autom|script|bot\b|自動化|自动化|자동화|автоматиз", "automation"),
    (
        r"debt|deuda|d[ií]vida|d[łl]ug|schuld|dette|debito tecnico|refactor|cleanup|upgrade"
        r"|legacy|技術的負債|技术债|技術債|기술 부채|техническ\w* долг|teknik borç",
        "tech_debt",
    ),
    (
        r"bug|error|defect|fehler|b[łl][ąa]d|erro\b|incidente?|bogue|anomalie|difetto|fout"
        r"|バグ|不具合|缺陷|错误|錯誤|故障|버그|결함|ошибк|дефект|hata|chyba|hiba|virhe",
        "tech_debt",
    ),
    (
        r"devops|infra|deploy|pipeline|\bci\b|release|monitor|on-?call|outage|インフラ|运维"
        r"|배포",
        "dev_ops",
    ),
    (
        r"\bops\b|operac|opera[çc]|operation|betrieb|support|soporte|suporte|wsparcie"
        r"|onboard|manual|by hand|a mano|recz|exploitation|assistenza|運用|サポート|运营|支持"
        r"|운영|지원|поддержк|эксплуатац",
        "product_ops",
    ),
    (
        r"story|historia|hist[óo]ria|feature|funcionalidad|funcionalidade|funkcj|improvement"
        r"|mejora|melhoria|ulepsz|verbesserung|task|tarea|tarefa|zadanie|aufgabe|récit"
        r"|amélioration|fonctionnalité|tâche|storia|miglioramento|attività|verhaal|verbetering"
        r"|taak|ストーリー|改善|タスク|機能|故事|改进|改進|任务|任務|功能|스토리|개선|작업|기능"
        r"|backlog item|requirement|anforderung|requisito|exigence|produkt-backlog"
        r"|истори|улучшени|задач|функци",
        "feature",
    ),
)


# Words of a status or a list name that mean done, or in progress, in the languages
# Jira ships in and a few more; compared folded (text.fold: no case, no accents), short
# words whole. A name that says neither is "to do".
_DONE_WORDS = (
    # English, Spanish, Portuguese, Polish, German, French, Italian, Dutch
    "done", "closed", "resolved", "complete", "released", "shipped", "finished",
    "hecho", "listo", "cerrad", "resuelt", "terminad", "completad", "finalizad",
    "concluid", "fechad", "resolvid", "feito",
    "gotowe", "zamkni", "rozwiazan", "zakonczon", "ukonczon", "zrobione",
    "erledigt", "fertig", "geschlossen", "abgeschlossen", "gelost", "umgesetzt",
    "termine", "fait", "fini", "clos", "resolu", "livre", "acheve",
    "fatto", "completato", "chiuso", "risolto", "concluso",
    "gedaan", "klaar", "afgerond", "gesloten", "opgelost", "voltooid",
    # Nordic, Baltic, Central European, Turkish, Russian, Vietnamese
    "klar", "klart", "fardig", "stangd", "afsluttet", "faerdig", "udfort",
    "lukket", "ferdig", "utfort", "valmis", "tehty", "suljettu", "ratkaistu",
    "tehtud", "suletud", "lahendatud", "hotovo", "dokonceno", "dokoncene", "uzavreno",
    "uzavrete", "vyreseno", "vyriesene", "kesz", "befejezve", "lezarva", "megoldva",
    "bitti", "tamamlandi", "kapandi", "cozuldu", "kapali",
    "готово", "сделано", "выполнено", "закрыт", "решен", "завершен",
    "hoan thanh", "da xong", "dong",
    # Chinese, Japanese, Korean
    "完成", "已完成", "已解决", "已解決", "关闭", "已关闭", "關閉", "完了", "済", "終了",
    "クローズ", "완료", "해결됨", "닫힘", "종료",
)  # fmt: skip
_DOING_WORDS = (
    "progress", "doing", "review", "testing", "qa", "wip", "started",
    "curso", "progreso", "revision", "andamento", "progresso", "revisao", "fazendo",
    "toku", "trakcie", "realizacji", "arbeit", "bearbeitung", "prufung",
    "en cours", "revue", "in corso", "revisione", "bezig", "uitvoering", "behandeling",
    "pagar", "pagaende", "i gang", "igang", "tyon alla", "kaynnissa", "toos", "pooleli",
    "probiha", "rozpracovano", "prebieha", "rozpracovane", "folyamatban",
    "devam", "yapiliyor", "incelemede", "в работе", "в процессе", "на проверке",
    "dang thuc hien", "dang lam",
    "进行中", "處理中", "处理中", "進行中", "作業中", "対応中", "レビュー", "진행", "검토",
)  # fmt: skip


def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    from onproduct.exchange.text import fold

    parts = []
    for word in dict.fromkeys(fold(w) for w in words):
        escaped = re.escape(word)
        # Latin words of up to four letters only whole ("lost" but not "lostwithiel",
        # "klar" but not "zu klaren"); longer ones also as the start of a word.
        if word.isascii() and len(word) <= 4:
            parts.append(rf"\b{escaped}\b")
        elif word.isascii():
            parts.append(rf"\b{escaped}")
        else:
            parts.append(escaped)
    return re.compile("|".join(parts))


DONE = _words(_DONE_WORDS)
DOING = _words(_DOING_WORDS)


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
    # Statuses the user chose for values that stand for one (a Trello list), folded.
    statuses: dict[str, str] = field(default_factory=dict)

    def target_of(self, values: Mapping[str, Iterable[str]]) -> str:
        """The category (or SKIP) of an item with these values per kind."""
        for kind in self.kinds:
            rules = self.rules.get(kind, {})
            for value in values.get(kind, ()):
                target = rules.get(value.casefold())
                if target:
                    return target
        return self.default

    def checked_target_of(self, values: Mapping[str, Iterable[str]]) -> str:
        """`target_of`, refusing a rule that names no category (a hand-edited setting)."""
        found = self.target_of(values)
        if found != SKIP and found not in CATEGORY_KEYS:
            raise ExchangeError(f"The mapping names no category {found!r}.")
        return found

    def skip_reason(self, values: Mapping[str, Iterable[str]]) -> str:
        """Why an item with these values is left out: the first rule that skips it."""
        rule = next(
            (
                f"{kind} {value!r}"
                for kind in self.kinds
                for value in values.get(kind, ())
                if self.rule(kind, value) == SKIP
            ),
            "its mapping",
        )
        return f"{rule} is mapped to Skip"

    def set(self, kind: str, value: str, target: str | None) -> None:
        rules = self.rules.setdefault(kind, {})
        if target:
            rules[value.casefold()] = target
        else:
            rules.pop(value.casefold(), None)

    def rule(self, kind: str, value: str) -> str | None:
        return self.rules.get(kind, {}).get(value.casefold())

    def status(self, value: str) -> str | None:
        return self.statuses.get(value.casefold())

    def set_status(self, value: str, status: str | None) -> None:
        if status in STATUSES:
            self.statuses[value.casefold()] = status
        else:
            self.statuses.pop(value.casefold(), None)

    def to_json(self) -> str:
        return json.dumps(
            {"rules": self.rules, "default": self.default, "statuses": self.statuses},
            sort_keys=True,
        )

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
            statuses = {
                str(value): str(status)
                for value, status in dict(data.get("statuses", {})).items()
                if status in STATUSES
            }
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        return cls(kinds, rules, default, statuses)


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
