"""Calibration of the model to published figures: targets, free parameters, screening,
fitting and the fit report. The inputs (targets, parameter ranges, validation figures) ship
with the package in ``sim/data/``; the committed results (screening, trials,
report) are in the repository's ``calibration/`` folder; the fitted values are a scenario
calibration file (``sim/scenarios/fitted/``)."""
