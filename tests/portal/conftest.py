from tests.planted import world  # noqa: F401  (a marker in every record the public must not see)
