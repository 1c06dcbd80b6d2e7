"""Reasoning over relation sets: the RCC-5 algebra, path consistency and chains of facts."""
