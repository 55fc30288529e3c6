"""The static structure of a city, built once per scenario and never changed by a run:
geography, room placement, staffing, scaling and siting, assembled into a Network.
It never imports the engine."""
