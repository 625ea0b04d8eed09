from tests.cases.conftest import office  # noqa: F401  (the land bureau's licensing item and its officials)
from tests.planted import world  # noqa: F401  (a marker in every record the public must not see)
from tests.supervision.board_cases import county_cases, supervisor  # noqa: F401  (the supervisors' board's data)
