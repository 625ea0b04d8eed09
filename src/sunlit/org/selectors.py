"""配权 reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sunlit.org.models import Appointment, Official
from sunlit.org.services import PRINCIPAL_RULE, serving


@dataclass(frozen=True)
class PrincipalViolation:
    """A principal (党政正职) who directly oversees a forbidden area."""

    official: Official
    post_name: str
    unit_name: str
    areas: list[str]
    rule: str = PRINCIPAL_RULE


def principal_violations(*, day: dt.date) -> list[PrincipalViolation]:
    """Compliance query: every principal serving on `day` whose portfolio holds a forbidden area."""
    holdings = (
        serving(Appointment.objects.filter(post__is_principal=True), day)
        .filter(official__portfolio__principal_forbidden=True)
        .select_related("official", "post__unit")
        .distinct()
    )
    found = []
    for appt in holdings:
        areas = [a.name for a in appt.official.portfolio.filter(principal_forbidden=True)]
        found.append(PrincipalViolation(appt.official, appt.post.name, appt.post.unit.name, areas))
    return found
