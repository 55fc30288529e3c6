"""What a published figure counts, as names a targets file chooses from.

Cities publish "disputes" on different bases: received at the joint centres, everything the
grid found, grid officers' on-the-spot settlements included or not, people's-mediation cases
(one per committee that takes a dispute up), court cases. A target names its basis
(``counts = "received_at_centres"``) and the model reports the same quantity: each
convention is an outcome of the registry (:mod:`sim.results.outcomes`), computed by
:func:`sim.calibrate.evaluate.observed` for every calibration run.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.results.outcomes import OUTCOME


@dataclass(frozen=True)
class Convention:
    name: str  # what a targets file writes
    output: str  # the registry outcome the model reports for it
    counts: str  # what the model counts, for the report (English)

    @property
    def kind(self) -> str:
        return "rate" if OUTCOME[self.output].is_share else "count"

    def label(self, lang: str = "en") -> str:
        return OUTCOME[self.output].label(lang)


def _c(name: str, output: str, counts: str) -> Convention:
    return Convention(name, output, " ".join(counts.split()))


CONVENTIONS: dict[str, Convention] = {
    c.name: c
    for c in (
        _c(
            "received_at_centres",
            "received_by_centres",
            """Distinct disputes whose first stay at a centre of any level (community room to
            city centre) began in the period, whatever brought them there (grid officer,
            building head, walk-in, 12345 hotline). A dispute that climbs levels is received
            once; grid officers' on-the-spot settlements are not counted.""",
        ),
        _c(
            "resolved_at_centres",
            "resolved_by_centres",
            """Of the disputes received in the period, those resolved by mediation at a centre
            of any level by the end of the run.""",
        ),
        _c(
            "centre_resolution_rate",
            "centre_resolution_rate",
            "Resolved at centres / received at centres, as above.",
        ),
        _c(
            "settled_by_grid",
            "resolved_by_grid_officers",
            "Disputes a grid officer settled on the spot in the period, never reaching a centre.",
        ),
        _c(
            "handled_including_grid",
            "handled_including_grid",
            """Received at centres plus settled on the spot by grid officers: the figure of
            places whose reports count everything the grid and the centres handled.""",
        ),
        _c(
            "resolved_including_grid",
            "resolved_in_network",
            "Resolved at centres plus settled on the spot by grid officers.",
        ),
        _c(
            "resolution_rate_including_grid",
            "resolution_rate_including_grid",
            "Resolved including grid / handled including grid, as above.",
        ),
        _c(
            "discovered",
            "n_discovered",
            """Every dispute that came to light in the period by any channel (patrols, building
            heads, walk-ins, hotline, court filings): the widest count, 'all disputes found'.""",
        ),
        _c(
            "peoples_mediation_cases",
            "peoples_mediation_cases",
            """Stays at a centre of any level begun in the period: each committee registers a
            dispute it takes up as its own case, so a dispute mediated at two levels is two
            cases.""",
        ),
        _c(
            "peoples_mediation_parties",
            "peoples_mediation_parties",
            "Parties of the disputes behind those stays, summed over stays.",
        ),
        _c(
            "community_room_cases",
            "community_stays",
            "Stays at community (village) rooms begun in the period.",
        ),
        _c(
            "court_cases",
            "court_cases",
            "Disputes that first reached a court in the period (filed, or after a centre failed).",
        ),
        _c(
            "court_mediation_successes",
            "court_mediation_successes",
            "Disputes that reached court in the period and settled in court-annexed mediation.",
        ),
        _c(
            "court_mediation_rate",
            "court_mediation_rate",
            "Court mediation successes / disputes put to court mediation.",
        ),
        _c(
            "court_settled_share",
            "court_settled_share",
            "Court mediation successes / all disputes reaching court ('resolved before trial').",
        ),
        _c("petitions", "petitions", "Petitions (xinfang) begun in the period."),
        _c("incidents", "incidents", "Violent incidents in the period."),
        _c(
            "grid_household_visits",
            "grid_household_visits",
            "Household visits of grid officers' patrols in the period.",
        ),
        _c(
            "medical_committee_cases",
            "medical_committee_cases",
            "Stays at specialised committees begun in the period, medical disputes.",
        ),
    )
}


def convention_names() -> list[str]:
    return list(CONVENTIONS)
