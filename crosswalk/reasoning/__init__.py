"""Reasoning over relation sets: the RCC-5 algebra, the facts and the reasoning engine."""
