"""Durability: a worker completes tasks in a loop and is killed with SIGKILL at random moments.

After every kill the database must hold every completion the worker acknowledged (it prints
`ack <task id>` only after the commit returned), no task may exist twice, and every instance
must pass the engine's invariant check.
"""
import random
import signal
import subprocess
import time

KILLS = 60


def test_sigkill_at_random_moments_loses_no_acknowledged_completion(bench, tmp_path):
    db = tmp_path / "crash.sqlite"
    acks = tmp_path / "acks.txt"
    acks.touch()
    rng = random.Random(20261124)
    total_acks = 0
    for round_ in range(KILLS):
        worker = subprocess.Popen([str(bench), "crash-worker", str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        first = worker.stdout.readline()
        if first.strip() != b"ready":
            worker.kill()
            raise AssertionError(f"worker did not start: {first!r} {worker.stderr.read()!r}")
        time.sleep(rng.uniform(0.005, 0.25))
        worker.send_signal(signal.SIGKILL)
        out, _ = worker.communicate(timeout=30)
        assert worker.returncode == -signal.SIGKILL
        # Only whole lines count: a line cut by the kill was never acknowledged.
        lines = [line for line in out.decode(errors="replace").split("\n")[:-1] if line.startswith("ack ")]
        total_acks += len(lines)
        with acks.open("a") as f:
            f.write("".join(line + "\n" for line in lines))
        check = subprocess.run([str(bench), "crash-check", str(db), str(acks)], capture_output=True, text=True, timeout=120)
        assert check.returncode == 0, f"after kill {round_ + 1}:\n{check.stdout}{check.stderr}"
    assert total_acks > 100, f"too few completions to mean anything: {total_acks}"
    print(f"{KILLS} kills, {total_acks} acknowledged completions, all present")
