"""University teams: squads of students paired with village first secretaries."""

__version__ = "0.1.0"
