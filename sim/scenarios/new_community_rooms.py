"""New community rooms where the optimiser puts them, against the current placement and
against a simple rule (the largest villages without a room); ``--rooms`` of each (10).

The baseline is the scenario as given. Hohhot reports a room in every community and
village (1,348 in 2023), so there the script has nowhere to put a room: plan against an
assumed baseline in which the smallest fifth of rural villages have no room of their own
and share the nearest room in their township with ``--rural-room-share 0.8`` (the change
to the baseline is printed and kept with the results). The optimiser (sim/city/siting.py)
picks the new rooms by p-median on population-weighted distance; each new room comes with
``--mediators-per-room`` extra community mediators. Simulation then says what the rooms
change: walk-ins, travel, how many disputes reach a centre.

Run: python sim/scenarios/new_community_rooms.py --rural-room-share 0.8 [--rooms 10]
     [--reps 10] [--scale 1]
"""

from __future__ import annotations

import sys

import numpy as np

from sim.city.geography import build
from sim.city.placement import has_room
from sim.city.siting import propose_rooms
from sim.city.staffing import level_shares
from sim.policy_label import PolicyLabel
from sim.policy_script import main
from sim.scenario_loader import ScenarioError

OUTCOMES = [
    "found_by_walk_in",
    "mean_distance_km",
    "received_by_centres",
    "share_resolved_at_community_or_below",
    "resolution_days_median",
    "court_cases",
    "incidents",
]


def policies(base, args):
    share = args.rural_room_share
    if share is not None and not 0 <= share <= 1:
        raise ScenarioError(f"--rural-room-share {share}: expected 0 to 1")
    if not 1 <= args.rooms <= 10_000:
        raise ScenarioError(f"--rooms {args.rooms}: expected 1 to 10,000")
    if not 1 <= args.mediators_per_room <= 100:
        raise ScenarioError(f"--mediators-per-room {args.mediators_per_room}: expected 1 to 100")
    if share is not None:
        base = base.with_overrides({"placement": {"rural_room_share": share}})
    geo = build(base.geography)
    rooms = has_room(geo, base.placement)
    if rooms.all():
        raise ScenarioError(
            f"every community of {base.name!r} already has a room, so there is nowhere to "
            "open one; plan against a baseline with fewer rooms, e.g. --rural-room-share 0.8 "
            "(the smallest fifth of rural villages without a room of their own)"
        )
    proposal = propose_rooms(
        geo, rooms, args.rooms, share=base.placement.share_rooms_within_township
    )
    roomless = np.flatnonzero(~rooms)
    largest = geo.community_id[
        roomless[np.argsort(-geo.population[roomless], kind="stable")[: args.rooms]]
    ].tolist()
    print(
        f"optimiser: residents of villages without a room travel to a room or the township "
        f"centre {proposal.mean_km_before:.2f} km on average, "
        f"{proposal.mean_km_after:.2f} km with the new rooms; "
        f"rooms in {', '.join(proposal.community_ids)}",
        file=sys.stderr,
    )
    community = base.staffing.mediators_by_level.get(
        "community", level_shares(base.staffing)["community"]
    )
    staff = {
        "mediators_by_level": {
            "community": community + args.mediators_per_room * len(proposal.community_ids)
        }
    }
    placement = dict(base.placement.model_dump())

    def opened(ids):
        return base.with_overrides(
            {
                "staffing": staff,
                "placement": {"rooms_opened": sorted(set(placement["rooms_opened"]) | set(ids))},
            }
        )

    return {
        PolicyLabel("current rooms", "现有调解室"): base,
        PolicyLabel(
            f"{len(proposal.community_ids)} rooms, optimiser",
            f"新增 {len(proposal.community_ids)} 个调解室(优化选址)",
        ): opened(proposal.community_ids),
        PolicyLabel(
            f"{len(largest)} rooms, largest villages",
            f"新增 {len(largest)} 个调解室(最大的村)",
        ): opened(largest),
    }


def arguments(p):
    p.add_argument("--rooms", type=int, default=10, help="new rooms to place")
    p.add_argument(
        "--rural-room-share",
        type=float,
        help="change the baseline: share of rural villages with a room of their own "
        "(default: the scenario's)",
    )
    p.add_argument(
        "--mediators-per-room",
        type=int,
        default=2,
        help="community mediators hired with each new room",
    )


def run(argv: list[str] | None = None) -> int:
    return main(
        "new_community_rooms",
        __doc__,
        policies,
        argv,
        outcomes=OUTCOMES,
        extra_arguments=arguments,
        title_of=_title,
    )


def _title(args) -> str:
    return (
        f"{args.rooms} new community rooms: where the optimiser puts them, or the largest villages"
    )


if __name__ == "__main__":
    sys.exit(run())
