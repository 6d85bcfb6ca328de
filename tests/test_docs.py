"""The documentation a newcomer and an integrator read stays true to the code: a short README
whose links lead somewhere, and every bulk upload's columns in docs/api-guide.md."""

import re

from api.services import data_values, imports, indicator_import, matrix_files, org_unit_import
from tests.conftest import ROOT

GUIDE = (ROOT / "docs" / "api-guide.md").read_text(encoding="utf-8")


def test_readme_is_short() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150


def test_links_between_the_docs_lead_somewhere() -> None:
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            path = (page.parent / target).resolve()
            assert path.exists(), f"{page.name} links to {target}, which does not exist"


def test_every_upload_has_its_section() -> None:
    for resource in imports.IMPORTERS:
        assert f"— `{resource}`" in GUIDE, f"docs/api-guide.md has no section for {resource}"


def test_every_column_an_upload_reads_is_documented() -> None:
    columns = [
        *org_unit_import.COLUMNS,
        *indicator_import.COLUMNS,
        *data_values.COLUMNS,
    ]
    missing = [c for c in columns if f"`{c}`" not in GUIDE]
    assert missing == []
    # The appendix's headers as people write them, the optional timing column included.
    for header in [*matrix_files.HEADER, matrix_files.DESCRIPTION, matrix_files.PARENT]:
        assert f"`{header}`" in GUIDE
    # A new field the appendix reads must be added to the guide's table (and to this set).
    assert {
        "number",
        "title",
        "lead",
        "lead_code",
        "coordinating",
        "coordinating_codes",
        "result",
        "note",
        "timing",
        "description",
        "parent",
    } == set(matrix_files.FIELDS.values())
