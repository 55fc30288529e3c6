"""The simulation core: the model and its SimPy clock, the case table and stay log, arrivals,
the latent pool and patrols, the ladder's processes and rule tables. The agents it moves
are in :mod:`sim.agents`. It never imports results, reports, analysis, sweeps or the CLI."""
