#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Set the KVM selftests' outcomes on Gunyah against native KVM, and judge them.

Usage: kvm-selftests-table.py LIST REASONS NATIVE GUNYAH TABLE [RST]
  LIST     harness/kvm-selftests.list (the tests, in order)
  REASONS  harness/kvm-selftests.reasons: "gunyah NAME WHY" says why NAME cannot pass on
           Gunyah (the RM or hypervisor rule), "gunyah-says NAME TEXT" what its output
           on Gunyah shows of it; "native NAME WHY" why it does not pass under the L1
           machine's native KVM
  NATIVE   the runner's lines from the native boot (its results port)
  GUNYAH   the console log of our kernel's run under the emulator (what follows its
           "kvm-selftests: start" line)
  TABLE    written: "test | native | gunyah | reason"
  RST      written if given: the same table as reStructuredText (Documentation)

Prints one harness result per test on stdout, "PASS|FAIL|SKIP kvm-selftests/gunyah/NAME":
PASS when the test passed on Gunyah, or did not and REASONS says why (and its output holds
the TEXT given); FAIL for a failure, skip or timeout that REASONS does not explain, or
whose output does not show the documented cause, for a hang, for a kernel report (oops, BUG,
WARNING, lockdep) printed while it ran, and for a test with no result (the first of them
is the one our kernel stopped in). Then one result
each saying whether every listed test reported under native KVM and on Gunyah.
"""
import re
import sys
import textwrap

# guest-tests/kvm-selftests.sh prints it before the first test
START = 'kvm-selftests: start'
RESULT_RE = re.compile(r'^selftest (\S+) (pass|skip|fail|timeout|hang)\b ?(.*)$')
# The same expressions as kernel_reports in harness/lib.sh
REPORT_RE = re.compile(r'Unable to handle kernel|Internal error:|BUG:|WARNING:|'
                       r'possible circular locking|possible recursive locking|'
                       r'inconsistent lock state|suspicious RCU usage')


def read_lines(path):
    try:
        with open(path, 'rb') as f:
            text = f.read().decode('utf-8', 'replace')
    except OSError:
        return []
    return [line.replace('\r', '') for line in text.split('\n')]


def read_list(path):
    tests = []
    for line in read_lines(path):
        line = line.strip()
        if line and not line.startswith('#'):
            tests.append(line.split()[0])
    return tests


def read_reasons(path):
    reasons = {'gunyah': {}, 'gunyah-says': {}, 'native': {}}
    for n, line in enumerate(read_lines(path), 1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        parts = line.split(None, 2)
        if len(parts) != 3 or parts[0] not in reasons:
            sys.exit(f'{path}:{n}: expected "gunyah|gunyah-says|native NAME TEXT"')
        reasons[parts[0]][parts[1]] = parts[2]
    return reasons


def read_results(path):
    """The last result line of each test, what was printed while it ran and after its first
    result line (its output, indented), and the kernel reports printed while it ran. In a
    console log with other tests before them, what comes after START only."""
    results, output, reports, pending, current = {}, {}, {}, [], None
    lines = read_lines(path)
    starts = [n for n, line in enumerate(lines) if line.startswith(START)]
    for line in lines[starts[-1] + 1 if starts else 0:]:
        m = RESULT_RE.match(line)
        if m:
            name = m.group(1)
            current = None
            if name not in results:
                found = [x for x in pending if REPORT_RE.search(x)]
                if found:
                    reports[name] = found[0]
                output[name] = pending + [m.group(3)]
                current = name
            pending = []
            results[name] = (m.group(2), m.group(3))
        elif current and line.startswith('    '):
            output[current].append(line.strip())
        else:
            current = None
            pending.append(line.strip())
    return results, output, reports


def judge(name, gunyah, report, why, says, output, first_missing):
    """(harness status, what goes after '#')"""
    if report:
        return 'FAIL', f'kernel report while it ran: {report}'
    if not gunyah and first_missing:
        return 'FAIL', 'no result: our kernel stopped while it ran (hung or died)'
    if not gunyah:
        return 'FAIL', 'no result: our kernel stopped before it'
    status, detail = gunyah
    if status == 'pass':
        return 'PASS', ''
    if status == 'hang':
        return 'FAIL', f'hang: {detail}'
    if why and says and not any(says in line for line in output):
        last = next((line for line in reversed(output) if line), detail)
        return 'FAIL', f'{status} with "{last}", not "{says}" as documented ({why})'
    if why:
        return 'PASS', f'{status} as documented: {why}'
    return 'FAIL', f'{status} ({detail}) and kvm-selftests.reasons does not say why'


def rst_table(rows):
    out = ['.. list-table::', '   :header-rows: 1', '   :widths: 28 9 9 54', '']
    header = ('test', 'native', 'Gunyah', 'reason')
    for row in [header] + rows:
        for i, cell in enumerate(row):
            if i == 0 and row is not header:
                cell = f'``{cell}``'
            lines = textwrap.wrap(cell, 66) or ['']
            out.append((('   * - ' if i == 0 else '     - ') + lines[0]).rstrip())
            out.extend('       ' + more for more in lines[1:])
    return '\n'.join(out) + '\n'


def main():
    if len(sys.argv) not in (6, 7):
        sys.exit(__doc__)
    list_path, reasons_path, native_path, gunyah_path, table_path = sys.argv[1:6]
    tests = read_list(list_path)
    reasons = read_reasons(reasons_path)
    native, _, _ = read_results(native_path)
    gunyah, output, reports = read_results(gunyah_path)

    rows = []
    missing = [t for t in tests if t not in gunyah]
    for name in tests:
        nat = native.get(name, ('none', ''))[0]
        gun = gunyah.get(name)
        why = reasons['gunyah'].get(name, '')
        status, note = judge(name, gun, reports.get(name), why,
                             reasons['gunyah-says'].get(name), output.get(name, []),
                             bool(gunyah) and bool(missing) and name == missing[0])
        print(f'{status} kvm-selftests/gunyah/{name}' + (f' # {note}' if note else ''))
        reason = why if gun and gun[0] != 'pass' else ''
        if status == 'FAIL':
            reason = note
        if nat != 'pass' and reasons['native'].get(name):
            reason += (' ' if reason else '') + f'(native: {reasons["native"][name]})'
        rows.append((name, nat, gun[0] if gun else 'none', reason))

    for side, got in (('native', native), ('gunyah', gunyah)):
        missing = [t for t in tests if t not in got]
        if not got:
            print(f'FAIL kvm-selftests/{side}/ran # no selftest result at all')
        elif missing:
            print(f'FAIL kvm-selftests/{side}/ran # {len(missing)} without a result, '
                  f'from {missing[0]}')
        else:
            print(f'PASS kvm-selftests/{side}/ran')

    width = max(len(t) for t in tests)
    with open(table_path, 'w') as f:
        f.write(f'{"test":<{width}} | native  | gunyah  | reason\n')
        for name, nat, gun, reason in rows:
            f.write(f'{name:<{width}} | {nat:<7} | {gun:<7} | {reason}\n')
    if len(sys.argv) == 7:
        with open(sys.argv[6], 'w') as f:
            f.write(rst_table(rows))


if __name__ == '__main__':
    main()
