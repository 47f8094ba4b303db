"""The settings table is the README's Configuration table, and nothing else reads the environment."""

import re
from pathlib import Path

import pytest

from lentera.core import settings

ROOT = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^\| `(?P<name>LENTERA_[A-Z_]+)` \| (?P<default>.+?) \| (?P<what>.+?) \|$")


def readme_rows() -> dict[str, tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    table = section.split("| variable | default | what |", 1)[1].split("\n\n", 1)[0]
    rows = {}
    for line in table.strip().splitlines()[1:]:
        m = ROW.match(line)
        assert m, f"README configuration row not understood (a blank line or a typo?): {line!r}"
        rows[m["name"]] = (m["default"].strip("`"), m["what"])
    return rows


def test_readme_table_is_the_settings_table():
    rows = readme_rows()
    assert list(rows) == [s.name for s in settings.SETTINGS]
    for s in settings.SETTINGS:
        assert rows[s.name] == (s.default, s.description), s.name


def test_only_config_reads_the_environment():
    offenders = []
    for path in (ROOT / "lentera").rglob("*.py"):
        if path.name == "settings.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "os.environ" in line or "os.getenv" in line:
                offenders.append(f"{path.relative_to(ROOT)}:{n}")
    assert offenders == []


def test_unknown_setting_is_refused(monkeypatch):
    with pytest.raises(settings.UnknownSettingError):
        settings.value("LENTERA_NO_SUCH_THING")
    monkeypatch.setenv("LENTERA_TRUST_PROXY", "ya")
    assert settings.flag("LENTERA_TRUST_PROXY")
