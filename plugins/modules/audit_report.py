#!/usr/bin/python
# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: audit_report
short_description: Write an audit's JSON, JUnit and HTML reports and its evidence on the controller
description:
  - Renders the reports of every audited endpoint into C(report.json), C(report.xml) (JUnit) and
    C(report.html) in O(path), and each endpoint's raw observations into C(evidence/<host>.json),
    in one step on the controller (an action plugin, no round trip to any host).
  - Each file is replaced atomically, so a reader never sees half a report.
  - Each run's C(report.json) is also kept in C(history/) (the newest O(history) of them) and compared with
    the earlier ones (for each endpoint, its latest earlier report) in a C(drift) section - checks that newly
    fail, checks fixed, other status changes, observations that changed (the C(observations) of the host
    reports), endpoints added and gone since the previous run.
  - The HTML page shows the drift first; in the JUnit file a check that newly fails starts its message with
    C(new since <previous audit>).
  - A certificate that expires within O(expiry_warning_days) is a warning in the report and an Ansible
    warning, before its check fails.
  - Reports C(changed=false) - the audit changes nothing on the hosts; the files are its output.
version_added: 0.1.0
author: voipsec.baresip maintainers (@voipsec)
options:
  path:
    description: Directory on the controller; created (with C(evidence/)) when missing.
    type: path
    required: true
  reports:
    description: The endpoints' reports, as the filter C(voipsec.baresip.judge_endpoints) makes them
      (each host's C(report)).
    type: list
    elements: dict
    required: true
  title:
    description: Title of the HTML page.
    type: str
    default: baresip compliance audit
  evidence:
    description:
      - Raw observations per endpoint (host name to facts), written as C(evidence/<host>.json).
      - 'An endpoint whose facts are null (it was not observed) gets C({unmeasured: <reason>}) with the reason
        its report gives.'

    type: dict
    default: {}
  sboms:
    description:
      - The CycloneDX SBOM of each endpoint's build (host name to document, as
        M(voipsec.baresip.baresip_info) returns it), written as C(sbom/<host>.cdx.json).
      - The host's report links it (C(sbom)) and its evidence file names it instead of repeating it.
      - Null for an endpoint without one.
    type: dict
    default: {}
  history:
    description:
      - How many reports to keep in C(history/) for the comparison; V(0) keeps none and compares nothing
        (no C(drift) section).
      - A history file that cannot be read is left out of the comparison and named in RV(history_problems).
    type: int
    default: 20
  expiry_warning_days:
    description: Days before a served certificate's notAfter from which the report warns.
    type: int
    default: 30
attributes:
  action:
    support: full
    description: Runs on the controller.
  check_mode:
    support: full
    description: In check mode nothing is written; RV(would_write) lists the files.
  diff_mode:
    support: none
    description: No diff is shown.
  platform:
    support: full
    platforms: posix
    description: Any POSIX controller.
notes:
  - The playbook C(voipsec.baresip.verify) calls it once per run (C(run_once)), for all endpoints.
"""

EXAMPLES = r"""
- name: Report | JSON, JUnit, HTML and evidence
  voipsec.baresip.audit_report:
    path: "{{ baresip_report_dir }}"
    reports: "{{ reports }}"
    evidence: "{{ {'ua1': ua1_facts} }}"
  run_once: true
"""

RETURN = r"""
files:
  description: Paths written.
  returned: success, not in check mode
  type: list
  elements: str
would_write:
  description: Paths that would be written.
  returned: check mode
  type: list
  elements: str
generated_at:
  description: Time of the reports (UTC, ISO 8601).
  returned: always
  type: str
summary:
  description: Endpoints audited, compliant, not compliant and not measured.
  returned: always
  type: dict
drift:
  description:
    - What changed since the previous audit in O(path) - C(previous) (its time, null for the first audit),
      C(added), C(gone), C(hosts) (per endpoint with a change - C(new_failures), C(fixed), C(status_changes),
      C(observations), C(since)) and C(changed).
    - Null when O(history=0).
  returned: always
  type: dict
history_problems:
  description: History files left out of the comparison, and why.
  returned: when a history file could not be read
  type: list
  elements: str
"""
