"""Real time: Channels consumers for the agent desk and the wall-board."""
