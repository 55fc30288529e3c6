"""The network a scenario describes, built once before a run and never changed by it: the
(scaled) city, its staff, where every centre sits and whom it serves.

A centre here is a :class:`Site`, plain data; the engine turns each site into a Centre
agent with its mediators, in the order of :attr:`Network.sites` (a site's index is the
centre's index). Building the network draws only from the geography's own seed, so two
runs of one scenario share it whatever their run seeds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.city import geography as geography_module
from sim.city.duty import (
    FULL_TIME_DUTY,
    DutyPattern,
    check_named_centres,
    court_patterns,
    level_mixes,
    named_mix,
    patterns,
)
from sim.city.geography import Geography
from sim.city.placement import (
    centre_points,
    check_ids,
    has_room,
    population_served,
    room_host,
)
from sim.city.roving_rounds import plan_rounds
from sim.city.scaling import scale_city
from sim.city.staffing import StaffPlan, allocate
from sim.config import Scenario
from sim.streams import Streams


@dataclass(frozen=True)
class Site:
    """A centre before it is an agent: its level, place and mediators; a roving team's base
    names its round (an index into :attr:`Network.rounds`); a committee carries its own
    success logit and session length."""

    level: str
    x_km: float
    y_km: float
    mediators: int
    round: int | None = None
    logit: float | None = None
    session_hours: float | None = None


@dataclass
class Network:
    geography: Geography  # the part of the city that is run
    staff: StaffPlan
    effective_scale: float
    rooms: np.ndarray  # (community,) bool: has a community room
    room_host: np.ndarray  # (community,) the community whose room it shares, -1 if none
    sites: list[Site]
    room_of: np.ndarray  # (community,) site of its own room's centre
    township_centre: np.ndarray  # (township,) site index
    county_centre: np.ndarray  # (county,) site index
    city_centre: int
    rounds: list[np.ndarray]  # villages of each roving team's round
    committee_centres: list[np.ndarray]  # per committee of the scenario, its sites
    serving: np.ndarray  # (community, level) site serving it, community level first
    intra_km: np.ndarray  # (community,) travel within the community
    nearest_centre_km: np.ndarray  # (community,) to the nearest staffed fixed centre
    duty: list[tuple[DutyPattern, ...]]  # per site, each mediator's duty
    court_duty: tuple[DutyPattern, ...]  # each court mediator's duty

    @property
    def population(self) -> int:
        return int(self.geography.population.sum())

    def distance_km(self, community: int, site: Site) -> float:
        """Travel from a home in ``community`` to ``site`` (a roving team comes to the
        village)."""
        if site.round is not None:
            return float(self.intra_km[community])
        geo = self.geography
        dx = geo.x_km[community] - site.x_km
        dy = geo.y_km[community] - site.y_km
        return float(math.hypot(dx, dy) + self.intra_km[community])

    def staff_counts(self, scenario: Scenario) -> dict[str, int]:
        """Staff of the run by kind (for the run-size check)."""
        committees = sum(
            c.mediators * (self.geography.n_counties if c.per == "county" else 1)
            for c in scenario.committees
        )
        roving = scenario.roving.teams_per_county * scenario.roving.members
        return {
            "mediators": sum(self.staff.mediators_by_level.values()),
            "grid officers": int(self.staff.grid_officers.sum()),
            "court mediators": int(self.staff.court_mediators),
            "committee and roving mediators": committees + roving * self.geography.n_counties,
        }


def build_network(scenario: Scenario) -> Network:
    """The scaled city, its staff and its centres' sites, in the engine's centre order:
    community rooms, township, county and city centres, roving team bases, committees."""
    geo, staff, scale, rooms, host = _city(scenario)
    sites: list[Site] = []
    moved = scenario.placement.moved_centres
    room_of = _add(
        sites, "community", np.column_stack([geo.x_km, geo.y_km]), staff.community_mediators
    )
    township = _add(
        sites,
        "township",
        centre_points(geo.township_id, geo.township_xy(), moved),
        staff.township_mediators,
    )
    county = _add(
        sites,
        "county",
        centre_points(geo.county_id, geo.county_xy(), moved),
        staff.county_mediators,
    )
    city = int(_add(sites, "city", geo.city_xy()[None, :], np.array([staff.city_mediators]))[0])
    own = np.arange(geo.n_communities)
    serving = np.column_stack(
        [
            room_of[np.where(host >= 0, host, own)],
            township[geo.township],
            county[geo.community_county],
            np.full(geo.n_communities, city),
        ]
    )
    rounds = _add_roving_bases(sites, serving, scenario, geo, rooms)
    committees = _add_committees(sites, scenario, geo, scale)
    intra = np.where(
        geo.urban,
        scenario.geography.intra_community_km["urban"],
        scenario.geography.intra_community_km["rural"],
    )
    network = Network(
        geo,
        staff,
        scale,
        rooms,
        host,
        sites,
        room_of,
        township,
        county,
        city,
        rounds,
        committees,
        serving,
        intra,
        np.empty(0),
        _duty(
            scenario,
            geo,
            sites,
            {
                "community": room_of,
                "township": township,
                "county": county,
                "city": np.array([city]),
            },
        ),
        court_patterns(scenario.duty, staff.court_mediators),
    )
    network.nearest_centre_km = _nearest_open_centre_km(network)
    return network


def _duty(
    scenario: Scenario, geo: Geography, sites: list[Site], by_level: dict[str, np.ndarray]
) -> list[tuple[DutyPattern, ...]]:
    """Each site's mediators' duty: by level, or by ``duty.by_centre`` for named centres;
    roving teams and committees work full time."""
    config = scenario.duty
    ids = {
        "community": geo.community_id,
        "township": geo.township_id,
        "county": geo.county_id,
        "city": np.array(["city"]),
    }
    duty = [(FULL_TIME_DUTY,) * site.mediators for site in sites]
    for level, indices in by_level.items():
        mediators = np.array([sites[i].mediators for i in indices], dtype=np.int64)
        for k, (index, mix) in enumerate(
            zip(indices.tolist(), level_mixes(config, level, mediators), strict=True)
        ):
            named = config.by_centre.get(str(ids[level][k]))
            if named is not None:
                mix = named_mix(named, sites[index].mediators)
            duty[index] = patterns(mix, sites[index].mediators, stagger=3 * index)
    return duty


def _city(scenario: Scenario) -> tuple[Geography, StaffPlan, float, np.ndarray, np.ndarray]:
    """The whole city placed and staffed, then scaled (whole townships kept); its rooms."""
    config, placement = scenario.geography, scenario.placement
    full = geography_module.build(config)
    check_ids(full, placement)
    check_named_centres(full, scenario.duty)
    rooms = has_room(full, placement)
    host = room_host(full, rooms, placement.share_rooms_within_township)
    plan = allocate(
        full, scenario.staffing, rooms, population_served(full, host), config.persons_per_household
    )
    geo, staff, scale = scale_city(full, plan, scenario.run.scale, Streams(config.seed)["scale"])
    run_rooms = np.isin(geo.community_id, full.community_id[rooms])
    return (
        geo,
        staff,
        scale,
        run_rooms,
        room_host(geo, run_rooms, placement.share_rooms_within_township),
    )


def _add(
    sites: list[Site], level: str, xy: np.ndarray, mediators: np.ndarray, **kind
) -> np.ndarray:
    first = len(sites)
    sites.extend(
        Site(level, float(x), float(y), int(m), **kind)
        for (x, y), m in zip(xy[:, :2], mediators, strict=True)
    )
    return np.arange(first, len(sites))


def _add_roving_bases(
    sites: list[Site], serving: np.ndarray, scenario: Scenario, geo: Geography, rooms: np.ndarray
) -> list[np.ndarray]:
    """Teams are community-level centres based at the county seat that come to the village;
    a village on a round without a room of its own is served by its team."""
    config = scenario.roving
    seats = geo.county_xy()
    rounds = plan_rounds(geo, rooms, seats, config)
    for k, villages in enumerate(rounds):
        seat = seats[geo.community_county[villages[0]]]
        index = _add(sites, "community", seat[None, :], np.array([config.members]), round=k)[0]
        serving[villages[~rooms[villages]], 0] = index
    return rounds


def _add_committees(
    sites: list[Site], scenario: Scenario, geo: Geography, scale: float
) -> list[np.ndarray]:
    """Specialised committees: one for the city (at the city centre) or one per county,
    each with its mediators scaled with the population (at least one)."""
    committees = []
    for config in scenario.committees:
        xy = geo.city_xy()[None, :] if config.per == "city" else geo.county_xy()
        staff = np.full(len(xy), max(1, round(config.mediators * scale)), dtype=np.int64)
        committees.append(
            _add(
                sites,
                "committee",
                xy,
                staff,
                logit=config.success_logit,
                session_hours=config.mean_session_hours,
            )
        )
    return committees


def _nearest_open_centre_km(network: Network) -> np.ndarray:
    """Per community, the distance to the nearest staffed fixed centre serving it (roving
    teams are reached on their visit days, see the engine's roving visits)."""
    nearest = np.full(network.geography.n_communities, np.inf)
    for c in range(network.geography.n_communities):
        for index in network.serving[c]:
            site = network.sites[index]
            if site.mediators > 0 and site.round is None:
                nearest[c] = min(nearest[c], network.distance_km(c, site))
    return nearest
