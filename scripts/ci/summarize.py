"""Adds up the test results every runner wrote under the results dir and prints one
closing line `N passed, N failed, N skipped`. Exit 1 when a runner executed zero tests
or anything failed, so an empty suite can never pass silently.

Reads: jest --json output (*.jest.json), JUnit XML from pytest and Playwright (*.xml),
and `go test -json` streams (*.go.jsonl).
"""
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def jest(path):
    data = json.loads(path.read_text())
    return data["numPassedTests"], data["numFailedTests"], data["numPendingTests"] + data.get("numTodoTests", 0)


def junit(path):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
    passed = failed = skipped = 0
    for suite in suites:
        for case in suite.iter("testcase"):
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
            elif case.find("skipped") is not None:
                skipped += 1
            else:
                passed += 1
    return passed, failed, skipped


def gotest(path):
    passed = failed = skipped = 0
    for line in path.read_text().splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if not event.get("Test"):
            continue
        action = event.get("Action")
        passed += action == "pass"
        failed += action == "fail"
        skipped += action == "skip"
    return passed, failed, skipped


READERS = {".jest.json": jest, ".xml": junit, ".go.jsonl": gotest}


def main(results_dir):
    total = [0, 0, 0]
    ok = True
    files = sorted(Path(results_dir).glob("*"))
    for path in files:
        reader = next((r for suffix, r in READERS.items() if path.name.endswith(suffix)), None)
        if reader is None:
            continue
        try:
            counts = reader(path)
        except Exception as error:  # a truncated report is a failed run
            print(f"summarize: cannot read {path.name}: {error}")
            ok = False
            continue
        print(f"  {path.name}: {counts[0]} passed, {counts[1]} failed, {counts[2]} skipped")
        if counts[0] + counts[1] == 0:
            print(f"summarize: {path.name} executed no test")
            ok = False
        total = [t + c for t, c in zip(total, counts)]
    if not files:
        print("summarize: no result files at all")
        ok = False
    print(f"{total[0]} passed, {total[1]} failed, {total[2]} skipped")
    return 0 if ok and total[1] == 0 and total[0] > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
