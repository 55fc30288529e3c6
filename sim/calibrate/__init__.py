"""Calibration of the model to published figures: targets, free parameters, screening,
fitting and the fit report. The inputs (targets, parameter ranges) and the committed
results (screening, report, accepted parameter sets) live in the repository's
``calibration/`` folder; the fitted values are a scenario calibration file."""
