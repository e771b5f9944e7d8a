"""Build ``models/places.tsv`` from the administrative-unit mapping shipped inside underthesea.

underthesea (``underthesea/address/data/mapping.json``, from vietnamadminunits) lists every
ward of the 63 provinces before 1 July 2025 with its district, and the ward and province it
became in the 34-province system. We keep one row per (kind, name, province, era) so the
pipeline can recognise both old and new names without loading the 5 MB file per worker.

Run: python scripts/build_places.py > models/places.tsv
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import underthesea

KINDS = ("Thành phố", "Thị xã", "Thị trấn", "Tỉnh", "Quận", "Huyện", "Phường", "Xã")


def split_kind(full: str) -> tuple[str, str]:
    for kind in KINDS:
        if full.lower().startswith(kind.lower() + " "):
            return kind.lower(), full[len(kind) + 1:].strip()
    return "", full.strip()


def main() -> None:
    path = Path(underthesea.__file__).parent / "address" / "data" / "mapping.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    old_short = {k: v["short"] for k, v in data["old_province_names"].items()}
    new_short = {k: v["short"] for k, v in data["province_names"].items()}
    rows: set[tuple[str, str, str, str, str]] = set()
    for key, info in data["old_province_names"].items():
        kind, name = split_kind(info["name"])
        new = new_short[data["province_mapping"][key]]
        rows.add(("province", kind, name, name, "old" if new != name else "both"))
    for key, info in data["province_names"].items():
        kind, name = split_kind(info["name"])
        if ("province", kind, name, name, "both") not in rows:
            rows.add(("province", kind, name, name, "new"))
    for rec in data["ward_mapping"]:
        province = old_short[rec["old_province_key"]]
        kind, name = split_kind(rec["old_district"])
        if name:
            rows.add(("district", kind, name, province, "old"))
        kind, name = split_kind(rec["old_ward"])
        if name:
            rows.add(("ward", kind, name, province, "old"))
        kind, name = split_kind(rec["new_ward"])
        if name:
            rows.add(("ward", kind, name, new_short[rec["new_province_key"]], "new"))
    out = sys.stdout
    out.write(f"# level\tkind\tname\tprovince\tera  (from underthesea {underthesea.__version__}, "
              f"{data['metadata']['source']} {data['metadata']['version']}, "
              f"effective {data['metadata']['effective_date']})\n")
    for row in sorted(rows):
        out.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
