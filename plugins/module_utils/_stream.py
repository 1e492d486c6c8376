# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a child process and read its output while it runs (for probes that must react to it).

``AnsibleModule.run_command`` returns only once the process has exited; the probes act while
it runs (read the sockets a candidate opened, dial an ``s_server`` that waits, answer
``s_client`` after its handshake), so they start it here and stop it themselves.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading


class Reader(threading.Thread):
    """Collects the lines of a text stream in the background; ``text`` is what arrived so far."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream = stream
        self.chunks = []

    def run(self):
        for line in iter(self.stream.readline, ""):
            self.chunks.append(line)

    @property
    def text(self):
        return "".join(self.chunks)


class Child:
    """A child process (stdout and stderr merged) whose output ``text`` grows while it runs."""

    def __init__(self, argv, stdin=True, env=None):
        self.proc = subprocess.Popen(
            argv,
            env=env,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.reader = Reader(self.proc.stdout)
        self.reader.start()

    @property
    def text(self):
        return self.reader.text

    @property
    def running(self):
        return self.proc.poll() is None

    def stop(self, grace, last_input=None, terminate=False):
        """End the process: write ``last_input`` and close its stdin (when it has one), send it
        SIGTERM when ``terminate``, wait ``grace`` seconds for it to exit, then kill it."""
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                if last_input:
                    self.proc.stdin.write(last_input)
                self.proc.stdin.close()
        if terminate and self.running:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=2)
