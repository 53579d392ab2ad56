"""The LICENSE file and the package metadata name the same licence."""

from __future__ import annotations

import re
import tomllib

from bordin.docgen import ROOT

LICENCE_URL = "https://www.gnu.org/licenses/agpl-3.0.html"


def _spdx_in_licence_file() -> str:
    found = re.search(r"^SPDX-License-Identifier: (\S+)$", (ROOT / "LICENSE").read_text(), re.M)
    assert found, "LICENSE does not name its licence by an SPDX identifier"
    return found.group(1)


def test_the_licence_file_and_pyproject_name_the_same_spdx_identifier() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert _spdx_in_licence_file() == project["license"] == "AGPL-3.0-or-later"


def test_the_licence_file_names_the_holder_and_where_the_official_text_is() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert re.search(r"^Copyright \(C\) \d{4} The Bordin contributors$", text, re.M)
    assert LICENCE_URL in text


def test_the_readme_names_the_same_licence() -> None:
    assert f"Licence: {_spdx_in_licence_file()}." in (ROOT / "README.md").read_text()
