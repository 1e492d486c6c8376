# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A CycloneDX 1.6 SBOM of one built tree, made with cyclonedx-python-lib (controller side).

The tree is the metadata component; its components are the release's source components (re,
librem, baresip: version, purl, source URL, sha256, the build patches as pedigree) and the
OpenSSL library the tree links against. The build (inputs digest, modules, compiler, flags) is
recorded as properties. The same inputs and toolchain give the same document (serial number
and timestamp derive from them), so an exported artifact stays reproducible.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import datetime, timezone

NAMESPACE = uuid.UUID("6f1d2c0e-3b55-4f57-9d7e-2a8b1c4d5e6f")
GITHUB_TAG = re.compile(r"^https://github\.com/([^/]+)/([^/]+)/archive/refs/tags/([^/]+)\.tar\.gz$")


class SbomError(ValueError):
    pass


def inputs_digest(inputs):
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def purl_of(component):
    """pkg:github/OWNER/REPO@TAG for a GitHub tag archive, else pkg:generic/NAME@VERSION with the
    download URL."""
    from packageurl import PackageURL

    match = GITHUB_TAG.match(component.get("url") or "")
    if match:
        return PackageURL(
            type="github", namespace=match.group(1), name=match.group(2), version=match.group(3)
        )
    qualifiers = {"download_url": component["url"]} if component.get("url") else None
    return PackageURL(
        type="generic", name=component["name"], version=component["version"], qualifiers=qualifiers
    )


def _patch_target(name, patch_components):
    return (patch_components or {}).get(name, "baresip")


def document(inputs, release, patches, toolchain, built_at=None):
    """The SBOM as JSON text. ``inputs``: the build manifest's inputs (versions, sha256, patches,
    modules, openssl, prefix); ``release``: the release entry (components with name, version,
    url, file, sha256; patch_components); ``patches``: {name: text} of the patches applied;
    ``toolchain``: {compiler, build_system, flags}. Raises SbomError on inputs it cannot describe."""
    try:
        from cyclonedx.contrib.hash.factories import HashTypeFactory
        from cyclonedx.model import AttachedText, ExternalReference, ExternalReferenceType, Property, XsUri
        from cyclonedx.model.bom import Bom, BomMetaData
        from cyclonedx.model.component import (
            Component,
            ComponentType,
            Diff,
            Patch,
            PatchClassification,
            Pedigree,
        )
        from cyclonedx.model.tool import ToolRepository
        from cyclonedx.output.json import JsonV1Dot6
        from packageurl import PackageURL
    except ImportError as exc:
        raise SbomError(f"cyclonedx-python-lib is needed on the controller to write the SBOM: {exc}") from exc
    if not isinstance(inputs, dict) or not isinstance(release, dict) or not release.get("components"):
        raise SbomError("the build inputs and the release entry (with its components) are needed")
    digests = dict(str(p).split(" sha256:", 1) for p in inputs.get("patches") or [] if " sha256:" in str(p))
    texts = dict(patches or {})
    components = {}
    for source in release["components"]:
        applied = [n for n in digests if _patch_target(n, release.get("patch_components")) == source["name"]]
        pedigree = None
        if applied:
            pedigree = Pedigree(
                patches=[
                    Patch(
                        type=PatchClassification.UNOFFICIAL,
                        diff=Diff(text=AttachedText(content=texts.get(n) or "", content_type="text/x-diff")),
                    )
                    for n in applied
                ],
                notes="; ".join(f"{n} sha256:{digests[n]}" for n in applied),
            )
        components[source["name"]] = Component(
            name=source["name"],
            version=str(source["version"]),
            type=ComponentType.APPLICATION if source["name"] == "baresip" else ComponentType.LIBRARY,
            bom_ref=f"source:{source['name']}",
            purl=purl_of(source),
            hashes=[HashTypeFactory().from_hashlib_alg("sha256", source["sha256"])],
            external_references=[
                ExternalReference(type=ExternalReferenceType.DISTRIBUTION, url=XsUri(source["url"]))
            ]
            if source.get("url")
            else [],
            pedigree=pedigree,
            properties=[Property(name="voipsec:module", value=m) for m in inputs.get("modules") or []]
            if source["name"] == "baresip"
            else [],
        )
    openssl = Component(
        name="openssl",
        version=str(inputs.get("openssl") or "unknown"),
        type=ComponentType.LIBRARY,
        bom_ref="system:openssl",
        purl=PackageURL(type="generic", name="openssl", version=str(inputs.get("openssl") or "unknown")),
        description="the OpenSSL library of the build host, which the tree links against",
        properties=[Property(name="voipsec:provided_by", value="build host package")],
    )
    digest = inputs_digest(inputs)
    toolchain = toolchain or {}
    tree = Component(
        name="baresip-tree",
        version=str(inputs.get("baresip_version") or ""),
        type=ComponentType.APPLICATION,
        bom_ref="tree",
        description=f"baresip build tree installed under {inputs.get('prefix')}",
        properties=[
            Property(name="voipsec:inputs_sha256", value=digest),
            Property(name="voipsec:prefix", value=str(inputs.get("prefix") or "")),
            Property(name="voipsec:build_system", value=str(toolchain.get("build_system") or "")),
            Property(name="voipsec:compiler", value=str(toolchain.get("compiler") or "unknown")),
            *[Property(name="voipsec:build_flag", value=str(f)) for f in toolchain.get("flags") or []],
            *[Property(name="voipsec:capability", value=str(c)) for c in inputs.get("capabilities") or []],
        ],
    )
    when = built_at or datetime.now(timezone.utc)
    bom = Bom(
        serial_number=uuid.uuid5(NAMESPACE, digest + json.dumps(toolchain, sort_keys=True)),
        metadata=BomMetaData(
            component=tree,
            timestamp=when,
            tools=ToolRepository(
                components=[Component(name="voipsec.baresip", type=ComponentType.APPLICATION)]
            ),
        ),
        components=[*components.values(), openssl],
    )
    bom.register_dependency(tree, list(components.values()))
    for name, component in components.items():
        below = [c for n, c in components.items() if n in ("re", "rem") and n != name and name != "re"]
        bom.register_dependency(component, [*below, openssl])
    return JsonV1Dot6(bom).output_as_string(indent=2)


def validation_errors(text):
    """Why ``text`` is not a valid CycloneDX 1.6 JSON document (the library's strict validator),
    or None."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    try:
        error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    except ValueError as exc:  # not JSON at all
        return f"not JSON: {exc}"
    return str(error) if error else None
