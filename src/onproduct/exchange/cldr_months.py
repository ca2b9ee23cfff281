"""Month names in the languages Jira exports in, folded, to month numbers: from CLDR.

Jira writes dates such as `25/juin/20 12:44` or `25/6月/20` with the month named in the
exporting user's language. `MONTHS` below is generated from Babel's copy of CLDR: the
abbreviated and wide names, in their format and stand-alone forms, each with and without
a trailing dot, folded the way `text.fold` folds header names. It is a literal so the app
needs no Babel at run time. After changing `LOCALES` or upgrading Babel, regenerate it:

    python -m onproduct.exchange.cldr_months --write

(without `--write` the new table is printed). A test checks that the table is what this
would write now.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

# The languages of Jira Cloud, as CLDR names them (English twice: "Sept" is en_GB's).
LOCALES = (
    "cs", "da", "de", "en", "en_GB", "es", "et", "fi", "fr", "hu", "it", "ja", "ko", "nb",
    "nl", "pl", "pt", "pt_PT", "ru", "sk", "sv", "tr", "zh_Hans", "zh_Hant",
)  # fmt: skip

_BEGIN = "# BEGIN GENERATED TABLE"
_END = "# END GENERATED TABLE"

# BEGIN GENERATED TABLE (python -m onproduct.exchange.cldr_months --write)
# From CLDR 49 by Babel 2.19.0: 658 names.
# No name means two months in these languages: none had to be left out.
# fmt: off
MONTHS: dict[str, int] = {
    "1월": 1, "1월.": 1, "1月": 1, "1月.": 1, "ene": 1, "ene.": 1, "enero": 1, "enero.": 1,
    "gen": 1, "gen.": 1, "gennaio": 1, "gennaio.": 1, "jaan": 1, "jaan.": 1, "jaanuar": 1,
    "jaanuar.": 1, "jan": 1, "jan.": 1, "janeiro": 1, "janeiro.": 1, "januar": 1, "januar.": 1,
    "januara": 1, "januara.": 1, "januari": 1, "januari.": 1, "january": 1, "january.": 1,
    "janv": 1, "janv.": 1, "janvier": 1, "janvier.": 1, "led": 1, "led.": 1, "leden": 1,
    "leden.": 1, "ledna": 1, "ledna.": 1, "oca": 1, "oca.": 1, "ocak": 1, "ocak.": 1, "sty": 1,
    "sty.": 1, "styczen": 1, "styczen.": 1, "stycznia": 1, "stycznia.": 1, "tammi": 1,
    "tammi.": 1, "tammikuu": 1, "tammikuu.": 1, "tammikuuta": 1, "tammikuuta.": 1, "янв": 1,
    "янв.": 1, "январь": 1, "январь.": 1, "января": 1, "января.": 1, "一月": 1, "一月.": 1,
    "2월": 2, "2월.": 2, "2月": 2, "2月.": 2, "feb": 2, "feb.": 2, "febbraio": 2,
    "febbraio.": 2, "febr": 2, "febr.": 2, "febrero": 2, "febrero.": 2, "februar": 2,
    "februar.": 2, "februara": 2, "februara.": 2, "februari": 2, "februari.": 2, "february": 2,
    "february.": 2, "fev": 2, "fev.": 2, "fevereiro": 2, "fevereiro.": 2, "fevr": 2, "fevr.": 2,
    "fevrier": 2, "fevrier.": 2, "helmi": 2, "helmi.": 2, "helmikuu": 2, "helmikuu.": 2,
    "helmikuuta": 2, "helmikuuta.": 2, "lut": 2, "lut.": 2, "lutego": 2, "lutego.": 2,
    "luty": 2, "luty.": 2, "sub": 2, "sub.": 2, "subat": 2, "subat.": 2, "uno": 2, "uno.": 2,
    "unor": 2, "unor.": 2, "unora": 2, "unora.": 2, "veebr": 2, "veebr.": 2, "veebruar": 2,
    "veebruar.": 2, "февр": 2, "февр.": 2, "февраль": 2, "февраль.": 2, "февраля": 2,
    "февраля.": 2, "二月": 2, "二月.": 2, "3월": 3, "3월.": 3, "3月": 3, "3月.": 3, "bre": 3,
    "bre.": 3, "brezen": 3, "brezen.": 3, "brezna": 3, "brezna.": 3, "maalis": 3, "maalis.": 3,
    "maaliskuu": 3, "maaliskuu.": 3, "maaliskuuta": 3, "maaliskuuta.": 3, "maart": 3,
    "maart.": 3, "mar": 3, "mar.": 3, "marc": 3, "marc.": 3, "marca": 3, "marca.": 3,
    "march": 3, "march.": 3, "marcius": 3, "marcius.": 3, "marco": 3, "marco.": 3, "marec": 3,
    "marec.": 3, "mars": 3, "mars.": 3, "mart": 3, "mart.": 3, "marts": 3, "marts.": 3,
    "marz": 3, "marz.": 3, "marzec": 3, "marzec.": 3, "marzo": 3, "marzo.": 3, "mrt": 3,
    "mrt.": 3, "мар": 3, "мар.": 3, "март": 3, "март.": 3, "марта": 3, "марта.": 3, "三月": 3,
    "三月.": 3, "4월": 4, "4월.": 4, "4月": 4, "4月.": 4, "abr": 4, "abr.": 4, "abril": 4,
    "abril.": 4, "apr": 4, "apr.": 4, "april": 4, "april.": 4, "aprila": 4, "aprila.": 4,
    "aprile": 4, "aprile.": 4, "aprilis": 4, "aprilis.": 4, "aprill": 4, "aprill.": 4, "avr": 4,
    "avr.": 4, "avril": 4, "avril.": 4, "dub": 4, "dub.": 4, "duben": 4, "duben.": 4,
    "dubna": 4, "dubna.": 4, "huhti": 4, "huhti.": 4, "huhtikuu": 4, "huhtikuu.": 4,
    "huhtikuuta": 4, "huhtikuuta.": 4, "kwi": 4, "kwi.": 4, "kwiecien": 4, "kwiecien.": 4,
    "kwietnia": 4, "kwietnia.": 4, "nis": 4, "nis.": 4, "nisan": 4, "nisan.": 4, "апр": 4,
    "апр.": 4, "апрель": 4, "апрель.": 4, "апреля": 4, "апреля.": 4, "四月": 4, "四月.": 4,
    "5월": 5, "5월.": 5, "5月": 5, "5月.": 5, "kve": 5, "kve.": 5, "kveten": 5, "kveten.": 5,
    "kvetna": 5, "kvetna.": 5, "mag": 5, "mag.": 5, "maggio": 5, "maggio.": 5, "mai": 5,
    "mai.": 5, "maio": 5, "maio.": 5, "maj": 5, "maj.": 5, "maja": 5, "maja.": 5, "majus": 5,
    "majus.": 5, "may": 5, "may.": 5, "mayo": 5, "mayo.": 5, "mayıs": 5, "mayıs.": 5, "mei": 5,
    "mei.": 5, "touko": 5, "touko.": 5, "toukokuu": 5, "toukokuu.": 5, "toukokuuta": 5,
    "toukokuuta.": 5, "маи": 5, "маи.": 5, "мая": 5, "мая.": 5, "五月": 5, "五月.": 5, "6월": 6,
    "6월.": 6, "6月": 6, "6月.": 6, "cerven": 6, "cerven.": 6, "cervna": 6, "cervna.": 6,
    "cvn": 6, "cvn.": 6, "cze": 6, "cze.": 6, "czerwca": 6, "czerwca.": 6, "czerwiec": 6,
    "czerwiec.": 6, "giu": 6, "giu.": 6, "giugno": 6, "giugno.": 6, "haz": 6, "haz.": 6,
    "haziran": 6, "haziran.": 6, "juin": 6, "juin.": 6, "jun": 6, "jun.": 6, "juna": 6,
    "juna.": 6, "june": 6, "june.": 6, "junho": 6, "junho.": 6, "juni": 6, "juni.": 6,
    "junio": 6, "junio.": 6, "junius": 6, "junius.": 6, "juuni": 6, "juuni.": 6, "kesa": 6,
    "kesa.": 6, "kesakuu": 6, "kesakuu.": 6, "kesakuuta": 6, "kesakuuta.": 6, "июн": 6,
    "июн.": 6, "июнь": 6, "июнь.": 6, "июня": 6, "июня.": 6, "六月": 6, "六月.": 6, "7월": 7,
    "7월.": 7, "7月": 7, "7月.": 7, "cervence": 7, "cervence.": 7, "cervenec": 7, "cervenec.": 7,
    "cvc": 7, "cvc.": 7, "heina": 7, "heina.": 7, "heinakuu": 7, "heinakuu.": 7,
    "heinakuuta": 7, "heinakuuta.": 7, "juil": 7, "juil.": 7, "juillet": 7, "juillet.": 7,
    "jul": 7, "jul.": 7, "jula": 7, "jula.": 7, "julho": 7, "julho.": 7, "juli": 7, "juli.": 7,
    "julio": 7, "julio.": 7, "julius": 7, "julius.": 7, "july": 7, "july.": 7, "juuli": 7,
    "juuli.": 7, "lip": 7, "lip.": 7, "lipca": 7, "lipca.": 7, "lipiec": 7, "lipiec.": 7,
    "lug": 7, "lug.": 7, "luglio": 7, "luglio.": 7, "tem": 7, "tem.": 7, "temmuz": 7,
    "temmuz.": 7, "июл": 7, "июл.": 7, "июль": 7, "июль.": 7, "июля": 7, "июля.": 7, "七月": 7,
    "七月.": 7, "8월": 8, "8월.": 8, "8月": 8, "8月.": 8, "ago": 8, "ago.": 8, "agosto": 8,
    "agosto.": 8, "agu": 8, "agu.": 8, "agustos": 8, "agustos.": 8, "aout": 8, "aout.": 8,
    "aug": 8, "aug.": 8, "august": 8, "august.": 8, "augusta": 8, "augusta.": 8, "augusti": 8,
    "augusti.": 8, "augustus": 8, "augustus.": 8, "augusztus": 8, "augusztus.": 8, "elo": 8,
    "elo.": 8, "elokuu": 8, "elokuu.": 8, "elokuuta": 8, "elokuuta.": 8, "sie": 8, "sie.": 8,
    "sierpien": 8, "sierpien.": 8, "sierpnia": 8, "sierpnia.": 8, "srp": 8, "srp.": 8,
    "srpen": 8, "srpen.": 8, "srpna": 8, "srpna.": 8, "авг": 8, "авг.": 8, "август": 8,
    "август.": 8, "августа": 8, "августа.": 8, "八月": 8, "八月.": 8, "9월": 9, "9월.": 9,
    "9月": 9, "9月.": 9, "eyl": 9, "eyl.": 9, "eylul": 9, "eylul.": 9, "sep": 9, "sep.": 9,
    "sept": 9, "sept.": 9, "september": 9, "september.": 9, "septembra": 9, "septembra.": 9,
    "septembre": 9, "septembre.": 9, "septiembre": 9, "septiembre.": 9, "set": 9, "set.": 9,
    "setembro": 9, "setembro.": 9, "settembre": 9, "settembre.": 9, "syys": 9, "syys.": 9,
    "syyskuu": 9, "syyskuu.": 9, "syyskuuta": 9, "syyskuuta.": 9, "szept": 9, "szept.": 9,
    "szeptember": 9, "szeptember.": 9, "wrz": 9, "wrz.": 9, "wrzesien": 9, "wrzesien.": 9,
    "wrzesnia": 9, "wrzesnia.": 9, "zar": 9, "zar.": 9, "zari": 9, "zari.": 9, "сент": 9,
    "сент.": 9, "сентябрь": 9, "сентябрь.": 9, "сентября": 9, "сентября.": 9, "九月": 9, "九月.": 9,
    "10월": 10, "10월.": 10, "10月": 10, "10月.": 10, "eki": 10, "eki.": 10, "ekim": 10,
    "ekim.": 10, "loka": 10, "loka.": 10, "lokakuu": 10, "lokakuu.": 10, "lokakuuta": 10,
    "lokakuuta.": 10, "oct": 10, "oct.": 10, "october": 10, "october.": 10, "octobre": 10,
    "octobre.": 10, "octubre": 10, "octubre.": 10, "okt": 10, "okt.": 10, "oktober": 10,
    "oktober.": 10, "oktobra": 10, "oktobra.": 10, "oktoober": 10, "oktoober.": 10, "ott": 10,
    "ott.": 10, "ottobre": 10, "ottobre.": 10, "out": 10, "out.": 10, "outubro": 10,
    "outubro.": 10, "paz": 10, "paz.": 10, "pazdziernik": 10, "pazdziernik.": 10,
    "pazdziernika": 10, "pazdziernika.": 10, "rij": 10, "rij.": 10, "rijen": 10, "rijen.": 10,
    "rijna": 10, "rijna.": 10, "окт": 10, "окт.": 10, "октябрь": 10, "октябрь.": 10,
    "октября": 10, "октября.": 10, "十月": 10, "十月.": 10, "11월": 11, "11월.": 11, "11月": 11,
    "11月.": 11, "kas": 11, "kas.": 11, "kasım": 11, "kasım.": 11, "lis": 11, "lis.": 11,
    "listopad": 11, "listopad.": 11, "listopada": 11, "listopada.": 11, "listopadu": 11,
    "listopadu.": 11, "marras": 11, "marras.": 11, "marraskuu": 11, "marraskuu.": 11,
    "marraskuuta": 11, "marraskuuta.": 11, "nov": 11, "nov.": 11, "november": 11,
    "november.": 11, "novembra": 11, "novembra.": 11, "novembre": 11, "novembre.": 11,
    "novembro": 11, "novembro.": 11, "noviembre": 11, "noviembre.": 11, "нояб": 11, "нояб.": 11,
    "ноябрь": 11, "ноябрь.": 11, "ноября": 11, "ноября.": 11, "十一月": 11, "十一月.": 11,
    "12월": 12, "12월.": 12, "12月": 12, "12月.": 12, "ara": 12, "ara.": 12, "aralık": 12,
    "aralık.": 12, "dec": 12, "dec.": 12, "december": 12, "december.": 12, "decembra": 12,
    "decembra.": 12, "decembre": 12, "decembre.": 12, "des": 12, "des.": 12, "desember": 12,
    "desember.": 12, "dets": 12, "dets.": 12, "detsember": 12, "detsember.": 12, "dez": 12,
    "dez.": 12, "dezember": 12, "dezember.": 12, "dezembro": 12, "dezembro.": 12, "dic": 12,
    "dic.": 12, "dicembre": 12, "dicembre.": 12, "diciembre": 12, "diciembre.": 12, "gru": 12,
    "gru.": 12, "grudnia": 12, "grudnia.": 12, "grudzien": 12, "grudzien.": 12, "joulu": 12,
    "joulu.": 12, "joulukuu": 12, "joulukuu.": 12, "joulukuuta": 12, "joulukuuta.": 12,
    "pro": 12, "pro.": 12, "prosince": 12, "prosince.": 12, "prosinec": 12, "prosinec.": 12,
    "дек": 12, "дек.": 12, "декабрь": 12, "декабрь.": 12, "декабря": 12, "декабря.": 12,
    "十二月": 12, "十二月.": 12,
}
# fmt: on
# END GENERATED TABLE


def table_text() -> str:
    """The generated block of this module, as `--write` writes it (needs Babel)."""
    import babel
    from babel.core import get_cldr_version
    from babel.dates import get_month_names

    from onproduct.exchange.text import fold

    found: dict[str, dict[int, set[str]]] = {}  # folded name -> month -> locales
    for locale in LOCALES:
        for width in ("abbreviated", "wide"):
            for context in ("format", "stand-alone"):
                for month, name in get_month_names(width, context, locale).items():
                    folded = fold(name).rstrip(".")
                    for form in (folded, folded + "."):
                        found.setdefault(form, {}).setdefault(month, set()).add(locale)
    clashes = {name: months for name, months in found.items() if len(months) > 1}
    table = sorted(
        ((next(iter(months)), name) for name, months in found.items() if len(months) == 1),
    )
    lines = [
        f"{_BEGIN} (python -m onproduct.exchange.cldr_months --write)",
        f"# From CLDR {get_cldr_version()} by Babel {babel.__version__}: {len(table)} names.",
    ]
    if not clashes:
        lines.append("# No name means two months in these languages: none had to be left out.")
    else:
        lines.append("# Left out, as two languages give them different months:")
        for name, months in sorted(clashes.items()):
            if name.endswith("."):
                continue  # said once, without its dot
            said = "; ".join(
                f"{month} in {', '.join(sorted(locales))}"
                for month, locales in sorted(months.items())
            )
            lines.append(f"#   {name!r}: {said}")
    lines += ["# fmt: off", "MONTHS: dict[str, int] = {"]
    row = "   "
    for month, name in table:
        entry = f" {json.dumps(name, ensure_ascii=False)}: {month},"
        if len(row) + len(entry) > 96:
            lines.append(row)
            row = "   "
        row += entry
    lines += [row, "}", "# fmt: on", _END]
    return "\n".join(lines) + "\n"


def regenerated(module_text: str) -> str:
    """This module's text with its table block replaced by a freshly generated one."""
    pattern = re.compile(rf"^{re.escape(_BEGIN)}.*?^{re.escape(_END)}\n", re.S | re.M)
    if len(pattern.findall(module_text)) != 1:
        raise ValueError("the module has no single generated block to replace")
    return pattern.sub(lambda _: table_text(), module_text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--write", action="store_true", help="rewrite this module's table")
    args = parser.parse_args(argv)
    if args.write:
        path = Path(__file__)
        path.write_text(regenerated(path.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(table_text(), end="")


if __name__ == "__main__":
    main()
