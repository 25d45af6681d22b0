"""Support module: default identities shared by the fixture tests (not a test module)."""
from rules.helpers import make_user

DEFAULT_USER_ID = "default"  # expect: TA701
SERVICE_USER_ID = "user_1_0a1b2c3d"


def default_user():
    return make_user(DEFAULT_USER_ID)
