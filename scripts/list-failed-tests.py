#!/usr/bin/env python3
"""Prints each failed test of the given .trx files with the first lines of its error, so the end of a CI log
(often all that is kept) says which test failed and why, not just how many."""
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
MAX_LINES = 4

for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as error:
        print(f"unreadable test results {path}: {error}")
        continue
    for result in root.iter(f"{NS}UnitTestResult"):
        if result.get("outcome") in ("Passed", "NotExecuted", "Inconclusive", None):
            continue
        print(f"FAILED {result.get('testName')} ({result.get('outcome')}, {result.get('duration')})")
        message = result.find(f"{NS}Output/{NS}ErrorInfo/{NS}Message")
        lines = [line.rstrip() for line in (message.text or "").splitlines() if line.strip()] if message is not None else []
        for line in lines[:MAX_LINES]:
            print(f"    {line[:300]}")
        if len(lines) > MAX_LINES:
            print(f"    … {len(lines) - MAX_LINES} more lines in {path}")
