"""Production settings: everything secure from base, plus what only a real deployment has."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
# Required, no defaults: a deployment without them fails loudly at start-up.
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
