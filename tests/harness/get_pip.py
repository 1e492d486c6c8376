"""Bootstrap pip into an empty virtual environment, as pip's get-pip.py does.

ansible-test creates each sanity test's virtual environment without pip, then runs
a get-pip script in it that it downloads from its own file host on first use and
keeps in ~/.ansible/test/cache. Where that host cannot be reached, this file
stands in for it:

    python tests/harness/get_pip.py --install-for-ansible-test

puts a copy under the name ansible-test looks for (unless a script is there
already). Run by ansible-test, it takes get-pip's arguments (pip options, pinned
packages, --no-setuptools, --no-wheel), installs the interpreter's bundled pip
with ensurepip, then the requested packages from the index pip is configured with.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import types

OWN_OPTIONS = ("--no-setuptools", "--no-wheel")
INSTALL = "--install-for-ansible-test"


def cache_path() -> str:
    """Where ansible-test looks for the get-pip script of the pip it pins for this interpreter."""
    # not at the top: as get-pip, this runs in an environment without ansible-test
    from ansible_test._internal.python_requirements import get_venv_packages

    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    pip = get_venv_packages(types.SimpleNamespace(version=version))["pip"]
    name = f"get_pip_{pip.replace('.', '_')}.py"
    return os.path.join(os.path.expanduser("~/.ansible/test/cache"), name)


def install() -> None:
    """Put this script in ansible-test's cache unless a get-pip script is there already."""
    path = cache_path()
    if os.path.exists(path):
        print(f"ansible-test's pip bootstrap script: {path} (kept)")
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    shutil.copyfile(__file__, path)
    print(f"ansible-test's pip bootstrap script: {path}")


def bootstrap(argv: list[str]) -> None:
    """Install pip, then the packages named on the command line."""
    args = [arg for arg in argv if arg not in OWN_OPTIONS]
    python = [sys.executable, "-m"]

    subprocess.run([*python, "ensurepip", "--default-pip"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*python, "pip", "install", "--quiet", "--upgrade", *args], check=True)

    # ensurepip of older interpreters installs setuptools as well
    if "--no-setuptools" in argv:
        subprocess.run(
            [*python, "pip", "uninstall", "--yes", "--quiet", "setuptools"],
            check=False,
            stderr=subprocess.DEVNULL,
        )


def main() -> None:
    if sys.argv[1:] == [INSTALL]:
        install()
    else:
        bootstrap(sys.argv[1:])


if __name__ == "__main__":
    main()
