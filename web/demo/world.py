"""What the parts of the demo share: the seeded random generator, the dates, and what the
earlier parts created."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from beneficiaries.models import Beneficiary
from partners.models import Organisation, Project


@dataclass
class Demo:
    """The demo being loaded. `rng` is its only source of chance: the parts draw from it in a
    fixed order, so a seed gives the same data every time."""

    rng: random.Random
    today: datetime.date
    orgs: dict[str, Organisation] = field(default_factory=dict)  # by slug
    projects: dict[str, Project] = field(default_factory=dict)  # by code
    officer: object = None  # the IOM officer, who registers and records the bulk of the data
    people: dict[str, list[Beneficiary]] = field(default_factory=dict)  # by organisation slug

    @property
    def start(self) -> datetime.date:
        """The first day of the demo's data: two years ago."""
        return self.today - datetime.timedelta(days=730)

    @property
    def avrr_people(self) -> list[Beneficiary]:
        """IOM's people: the return and reintegration cases of the AVRR project."""
        return self.people["iom-maroc"]

    def random_day(self, after: datetime.date) -> datetime.date:
        """A day between `after` and today."""
        span = (self.today - after).days
        return after + datetime.timedelta(days=self.rng.randint(0, max(span, 0)))
