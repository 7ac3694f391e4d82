#!/usr/bin/env python3
"""Entry point: `python build.py [build|parse|check|serve] …` (see generator/cli.py)."""

import os
import sys

from generator.commands.cli import main

if __name__ == "__main__":
    code = main()
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # a profiler or coverage writes its figures at a normal exit
    # Everything is written and the workers are gone. Freeing the build's many small objects one by
    # one at exit takes a quarter of a second at 10,000 reports, for nothing: leave at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
