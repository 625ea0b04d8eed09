from tests.cases.conftest import office  # noqa: F401  (the land bureau's licensing item and its officials)
from tests.supervision.board_cases import county_cases, supervisor  # noqa: F401  (the board's data)
