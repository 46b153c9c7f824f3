"""Rebuilds src/ingest/data/regions.csv and region_changes.csv from the packages pinned in the regions-data group.

Run by `make regions-data`. docs/regions.md says why these packages and what the files hold:

* jionlp 1.5.31, dictionary/china_location.zip: the current list of divisions (province, prefecture, county) with
  their 6-digit codes and short names, as of the file's date;
* jionlp 1.5.31, dictionary/china_location_change.txt: renames and re-divisions since 2002 with their dates;
* cpca 0.5.5, resources/adcodes.csv: an older code list, for the codes that renamed or abolished units had.

The packages' files are read where they are installed, without importing the packages (jionlp's import loads its
NLP models).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, replace
from importlib.metadata import distribution
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "ingest" / "data"
LEVELS = ("province", "prefecture", "county")
# Pseudo-prefectures of the list: the counties a province governs directly belong to the province itself.
_DIRECT = "省直辖行政区划"


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    short_name: str
    level: str
    parent: str
    valid_from: int | None = None
    valid_to: int | None = None


def _file(package: str, path: str) -> Path:
    return Path(str(distribution(package).locate_file(path)))


def current_divisions() -> list[Row]:
    """jionlp's list: a line per division, indented once per level below the province: name, code, short name."""
    with zipfile.ZipFile(_file("jionlp", "jionlp/dictionary/china_location.zip")) as archive:
        text = archive.read("china_location.txt").decode("utf-8")
    rows: list[Row] = []
    province = prefecture = ""
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        parts = line.strip().split("\t")
        if depth > 2 or len(parts) != 3:  # towns and villages, and entries without a code
            continue
        name, code, short = parts
        if depth == 0:
            province = prefecture = code
            rows.append(Row(code, name, short, "province", ""))
        elif depth == 1:
            # a municipality repeats itself as its own prefecture; its districts hang on the province
            prefecture = province if (code == province or name == _DIRECT) else code
            if prefecture != province:
                rows.append(Row(code, name, short, "prefecture", province))
        else:
            rows.append(Row(code, name, short, "county", prefecture))
    return rows


def older_codes() -> dict[tuple[str, str], str]:
    """cpca's older list: (code of the prefecture, name) → 6-digit code; provinces under their own code."""
    path = _file("cpca", "cpca/resources/adcodes.csv")
    codes: dict[tuple[str, str], str] = {}
    with path.open(encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            code = record["adcode"][:6]
            codes[(code[:4] + "00", record["name"])] = code
            codes[(code[:2] + "0000", record["name"])] = code
    return codes


def changes() -> list[str]:
    """jionlp's renames: date, approver, the old unit's names by level => the new unit's; the file repeats some."""
    path = _file("jionlp", "jionlp/dictionary/china_location_change.txt")
    return list(dict.fromkeys(line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()))


def main() -> None:
    current = current_divisions()
    by_code = {row.code: row for row in current}
    by_parent_name = {(row.parent, row.name): row for row in current}
    provinces = {row.name: row.code for row in current if row.level == "province"}
    prefectures = {(row.parent, row.name): row.code for row in current if row.level == "prefecture"}
    older = older_codes()
    older_set = set(older.values())
    historic: dict[tuple[str, str], Row] = {}
    starts: dict[str, int] = {}
    table: list[dict[str, str]] = []
    for line in changes():
        before, after = line.split("=>")
        old, new = before.split("\t"), after.split("\t")
        day, approved_by = old[0], old[1]
        year = int(day[:4])
        province = provinces.get(old[2], "")
        old_prefecture = prefectures.get((province, old[4])) or older.get((province, old[4]), "")
        new_province = provinces.get(new[0], "")
        new_prefecture = prefectures.get((new_province, new[1]), "")
        if len(old) == 8:  # a county
            level, old_name, old_short, new_name = "county", old[6], old[7], new[2]
            successor = by_parent_name.get((new_prefecture or new_province, new_name))
            old_code = older.get((old_prefecture, old_name), "") if old_prefecture else ""
            parent = old_prefecture or province
        else:  # a prefecture renamed: GB/T 2260 keeps its code (襄樊市 → 襄阳市, 420600)
            level, old_name, old_short, new_name = "prefecture", old[4], old[5], new[1]
            successor = by_parent_name.get((new_province, new_name))
            old_code = old_prefecture or (successor.code if successor else "")
            parent = province
        new_code = successor.code if successor else ""
        table.append(
            {
                "date": day,
                "approved_by": approved_by,
                "level": level,
                "old_code": old_code,
                "old_name": old_name,
                "new_code": new_code,
                "new_name": new_name,
            }
        )
        if old_code and old_name != new_name and (old_code not in by_code or old_code == new_code):
            historic[(old_code, old_name)] = Row(old_code, old_name, old_short, level, parent, valid_to=year)
        if new_code and new_code not in older_set:
            starts[new_code] = min(year, starts.get(new_code, year))
    rows = [replace(row, valid_from=starts.get(row.code)) for row in current]
    rows += sorted(historic.values(), key=lambda row: (row.code, row.name))
    with (OUT / "regions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name", "short_name", "level", "parent", "valid_from", "valid_to"])
        for row in sorted(rows, key=lambda row: (row.code, row.valid_to or 9999)):
            writer.writerow([row.code, row.name, row.short_name, row.level, row.parent, row.valid_from, row.valid_to])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(table[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(sorted(table, key=lambda row: (row["date"], row["old_code"], row["old_name"])))
    (OUT / "region_changes.csv").write_text(buffer.getvalue(), encoding="utf-8")
    print(
        f"{len(current)} current divisions, {len(historic)} former ones; {len(table)} changes,"
        f" {sum(1 for row in table if not row['old_code'])} without a known former code,"
        f" {sum(1 for row in table if not row['new_code'])} whose successor is not in the current list"
    )


if __name__ == "__main__":
    main()
