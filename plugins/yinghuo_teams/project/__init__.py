"""The project as a whole: media works, training and field trips, the dashboard."""
