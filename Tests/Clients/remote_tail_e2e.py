"""`vigil tail --endpoint-url` against a running `vigil serve`, as a person runs it: the history with a
filter, `--follow` showing events as boto3 writes them, a server killed with SIGKILL and started again on
the same data directory and port (the tail must go on by itself, showing every event written before,
during and after exactly once), a missing group as the aws CLI's error and status 254, and Ctrl-C ending
the tail with status 0. The script runs its own server, since it kills it.
Usage: remote_tail_e2e.py VIGIL_BINARY WORK_DIRECTORY"""
import os
import signal
import socket
import subprocess
import sys
import time

from vigil_clients import client, expect, wait_for

binary, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
endpoint = f"http://127.0.0.1:{port}"
data = os.path.join(work, "data")


def serve():
    return subprocess.Popen([binary, "serve", "--data-dir", data, "--listen", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def tail(*arguments, out, err):
    environment = dict(os.environ, AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_CONFIG_FILE="/dev/null")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        environment.pop(name, None)
    return subprocess.Popen([binary, "tail", "--endpoint-url", endpoint, "--format", "short", "--color", "off",
                             *arguments], stdout=out, stderr=err, env=environment)


def lines(path):
    with open(path) as f:
        return [line.rstrip("\n").split(" ", 1)[1] for line in f if line.strip()]


def wait_until(what, condition, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    expect(False, what)


def put(logs, messages):
    now = int(time.time() * 1000)
    logs.put_log_events(logGroupName="app", logStreamName="web-1",
                        logEvents=[{"timestamp": now, "message": m} for m in messages])


server = serve()
try:
    wait_for(endpoint)
    logs = client("logs", endpoint)
    logs.create_log_group(logGroupName="app")
    logs.create_log_stream(logGroupName="app", logStreamName="web-1")
    put(logs, [f"{'ERROR' if k % 3 == 0 else 'INFO'} old {k}" for k in range(300)])

    # The history alone, filtered, in time order.
    history = subprocess.run([binary, "tail", "app", "--endpoint-url", endpoint, "--format", "short", "--color",
                              "off", "--since", "1h", "--filter-pattern", "ERROR"], capture_output=True, text=True,
                             timeout=60)
    expect(history.returncode == 0, f"history status {history.returncode}: {history.stderr}")
    shown = [line.split(" ", 1)[1] for line in history.stdout.splitlines()]
    expect(shown == [f"ERROR old {k}" for k in range(0, 300, 3)], f"history {shown[:3]}… ({len(shown)})")

    missing = subprocess.run([binary, "tail", "nope", "--endpoint-url", endpoint, "--follow"],
                             capture_output=True, text=True, timeout=60)
    expect(missing.returncode == 254 and "An error occurred (ResourceNotFoundException) when calling the "
           "StartLiveTail operation" in missing.stderr, f"missing group: {missing.returncode} {missing.stderr}")

    out_path, err_path = os.path.join(work, "tail.out"), os.path.join(work, "tail.err")
    with open(out_path, "w") as out, open(err_path, "w") as err:
        follower = tail("app", "--follow", "--since", "1h", out=out, err=err)
    try:
        wait_until("the history did not show", lambda: len(lines(out_path)) >= 300)
        expected = [f"{'ERROR' if k % 3 == 0 else 'INFO'} old {k}" for k in range(300)]
        for batch in range(10):
            put(logs, [f"live {batch * 20 + k}" for k in range(20)])
            time.sleep(0.02)
        expected += [f"live {k}" for k in range(200)]
        wait_until("live events did not show", lambda: len(lines(out_path)) >= len(expected))

        # SIGKILL: the tail's stream breaks; events acknowledged before the kill are on disk.
        server.send_signal(signal.SIGKILL)
        server.wait()
        wait_until("the tail did not say the stream broke", lambda: "reconnecting" in open(err_path).read(), 10)
        server = serve()
        wait_for(endpoint)
        logs = client("logs", endpoint)
        for batch in range(10):
            put(logs, [f"after {batch * 20 + k}" for k in range(20)])
        expected += [f"after {k}" for k in range(200)]
        wait_until("events after the restart did not show", lambda: len(lines(out_path)) >= len(expected))
        time.sleep(0.5)  # anything shown twice would show by now
        expect(lines(out_path) == expected,
               f"{len(lines(out_path))} lines, not the {len(expected)} expected, each once in order")
        expect("reconnected" in open(err_path).read(), f"stderr {open(err_path).read()}")

        started = time.time()
        follower.send_signal(signal.SIGINT)
        expect(follower.wait(timeout=10) == 0, f"Ctrl-C status {follower.returncode}")
        expect(time.time() - started < 3, f"Ctrl-C took {time.time() - started:.1f} s")
    finally:
        if follower.poll() is None:
            follower.kill()
finally:
    server.kill()
    server.wait()
print("ok")
