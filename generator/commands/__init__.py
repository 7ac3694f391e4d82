"""The command layer: build.py's commands, printing and exit codes."""
