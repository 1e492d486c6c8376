# Test harness only: Molecule's podman driver names the connection "podman";
# this plugin, first on the harness's connection plugin path, is that
# connection with pipelining. The module goes to the container on the stdin of
# one `podman exec -i` instead of a temporary directory, a copy, a chmod, the
# run and a cleanup (four or five podman commands per task), and the container's
# file system is mounted only when a file is copied.
from __future__ import annotations

DOCUMENTATION = """
    name: podman
    short_description: podman exec with pipelining (test harness)
    description:
        - The containers.podman.podman connection, with pipelining through C(podman exec -i)
          and the container's file system mounted only for file transfers.
    author: voipsec.baresip maintainers (@voipsec)
    extends_documentation_fragment: []
    options:
      remote_addr:
        description: The ID of the container.
        default: inventory_hostname
        vars:
          - name: ansible_host
          - name: inventory_hostname
          - name: ansible_podman_host
      remote_user:
        description: User in the container.
        ini:
          - section: defaults
            key: remote_user
        env:
          - name: ANSIBLE_REMOTE_USER
        vars:
          - name: ansible_user
      podman_extra_args:
        description: Extra arguments to the podman command line.
        default: ''
        vars:
          - name: ansible_podman_extra_args
        env:
          - name: ANSIBLE_PODMAN_EXTRA_ARGS
      podman_executable:
        description: Executable for podman.
        default: podman
        vars:
          - name: ansible_podman_executable
        env:
          - name: ANSIBLE_PODMAN_EXECUTABLE
      pipelining:
        description: Send modules on the standard input of C(podman exec -i).
        type: bool
        default: true
        vars:
          - name: ansible_pipelining
"""

import shlex

from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.connection import ConnectionBase
from ansible_collections.containers.podman.plugins.connection.podman import Connection as PodmanConnection


class Connection(PodmanConnection):
    transport = "podman"
    has_pipelining = True

    def _connect(self):
        # no mount here: put_file/fetch_file mount on first use
        ConnectionBase._connect(self)
        self._connected = True
        return self

    def _ensure_mount(self):
        if self._mount_point is None and not getattr(self, "_mount_tried", False):
            self._mount_tried = True
            PodmanConnection._connect(self)

    def exec_command(self, cmd, in_data=None, sudoable=False):
        ConnectionBase.exec_command(self, cmd, in_data=in_data, sudoable=sudoable)
        args = ["exec"]
        if in_data is not None:
            args.append("-i")
        if self.user:
            args.extend(("--user", self.user))
        return self._podman(args, shlex.split(to_native(cmd, errors="surrogate_or_strict")), in_data)

    def put_file(self, in_path, out_path):
        self._ensure_mount()
        super().put_file(in_path, out_path)

    def fetch_file(self, in_path, out_path):
        self._ensure_mount()
        super().fetch_file(in_path, out_path)
