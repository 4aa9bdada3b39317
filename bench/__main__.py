"""python -m bench: torch vs myautograd timings (see bench/runner.py)."""
import sys

from .runner import main

sys.exit(main())
