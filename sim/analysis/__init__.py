"""Comparisons of runs: paired policy differences and validation against published figures."""
