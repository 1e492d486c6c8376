# voipsec.baresip — developer entry points.
#   make test     bootstrap everything, then lint, unit tests, sanity and Molecule
#   make lint     ansible-lint + ruff
#   make unit     pytest tests/unit
#   make sanity   ansible-test sanity on the collection ($(SANITY_ARGS))
#   make molecule Molecule scenarios ($(SCENARIOS))
#   make demo     builder + two endpoints in local containers, a call between them, the audit
#   make bench    audit vs testssl.sh, and fleet vs one endpoint, on the demo lab
#   make docs     regenerate the generated parts of docs/ and the reference in docs/reference
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT       := $(abspath .)
VENV       := $(ROOT)/.venv
CACHE      := $(ROOT)/.cache
BIN        := $(VENV)/bin
PYTHON     ?= python3
# fleet's builder exports the 4.10.0 tree that niap, rollout, registrar and upgrade install
SCENARIOS  ?= default fleet niap rollout registrar noncompliant upgrade
MOLECULE_DISTRO ?= bookworm
# ansible-test wants the collection at .../ansible_collections/voipsec/baresip: the
# collection link is that path for any checkout
COLLECTION_LINK := $(CACHE)/collections/ansible_collections/voipsec/baresip
SANITY_ARGS ?= --python 3.11
# Scenarios that run against the collection installed from its built tarball into an
# empty collections path (what a user gets from ansible-galaxy), not the checkout.
INSTALLED  := $(CACHE)/installed
INSTALLED_SCENARIOS ?= noncompliant
VERSION    := $(shell sed -n 's/^version: *//p' galaxy.yml)

export PATH := $(BIN):$(PATH)
export CONTAINERS_CONF ?= $(ROOT)/tests/harness/containers.conf
export ANSIBLE_COLLECTIONS_PATH := $(CACHE)/collections
export BARESIP_SOURCE_CACHE ?= $(CACHE)/sources
# build-once artifacts shared by the scenarios (a builder compiles only when
# no export of the same inputs is there)
export BARESIP_ARTIFACT_CACHE ?= $(CACHE)/artifacts
export MOLECULE_DISTRO
export MOLECULE_IMAGE ?= localhost/voipsec-debian:$(MOLECULE_DISTRO)
export ANSIBLE_FORCE_COLOR ?= 0
export PY_COLORS ?= 0

APT_PACKAGES := podman runc debootstrap uidmap slirp4netns containernetworking-plugins \
                iptables openssl shellcheck

.PHONY: demo demo-clean bench bench-packages help test bootstrap venv host-packages collection-link sources images installed-collection \
        lint unit sanity molecule clean distclean build-collection docs

help:
	@sed -n '2,9p' Makefile

test: bootstrap lint unit sanity molecule

bootstrap: host-packages venv collection-link sources images

# Debian packages, installed when one of them is missing
define apt-install
	@if ! dpkg -s $(1) >/dev/null 2>&1; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(1); \
	fi
endef

$(CACHE)/.host-packages: Makefile
	@mkdir -p $(CACHE)
	$(call apt-install,$(APT_PACKAGES))
	@touch $@
host-packages: $(CACHE)/.host-packages

$(VENV)/.installed: requirements-dev.txt requirements-auditor.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	@touch $@
venv: $(VENV)/.installed

collection-link:
	@mkdir -p $(CACHE)/collections/ansible_collections/voipsec
	@ln -sfn $(ROOT) $(COLLECTION_LINK)

sources: venv
	$(BIN)/python tests/harness/fetch_sources.py --fips --dest $(BARESIP_SOURCE_CACHE)

images: host-packages
	tests/harness/build_image.sh $(MOLECULE_DISTRO)

lint: venv collection-link
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/ansible-lint

unit: venv collection-link
	$(BIN)/pytest tests/unit

# Run in the collection link. The working directory's real path would be the checkout's,
# so ansible-test is given the link's path as the content root. Its sanity environments
# are bootstrapped with tests/harness/get_pip.py where its own script is not cached.
sanity: venv collection-link host-packages
	$(BIN)/python tests/harness/get_pip.py --install-for-ansible-test
	cd $(COLLECTION_LINK) && ANSIBLE_TEST_CONTENT_ROOT=$(COLLECTION_LINK) \
	  $(BIN)/ansible-test sanity $(SANITY_ARGS) --requirements --color no

docs: venv collection-link
	$(BIN)/python tests/harness/gen_docs.py

# The scenarios reach their containers through tests/harness/connection_plugins/podman.py
# (Molecule's "podman" connection, with pipelining).
molecule: bootstrap installed-collection
	@for s in $(SCENARIOS); do \
	  paths=$(CACHE)/collections; \
	  case " $(INSTALLED_SCENARIOS) " in *" $$s "*) paths=$(INSTALLED):$(CACHE)/collections ;; esac; \
	  echo "=== molecule test -s $$s ($(MOLECULE_DISTRO); collections: $$paths) ==="; \
	  ANSIBLE_COLLECTIONS_PATH=$$paths ANSIBLE_CONNECTION_PLUGINS=$(ROOT)/tests/harness/connection_plugins \
	    $(BIN)/molecule test -s $$s || exit 1; \
	done

# The tarball installed without its dependencies (those come from $(CACHE)/collections);
# ansible-doc must then resolve the collection's modules to the installed copy.
installed-collection: build-collection
	rm -rf $(INSTALLED)
	$(BIN)/ansible-galaxy collection install --no-deps --force -p $(INSTALLED) $(CACHE)/dist/voipsec-baresip-$(VERSION).tar.gz
	@found=$$(ANSIBLE_COLLECTIONS_PATH=$(INSTALLED):$(CACHE)/collections $(BIN)/ansible-doc --json -t module \
	    voipsec.baresip.baresip_info | $(BIN)/python -c 'import json,sys; print(next(iter(json.load(sys.stdin).values()))["doc"]["filename"])'); \
	  case "$$found" in $(INSTALLED)/*) echo "installed copy in use: $$found" ;; \
	    *) echo "voipsec.baresip resolves to $$found, not to $(INSTALLED)" >&2; exit 1 ;; esac

# the demo lab's inventory names the podman connection as Molecule does: the harness's pipelining one
demo bench: export ANSIBLE_CONNECTION_PLUGINS := $(ROOT)/tests/harness/connection_plugins

demo: bootstrap
	demo/run.sh

demo-clean:
	demo/run.sh clean

# the reference the audit is measured against
bench-packages: host-packages
	$(call apt-install,testssl.sh)

bench: bootstrap bench-packages
	bench/audit_vs_testssl.py
	bench/fleet_audit.py

build-collection: venv
	@mkdir -p $(CACHE)/dist
	$(BIN)/ansible-galaxy collection build --force --output-path $(CACHE)/dist .

clean:
	rm -rf $(CACHE)/dist .pytest_cache .ruff_cache tests/output reports

distclean: clean
	rm -rf $(VENV) $(CACHE)
