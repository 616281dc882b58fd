#!/usr/bin/env python3
"""Runs a test command with a deadline, so a test that hangs fails the run instead of eating CI's time.

    scripts/deadline.py SECONDS COMMAND [ARGUMENT ...]

The command's output passes through unchanged. When the deadline passes, this prints the Swift Testing
tests that started and never finished, every process the command started (a hung client or server shows
there), then ends the whole process group and exits 124, as timeout(1) does.
"""

import os
import re
import signal
import subprocess
import sys
import threading
import time

STARTED = re.compile(r'Test (.+?) started\.$')
ENDED = re.compile(r'Test (.+?) (?:with \d+ test cases? )?(?:(?:passed|failed) after [0-9.]+ seconds|skipped)')


def descendants(root):
    """Lines of `ps` for every process below `root`, parents first."""
    rows = subprocess.run(['ps', '-eo', 'pid=,ppid=,etimes=,args='], capture_output=True, text=True).stdout
    children, lines = {}, {}
    for row in rows.splitlines():
        parts = row.split(None, 3)
        if len(parts) < 4:
            continue
        pid, ppid = int(parts[0]), int(parts[1])
        children.setdefault(ppid, []).append(pid)
        lines[pid] = f'{pid:>7} {parts[2]:>6}s  {parts[3][:200]}'
    out, stack = [], [(root, 0)]
    while stack:
        pid, depth = stack.pop()
        out.append('  ' * depth + lines.get(pid, str(pid)))
        stack.extend((child, depth + 1) for child in reversed(children.get(pid, [])))
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    try:
        seconds = float(sys.argv[1])
    except ValueError:
        seconds = float('nan')
    if not 0 < seconds <= 86_400:
        sys.exit(f'deadline.py: the deadline must be a number of seconds above 0 and at most 86400, not {sys.argv[1]!r}')
    try:
        process = subprocess.Popen(sys.argv[2:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    except OSError as error:
        sys.exit(f'deadline.py: cannot run {sys.argv[2]!r}: {error.strerror}')
    running = {}
    lock = threading.Lock()

    def relay():
        for raw in process.stdout:
            sys.stdout.buffer.write(raw)
            sys.stdout.buffer.flush()
            line = raw.decode('utf-8', 'replace').rstrip('\n')
            with lock:
                if (match := STARTED.search(line)):
                    running[match.group(1)] = time.monotonic()
                elif (match := ENDED.search(line)):
                    running.pop(match.group(1), None)

    reader = threading.Thread(target=relay, daemon=True)
    reader.start()
    try:
        status = process.wait(timeout=seconds)
        reader.join()
        sys.exit(status)
    except subprocess.TimeoutExpired:
        pass
    now = time.monotonic()
    print(f'\n*** deadline: {sys.argv[2]} ran longer than {seconds:.0f} s; ending it', flush=True)
    with lock:
        unfinished = sorted(running.items(), key=lambda item: item[1])
    print(f'*** tests started and not finished ({len(unfinished)}):')
    for name, started in unfinished:
        print(f'***   {name} (running {now - started:.0f} s)')
    print('*** processes it started (pid, age, command):')
    for line in descendants(process.pid):
        print('***  ' + line)
    sys.stdout.flush()
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    sys.exit(124)


if __name__ == '__main__':
    main()
