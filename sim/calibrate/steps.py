"""The steps of ``sim calibrate`` (screen, fit, report), each returning the line it prints;
the command line and the cross-validation run the same ones."""

from __future__ import annotations

from sim.calibrate.settings import Settings

STEPS = ("screen", "fit", "report")


def run_step(step: str, settings: Settings) -> str:
    if step == "screen":
        from sim.calibrate.screening import read_selection, screen

        path = screen(settings)
        chosen = read_selection(path)
        cap = settings.max_parameters or 2 * len(settings.targets) + 1
        return (
            f"wrote {path}; selected (those adding most first; the fit takes the first "
            f"{min(cap, len(chosen))}): {', '.join(chosen) or 'none'}"
        )
    if step == "fit":
        from sim.calibrate.fit import fit

        done = fit(settings)
        return (
            f"wrote {settings.fitted_file} (best trial {done['best_trial']}, objective "
            f"{done['objective']:.3g}, {done['accepted_trials']} accepted of "
            f"{done['trials_complete']})"
        )
    from sim.calibrate.report import report

    return f"wrote {report(settings)}"
