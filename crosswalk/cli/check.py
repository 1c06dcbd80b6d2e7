"""``crosswalk check``: an inventory checked on its own, every problem listed.

Exit codes (README, "Command line"): 0 the inventory reads cleanly (warnings, such as
citations of frameworks that are not loaded, are printed); 1 it has problems, each
listed with file, sheet, row, column and rule; 2 bad usage (an unknown option, data
files that do not load).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from crosswalk.model.errors import InventoryError
from crosswalk.model.inventory import Inventory

__all__ = ["check_inventories", "is_inventory", "profile_warning_lines", "unresolved_lines"]

_INVENTORY_KEYS = re.compile(rb"^(?:controls|inventory)\s*:", re.MULTILINE)


def is_inventory(path: str | Path) -> bool:
    """True for a file that holds an inventory: CSV, Excel, or YAML with ``controls:``."""
    path = Path(path)
    if not path.is_file():
        return False
    if path.suffix.lower() in (".csv", ".xlsx", ".tsv"):
        return True
    if path.suffix.lower() not in (".yaml", ".yml"):
        return False
    with path.open("rb") as handle:
        return bool(_INVENTORY_KEYS.search(handle.read(65_536)))


def unresolved_lines(inventory: Inventory) -> list[str]:
    """Warning lines for citations that name no loaded framework (empty when there are none)."""
    found = inventory.unresolved
    if not found:
        return []
    lines = [
        (
            f"warning: {len(found)} citation(s) name a framework that is not loaded; "
            "they are kept as unresolved and count for nothing:"
        )
    ]
    lines += [f"  - control {control}: {u.cited!r} ({u.coverage})" for control, u in found]
    lines.append(
        "  to count them, load that framework as a catalogue (and its mappings) with "
        "--data DIR (the grammar is in mappings/README.md); --strict refuses them"
    )
    return lines


def profile_warning_lines(inventory: Inventory) -> list[str]:
    """Warning lines about the profile itself, e.g. a coarse category (empty when none)."""
    profile = inventory.profile
    return [f"warning: {text}" for text in (profile.warnings if profile else ())]


def check_inventories(
    paths: list[str], kb: Any, *, profile: Any = None, strict: bool = False
) -> int:
    """Check each inventory against ``kb``; print what was read or every problem. 0 or 1."""
    from crosswalk.io.inventory import read_inventory

    failed = False
    for path in paths:
        try:
            inventory = read_inventory(path, kb=kb, profile=profile, strict=strict)
        except InventoryError as error:
            print(f"error: {error}", file=sys.stderr)
            failed = True
            continue
        controls = inventory.controls
        references = sum(len(c.implements) for c in controls)
        described = inventory.profile.describe() if inventory.profile else "none"
        print(
            f"{path}: {len(controls)} control(s), {sum(c.effective for c in controls)} in effect, "
            f"{references} clause reference(s) resolved\n"
            f"  organisation: {inventory.organisation or '(not given)'}\n"
            f"  profile: {described}"
        )
        for line in unresolved_lines(inventory) + profile_warning_lines(inventory):
            print(line, file=sys.stderr)
    return 1 if failed else 0


def _cmd_check(args: argparse.Namespace) -> int:
    import crosswalk
    from crosswalk.io.profile import read_profile

    profile = read_profile(args.profile) if args.profile else None
    args._progress.step("loading the knowledge base (to resolve citations)")
    kb = crosswalk.load(args.data or (), bundled=not args.no_bundled)
    return check_inventories(args.inventories, kb, profile=profile, strict=args.strict)
