"""Mesa agents of the dispute-resolution network."""

from sim.agents.centre import Centre
from sim.agents.court import Court
from sim.agents.grid_officer import GridOfficer
from sim.agents.mediator import Mediator
from sim.agents.resident import Resident

__all__ = ["Centre", "Court", "GridOfficer", "Mediator", "Resident"]
