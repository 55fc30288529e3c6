"""Deciding within a budget: `sim optimise SPEC.toml`.

spec (what to search) -> levers (what a candidate changes) -> futures (what we do not know)
-> evaluate (runs through the store and the sweep executors) -> search (optuna NSGA-II,
generation by generation) -> final (the front rerun on fresh seeds, paired with the
baseline) -> robustness (across futures) -> discovery (PRIM: when the choice fails) ->
report (tables, figures, en and zh).
"""
