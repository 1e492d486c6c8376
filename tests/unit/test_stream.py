"""The child process the probes act on while it runs, and how it is stopped."""

import sys
import time

from ansible_collections.voipsec.baresip.plugins.module_utils._stream import Child


def python(script):
    return [sys.executable, "-c", script]


def wait_for(child, text, seconds=5):
    deadline = time.monotonic() + seconds
    while text not in child.text and time.monotonic() < deadline:
        time.sleep(0.01)


def test_output_grows_while_it_runs_and_the_last_input_reaches_it():
    child = Child(python("import sys; print('ready', flush=True); print('got', sys.stdin.read().strip())"))
    wait_for(child, "ready")
    assert child.running and child.text == "ready\n"
    child.stop(3, last_input="Q\n")
    assert not child.running
    assert child.text == "ready\ngot Q\n"


def test_stderr_is_read_with_stdout():
    child = Child(python("import sys; sys.stderr.write('oops\\n')"), stdin=False)
    child.stop(3)
    assert child.text == "oops\n"


def test_terminate_ends_a_child_that_does_not_read_its_stdin():
    child = Child(python("import time; print('up', flush=True); time.sleep(60)"), stdin=False)
    wait_for(child, "up")
    started = time.monotonic()
    child.stop(5, terminate=True)
    assert not child.running and time.monotonic() - started < 3


def test_a_child_that_outlives_the_grace_is_killed():
    script = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print('up', flush=True); time.sleep(60)"
    )
    child = Child(python(script))
    wait_for(child, "up")
    started = time.monotonic()
    child.stop(0.5, terminate=True)
    assert not child.running and time.monotonic() - started < 3
    assert child.proc.returncode < 0
