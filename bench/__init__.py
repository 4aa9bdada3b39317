"""bench: torch vs myautograd timings (python -m bench)."""
