"""The ``crosswalk`` command line."""

from __future__ import annotations

from crosswalk.cli.parser import build_parser, main

__all__ = ["build_parser", "main"]
