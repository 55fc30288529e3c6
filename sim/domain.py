"""The domain's vocabulary: dispute kinds, complexities, stages, the ladder's levels,
discovery channels and end states, with the integer codes the case table stores.

Every layer speaks these names (the scenario schema, the city, the engine, the records and
the figures), so they sit below all of them.
"""

from __future__ import annotations

DISPUTE_TYPES = (
    "neighbour",
    "family",
    "property_management",
    "heating",
    "land",
    "wage_arrears",
    "medical",
    "traffic",
    "debt",
    "housing_demolition",
)
COMPLEXITIES = ("simple", "general", "complex", "major")
# Glasl-like escalation scale of a dispute left alone: quarrel -> confrontation -> harm.
STAGES = ("quarrel", "confrontation", "harm")
# The ladder of centres, lowest first. "grid" is the grid officer, not a centre.
CENTRE_LEVELS = ("community", "township", "county", "city")
# Specialised committees sit beside the ladder; the court is its exit.
RESOLUTION_PLACES = ("grid", *CENTRE_LEVELS, "committee", "court")

# Discovery channels of a latent dispute; with "lapse" and "incident" they are the clocks
# that can end the latent phase (kept in this order in CaseTable.e_clock and LatentPool.h).
CHANNELS = ("patrol", "building_head", "walk_in", "hotline", "court_filing")
CLOCKS = (*CHANNELS, "lapse", "incident")
CLOCK = {name: k for k, name in enumerate(CLOCKS)}

# End states. OPEN means still in progress when the run stopped.
OPEN = 0
END_STATES = (
    "open",
    "resolved",  # settled by a grid officer, a centre or court mediation
    "withdrawn",  # a party gave up inside the system
    "lapsed",  # settled privately or faded before anybody learned of it
    "judged",  # decided by a court judgment
    "petition",  # left the ladder as a (skip-level) petition
    "incident",  # turned into a violent incident (civil-to-criminal risk)
)
END = {name: code for code, name in enumerate(END_STATES)}

NO_LEVEL = -1
LEVEL_COURT = RESOLUTION_PLACES.index("court")
HOURS_PER_DAY = 24.0  # sessions are in hours, the clock in days
# Places with mediators on duty: the centre levels, the committees and the court.
DUTY_PLACES = RESOLUTION_PLACES[1:]
LEVEL_COMMITTEE = RESOLUTION_PLACES.index("committee")


def level_code(level: str) -> int:
    """Code of a resolution place (grid=0, community=1, ..., city=4, committee=5, court=6)."""
    return RESOLUTION_PLACES.index(level)
