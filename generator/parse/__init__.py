"""Parse stage: `Source` (decoded report text) → `Report` (`generator.parse.report.parse_report`).

Tables are read from a layout-independent stream of cells (`tokens.py`); each table has its own
module. Nothing here touches the disk. This file imports nothing: the build process uses a few
helpers of the package (`text`, `metadata`) and leaves parsing itself to other processes, so it
does not pay for importing the whole parser.
"""
