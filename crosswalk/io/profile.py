"""An organisation profile from whatever a user typed: YAML, CSV ``#`` lines, an Excel sheet.

The vocabulary (:data:`PROFILE_FIELDS`, the README's "Inventories" section):

- ``roles``: a list of :data:`ROLES` (EU AI Act operator roles);
- ``categories``: a list of :data:`CATEGORIES` (AI system categories; the coarse
  ``transparency`` is accepted and means every Art 50 case, with a warning in reports);
- ``as_of``: the date at which obligations are counted (``YYYY-MM-DD``);
- ``regime``: ``omnibus`` (application dates as amended by the Digital Omnibus, the
  default) or ``original`` (Art 113 as adopted);
- ``placed_on_market``: when the systems were first placed on the market (``YYYY-MM-DD``).

Every problem names the field and says what is allowed ("roles must be a list of:
provider, deployer, …"); a list may also be written as text separated by commas or
semicolons ("provider, deployer").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_args

from crosswalk.io.text import decode_text, shown
from crosswalk.io.yaml_read import load_yaml
from crosswalk.model.errors import DataError, InventoryError, Problem
from crosswalk.model.inventory import Profile
from crosswalk.model.records import Category, Role

__all__ = [
    "CATEGORIES",
    "PROFILE_FIELDS",
    "REGIMES",
    "ROLES",
    "profile_from_mapping",
    "read_profile",
]

ROLES: tuple[str, ...] = get_args(Role)
"""EU AI Act operator roles a profile may name."""
CATEGORIES: tuple[str, ...] = get_args(Category)
"""AI system categories a profile may name."""
REGIMES: tuple[str, ...] = ("omnibus", "original")
"""Which application dates count: as amended by the Digital Omnibus, or as adopted."""
PROFILE_FIELDS: tuple[str, ...] = ("roles", "categories", "as_of", "regime", "placed_on_market")
"""The fields of a profile, in the order they are documented."""

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _words(value: Any) -> list[Any] | None:
    """A list as given, or text split on commas and semicolons; None when neither."""
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[,;\n]", value) if part.strip()]
    return None


def _vocabulary(
    value: Any, field: str, allowed: tuple[str, ...], noun: str, problem: Any
) -> tuple[str, ...]:
    items = _words(value)
    rule = f"{field} must be a list of: {', '.join(allowed)}"
    if items is None:
        problem(field, f"{shown(value)} is not a list; {rule}")
        return ()
    chosen: list[str] = []
    for item in items:
        word = str(item).strip().lower().replace(" ", "_").replace("-", "_")
        if not isinstance(item, str) or word not in allowed:
            problem(field, f"{shown(item)} is not a {noun}; {rule}")
        elif word not in chosen:
            chosen.append(word)
    return tuple(chosen)


def _date(value: Any, field: str, problem: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if isinstance(value, str) and _DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    problem(field, f"{shown(value)} is not a date; {field} must be a date written YYYY-MM-DD")
    return None


def profile_from_mapping(
    raw: Mapping[str, Any], *, file: str, where: str = "profile", problems: list[Problem]
) -> Profile | None:
    """A profile from a mapping of its fields; problems are appended (then None is returned)."""
    before = len(problems)

    def problem(field: str, message: str) -> None:
        problems.append(Problem(file, f"{where}.{field}" if where else field, "profile", message))

    for key in raw:
        if str(key) not in PROFILE_FIELDS:
            problems.append(
                Problem(
                    file,
                    where,
                    "profile",
                    f"unknown field {shown(key)}; a profile has: {', '.join(PROFILE_FIELDS)}",
                )
            )
    roles = _vocabulary(raw.get("roles", ()), "roles", ROLES, "role", problem)
    categories = _vocabulary(
        raw.get("categories", ()), "categories", CATEGORIES, "category", problem
    )
    regime = raw.get("regime") or "omnibus"
    if not isinstance(regime, str) or regime.strip().lower() not in REGIMES:
        problem(
            "regime", f"{shown(regime)} is not a regime; regime must be one of: omnibus, original"
        )
        regime = "omnibus"
    as_of = _date(raw.get("as_of"), "as_of", problem)
    placed = _date(raw.get("placed_on_market"), "placed_on_market", problem)
    if len(problems) > before:
        return None
    return Profile(
        roles=roles,
        categories=categories,
        as_of=as_of,
        regime=regime.strip().lower(),
        placed_on_market=placed,
    )


def read_profile(path: str | Path) -> Profile:
    """Read an organisation profile file (YAML: the fields of :data:`PROFILE_FIELDS`).

    The fields may sit at the top level or under ``profile:``. Raises InventoryError
    listing every problem.
    """
    path = Path(path)
    file = str(path)
    try:
        text = decode_text(path)
    except OSError as error:
        raise InventoryError([Problem(file, "", "readable", str(error))]) from None
    try:  # safe: no duplicate keys, no alias bombs, no deep nesting
        document = load_yaml(text, file)
    except DataError as error:
        raise InventoryError(error.problems) from None
    if isinstance(document, dict) and "profile" in document:
        document = document["profile"]
    if not isinstance(document, dict):
        raise InventoryError(
            [
                Problem(
                    file,
                    "",
                    "profile",
                    f"expected a mapping with the fields {', '.join(PROFILE_FIELDS)}",
                )
            ]
        )
    problems: list[Problem] = []
    profile = profile_from_mapping(document, file=file, where="", problems=problems)
    if profile is None:
        raise InventoryError(problems)
    return profile
