from tests.integrations.support import agencies, world  # noqa: F401  (fixtures)
