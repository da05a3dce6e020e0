"""Current stock levels (confidential to their partner) and what another partner may see.

Levels are read from a CSV ``partner,material,tonnes[,confidential_to]``. A level confidential
to a partner is seen in full by that partner (and admins); anyone else sees, for that
partner's materials, only the joint coverage (months of cover of the joint stock) and the
recommended joint action, never the level, the partner's own purchase, its months of cover or
its expected shortfall (each would give the level away).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from typing import Any

from critmin.countries import to_iso3
from critmin.errors import DataError, Issue

COLUMNS = ("partner", "material", "tonnes")


@dataclass(frozen=True)
class Level:
    partner: str
    material: str
    tonnes: float
    confidential_to: str | None


def parse_levels(text: str, file: str = "levels.csv") -> list[Level]:
    """The rows of a levels CSV; every bad row, column or value in one :class:`DataError`."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise DataError([Issue(file, 1, c, "missing column") for c in missing])
    issues, out, seen = [], [], set()
    for n, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        try:
            partner = to_iso3(row["partner"])
        except Exception as exc:
            issues.append(Issue(file, n, "partner", str(exc)))
            continue
        material = row["material"]
        if not material:
            issues.append(Issue(file, n, "material", "empty"))
            continue
        try:
            tonnes = float(row["tonnes"])
        except ValueError:
            issues.append(Issue(file, n, "tonnes", f"{row['tonnes']!r} is not a number"))
            continue
        if not math.isfinite(tonnes) or tonnes < 0:
            issues.append(Issue(file, n, "tonnes", f"must be a number >= 0, got {tonnes}"))
            continue
        secret = row.get("confidential_to") or None
        if secret is not None:
            try:
                secret = to_iso3(secret)
            except Exception as exc:
                issues.append(Issue(file, n, "confidential_to", str(exc)))
                continue
            if secret != partner:
                issues.append(
                    Issue(
                        file,
                        n,
                        "confidential_to",
                        f"a level of {partner} can only be confidential to {partner}",
                    )
                )
                continue  # fmt: skip
        if (partner, material) in seen:
            issues.append(Issue(file, n, "material", f"{partner} {material} given twice"))
            continue
        seen.add((partner, material))
        out.append(Level(partner, material, tonnes, secret))
    if issues:
        raise DataError(issues)
    return out


def as_current(levels: list[Level]) -> dict[tuple[str, str], float]:
    return {(lv.partner, lv.material): lv.tonnes for lv in levels}


def scope_result(result: dict[str, Any], viewer: str | None, admin: bool = False
                 ) -> dict[str, Any]:  # fmt: skip
    """A stockpile result as ``viewer`` (a partner, or None) may see it: rows of partners whose
    levels are confidential to them (``result["confidential"]``) are dropped unless the viewer
    is that partner or an admin; the joint coverage and joint action stay. Says what it hid."""
    secret = [k for k in result.get("confidential") or [] if admin is False and k != viewer]
    if not secret:
        return result | {"hidden_partners": []}
    hide = set(secret)
    out = dict(result)
    for key in ("rows", "separate"):
        out[key] = [r for r in result.get(key) or [] if r.get("partner") not in hide]
    out["by_partner"] = [r for r in result.get("by_partner") or [] if r.get("partner") not in hide]
    out["anchors"] = [r for r in result.get("anchors") or [] if r.get("partner") not in hide]
    # joint months of cover less one's own stock would give the other's stock back to the
    # tonne: whole months only
    out["joint"] = [r | {"joint_months_of_cover": _whole(r.get("joint_months_of_cover"))}
                    for r in result.get("joint") or []]  # fmt: skip
    out["hidden_partners"] = sorted(hide)
    return out


def _whole(value: Any) -> Any:
    return float(round(value)) if isinstance(value, int | float) and math.isfinite(value) else value
