"""Methods that a higher layer provides for a lower layer's class, by name.

A gap report's workbook (``to_excel``) and its Jupyter view (``_repr_html_``) are written
by the excel and display layers, which sit above the gap layer: the report cannot import
them. Those layers register their functions here when imported (:func:`attach`), without
importing the class they serve, and the class's method looks its function up
(:func:`attached`). So importing the views and workbooks (``crosswalk.api`` does) does not
import the gap analysis, and a report made by any entry point finds them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["attach", "attached"]

_ATTACHED: dict[tuple[str, str], Callable[..., Any]] = {}
_PROVIDERS = {"to_excel": "crosswalk.excel", "_repr_html_": "crosswalk.display"}


def attach(owner: str, name: str, function: Callable[..., Any]) -> None:
    """Provide method ``name`` of class ``owner`` (``module.QualName``) as ``function``."""
    _ATTACHED[owner, name] = function


def attached(instance: object, name: str) -> Callable[..., Any]:
    """The function attached as method ``name`` of the class of ``instance``.

    Raises AttributeError naming the package that provides it when it is not imported
    yet (``import crosswalk`` and ``crosswalk.load()`` import both).
    """
    cls = type(instance)
    for klass in cls.__mro__:
        found = _ATTACHED.get((f"{klass.__module__}.{klass.__qualname__}", name))
        if found is not None:
            return found
    provider = _PROVIDERS.get(name, "the layer that provides it")
    raise AttributeError(f"{cls.__name__}.{name} is provided by {provider}: import it first")
