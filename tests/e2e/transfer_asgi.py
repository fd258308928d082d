"""The demo application with simulated callers and no robot staff.

For ``test_transfer``: with robots, the simulated staff would take the calls
(they have been idle longer) and serve the local-office queue too; without
them, the calls go to the people signed in, and the local-office consultant
only gets what an agent transfers (or what waited two minutes). The demo
reads ``DEMO_ROBOTS`` when its traffic starts (ASGI lifespan), after this.
"""

import importlib

from infoline.asgi import application

# Imported only now: the telephony modules need Django set up (by the line above).
importlib.import_module("infoline.telephony.embedded").DEMO_ROBOTS = 0

__all__ = ["application"]
