from tests.cases.conftest import office  # noqa: F401  (the land bureau's licensing item and its officials: the case pages)
