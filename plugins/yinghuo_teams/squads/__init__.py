"""Squads of 3-4 with a leader, village first secretaries and the pairings between them."""
