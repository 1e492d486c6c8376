# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations


class ModuleDocFragment:
    # Options of the modules that talk to baresip's ctrl_tcp on the endpoint.
    DOCUMENTATION = r"""
options:
  ctrl_address:
    description: Address of baresip's ctrl_tcp.
    type: str
    default: 127.0.0.1
  ctrl_port:
    description: Port of baresip's ctrl_tcp.
    type: int
    default: 4444
"""
