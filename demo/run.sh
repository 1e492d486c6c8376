#!/usr/bin/env bash
# make demo: deploy one endpoint into a local container with playbooks/site.yml,
# audit it from a second container with playbooks/verify.yml, print the verdict.
#   demo/run.sh          set up (or reuse) the lab, deploy, audit
#   demo/run.sh clean    remove the lab containers and network
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
image=${MOLECULE_IMAGE:-localhost/voipsec-debian:bookworm}
network=voipsec-demo
reports=${BARESIP_REPORT_DIR:-$root/reports/demo}

if [ "${1:-}" = clean ]; then
  podman rm -f demo-ua1 demo-auditor >/dev/null 2>&1 || true
  podman network rm "$network" >/dev/null 2>&1 || true
  echo "demo lab removed"
  exit 0
fi

podman network exists "$network" || podman network create "$network" >/dev/null
for name in demo-ua1 demo-auditor; do
  if ! podman container exists "$name"; then
    podman run -d --name "$name" --hostname "$name" --network "$network" --systemd=always "$image" /sbin/init >/dev/null
  fi
  podman start "$name" >/dev/null
done
for name in demo-ua1 demo-auditor; do
  for _ in $(seq 1 30); do
    state=$(podman exec "$name" systemctl is-system-running 2>/dev/null || true)
    case $state in running|degraded) break ;; esac
    sleep 1
  done
done

ansible-playbook -i demo/inventory.yml demo/prepare.yml
start=$(date +%s)
ansible-playbook -i demo/inventory.yml playbooks/site.yml
deployed=$(date +%s)
set +e
ansible-playbook -i demo/inventory.yml playbooks/verify.yml \
  -e baresip_verify_auditor=demo-auditor -e "baresip_report_dir=$reports"
rc=$?
set -e
audited=$(date +%s)

echo
echo "=== voipsec.baresip demo ==="
python3 - "$reports/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for host in report["hosts"]:
    verdict = "COMPLIANT" if host["compliant"] else "NOT COMPLIANT"
    c = host["counts"]
    print(f"{host['host']}: {verdict} with {host['profile']} "
          f"({c['pass']} passed, {c['fail']} failed, {c['error']} not measured, {c['skip']} skipped)")
    for check in host["checks"]:
        if check["status"] != "pass":
            print(f"  {check['status'].upper():5} {check['id']}: {check['observed']}")
PY
echo "deploy: $((deployed - start)) s, audit: $((audited - deployed)) s, verify.yml exit code: $rc"
echo "reports: $reports/report.json"
echo "         $reports/report.xml"
echo "         $reports/report.html"
echo "remove the lab with: demo/run.sh clean"
exit "$rc"
