"""pyproject.toml installs without warnings: an SPDX license string, a setuptools that reads it."""

from __future__ import annotations

import tomllib
from pathlib import Path

PYPROJECT = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())


def test_license_is_an_spdx_string_not_a_deprecated_table() -> None:
    assert PYPROJECT["project"]["license"] == "Apache-2.0"


def test_build_needs_a_setuptools_that_reads_spdx_licenses() -> None:
    # setuptools 77 reads PEP 639 license strings; older ones refuse them.
    assert "setuptools>=77" in PYPROJECT["build-system"]["requires"]


def test_editable_install_is_a_plain_path_entry() -> None:
    # With package-dir "" = "." setuptools writes one .pth line and prints no warning box.
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {"": "."}
