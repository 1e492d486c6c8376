#!/usr/bin/env bash
# make demo: a builder container compiles baresip once, two endpoint containers
# install its artifact with certificates from a demo fleet CA (playbooks/site.yml),
# ua1 calls ua2 over mutual TLS with SRTP (playbooks/call.yml), and the auditor
# container audits both (playbooks/verify.yml); prints the verdict and report paths.
#   demo/run.sh          set up (or reuse) the lab, deploy, call, audit
#   demo/run.sh clean    remove the lab containers and network
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
image=${MOLECULE_IMAGE:-localhost/voipsec-debian:bookworm}
network=voipsec-demo
reports=${BARESIP_REPORT_DIR:-$root/reports/demo}
export BARESIP_DEMO_STATE=${BARESIP_DEMO_STATE:-$root/.cache/demo}
export BARESIP_SOURCE_CACHE=${BARESIP_SOURCE_CACHE:-$root/.cache/sources}
endpoints="demo-ua1 demo-ua2"
read -r -a hosts <<< "demo-builder $endpoints demo-auditor"
# bump when the way the containers are created changes; older ones are recreated
recipe=2

if [ "${1:-}" = clean ]; then
  podman rm -f "${hosts[@]}" >/dev/null 2>&1 || true
  podman network rm "$network" >/dev/null 2>&1 || true
  rm -rf "$BARESIP_DEMO_STATE"
  echo "demo lab removed (containers, network, demo fleet CA and artifacts)"
  exit 0
fi

mkdir -p "$BARESIP_DEMO_STATE"
podman network exists "$network" || podman network create "$network" >/dev/null
for name in "${hosts[@]}"; do
  if podman container exists "$name" \
     && [ "$(podman inspect -f '{{ index .Config.Labels "voipsec.demo" }}' "$name")" != "$recipe" ]; then
    podman rm -f "$name" >/dev/null
  fi
  if ! podman container exists "$name"; then
    caps=()
    # endpoints: systemd's unit sandbox needs SYS_ADMIN; the call's media capture NET_RAW
    case " $endpoints " in *" $name "*) caps=(--cap-add SYS_ADMIN --cap-add NET_RAW) ;; esac
    podman run -d --name "$name" --hostname "$name" --network "$network" --label "voipsec.demo=$recipe" \
      "${caps[@]}" --systemd=always "$image" /sbin/init >/dev/null
  fi
  podman start "$name" >/dev/null
done
for name in "${hosts[@]}"; do
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
ansible-playbook -i demo/inventory.yml playbooks/call.yml -e baresip_call_from=demo-ua1 -e baresip_call_to=demo-ua2 \
  | tee "$BARESIP_DEMO_STATE/call.log"
called=$(date +%s)
set +e
ansible-playbook -i demo/inventory.yml playbooks/verify.yml -e "baresip_report_dir=$reports"
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
echo "call:   $(grep -o 'demo-ua1 -> demo-ua2: established[^"]*' "$BARESIP_DEMO_STATE/call.log" | head -1)"
echo "deploy: $((deployed - start)) s, call: $((called - deployed)) s, audit: $((audited - called)) s, verify.yml exit code: $rc"
echo "reports: $reports/report.json"
echo "         $reports/report.xml"
echo "         $reports/report.html"
echo "remove the lab with: demo/run.sh clean"
exit "$rc"
