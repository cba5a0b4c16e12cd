#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the KTAP in a console log into one harness result line per KUnit case.

Uses the kernel's own parser (tools/testing/kunit/kunit_parser.py).
Usage: kunit-results.py KERNEL_SRC CONSOLE_LOG PREFIX  -> "PASS|FAIL|SKIP PREFIX/suite.case"
"""
import re
import sys

src, log, prefix = sys.argv[1:4]
sys.path.insert(0, src + '/tools/testing/kunit')
import kunit_parser  # noqa: E402
import kunit_printer  # noqa: E402
from kunit_parser import TestStatus  # noqa: E402

with open(log, errors='replace', newline='') as f:
    # Consoles relayed through the L1 machine end lines with \r\r\n; Python would see an
    # extra empty line in each, which breaks KTAP. Split on \n alone and drop every \r.
    lines = [line.replace('\r', '') + '\n' for line in f.read().split('\n')]

# Other kernel messages interleave with KUnit's (e.g. "Freeing initrd memory" from the async
# initramfs unpacking): between a "KTAP version" line and its "# Subtest:" one, the parser takes
# such a line for a nameless test and numbers every later suite wrong. Keep KTAP lines only.
KTAP_RE = re.compile(r'^(\[[ 0-9.]+\] )?\s*(KTAP version|TAP version|#|ok |not ok |1\.\.)')
lines = [line for line in lines if KTAP_RE.match(line)]

# The parser's own readable report goes to stderr (the stage log); results to stdout.
kunit_printer.stdout._output = sys.stderr
root = kunit_parser.parse_run_tests(lines)

# kunit_parser keeps no skip reason: take it from the result line itself.
SKIP_RE = re.compile(r'\bok \d+ (\S+) # SKIP ?(.*)$')
skip_reason = {}
for line in lines:
    m = SKIP_RE.search(line.rstrip())
    if m:
        skip_reason[m.group(1)] = m.group(2)

STATUS = {TestStatus.SUCCESS: 'PASS', TestStatus.SKIPPED: 'SKIP'}


def walk(test, path):
    if not test.subtests:
        status = STATUS.get(test.status, 'FAIL')
        why = ''
        if status == 'SKIP' and skip_reason.get(test.name):
            why = ' # ' + skip_reason[test.name]
        elif status != 'PASS':
            why = ' # ' + test.status.name.lower()
        print(f'{status} {prefix}/{".".join(path)}{why}')
        return 1
    return sum(walk(sub, path + [sub.name]) for sub in test.subtests)


count = sum(walk(suite, [suite.name]) for suite in root.subtests)
if root.status == TestStatus.NO_TESTS or count == 0:
    print(f'FAIL {prefix}/results # no KTAP results in the console log')
elif root.status in (TestStatus.TEST_CRASHED, TestStatus.FAILURE_TO_PARSE_TESTS):
    print(f'FAIL {prefix}/results # KTAP output {root.status.name.lower()}')
