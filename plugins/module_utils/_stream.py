# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read a child process's output while it runs (for probes that must react to it)."""

from __future__ import annotations

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
