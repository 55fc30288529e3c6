"""Figures and one-page reports from result tables (runs, planner scripts, sweeps).

Nothing here imports the model: every figure is built from tables that runs wrote.
"""
