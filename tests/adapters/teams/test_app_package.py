"""`turnabout teams-package`: the zip an admin uploads, checked as Teams would check it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import FormatChecker
from jsonschema.validators import validator_for

from bot.cli import main
from tests.support.png import read_png

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = Path(__file__).parent / "data" / "MicrosoftTeams.v1.25.schema.json"
APP_ID = "0b7c3a5e-1f2d-4c3b-9a8e-7d6c5b4a3f21"
URL = "https://mentoring.acme.test"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped app.yaml with the company's own Teams details, as an admin would set them."""
    data = yaml.safe_load((ROOT / "app.yaml").read_text(encoding="utf-8"))
    data["teams_app"] = {**data["teams_app"], "developer_name": "Acme People Team",
                         "privacy_url": "https://intranet.acme.test/privacy",
                         "website_url": "https://intranet.acme.test/mentoring",
                         "terms_url": "https://intranet.acme.test/terms",
                         "accent_color": "#0F6CBD", "version": "1.2.0"}
    path = tmp_path / "app.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setenv("TURNABOUT_CONFIG", str(path))
    return path


def build(out: Path, *extra: str) -> int:
    return main(["teams-package", "--app-id", APP_ID, "--url", URL, "--out", str(out), *extra])


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def package(config: Path, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "turnabout-teams.zip"
    assert build(out) == 0
    return read_zip(out)


def manifest_of(package: dict[str, bytes]) -> dict[str, Any]:
    return json.loads(package["manifest.json"])


def test_the_manifest_is_valid_against_the_official_teams_schema(
    package: dict[str, bytes],
) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    manifest = manifest_of(package)

    validator = validator_for(schema)(schema, format_checker=FormatChecker())
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in validator.iter_errors(manifest)]
    assert problems == []
    # The schema says draft-04, which has no `const`: check the version it pins by hand.
    assert manifest["manifestVersion"] == schema["properties"]["manifestVersion"]["const"]
    assert manifest["$schema"].endswith(f"/v{manifest['manifestVersion']}/MicrosoftTeams.schema.json")


def test_the_bot_is_personal_with_the_useful_commands_and_the_service_domain(
    package: dict[str, bytes],
) -> None:
    manifest = manifest_of(package)

    (bot,) = manifest["bots"]
    assert bot["botId"] == APP_ID and manifest["id"] == APP_ID
    assert bot["scopes"] == ["personal"]
    (commands,) = bot["commandLists"]
    assert commands["scopes"] == ["personal"]
    titles = [c["title"] for c in commands["commands"]]
    assert {"join", "help", "status", "pause", "leave"} <= set(titles)
    assert len(titles) <= 10 and len(set(titles)) == len(titles)
    assert all(len(c["title"]) <= 32 and 0 < len(c["description"]) <= 128
               for c in commands["commands"])
    assert manifest["validDomains"] == ["mentoring.acme.test"]


def test_names_and_developer_details_come_from_app_yaml(package: dict[str, bytes]) -> None:
    manifest = manifest_of(package)

    assert manifest["developer"] == {
        "name": "Acme People Team", "websiteUrl": "https://intranet.acme.test/mentoring",
        "privacyUrl": "https://intranet.acme.test/privacy",
        "termsOfUseUrl": "https://intranet.acme.test/terms"}
    assert manifest["name"]["short"] == "Turnabout"
    assert manifest["version"] == "1.2.0" and manifest["accentColor"] == "#0F6CBD"
    assert "reverse mentoring" in manifest["description"]["full"]


def test_the_colour_icon_is_192_pixels_opaque_and_in_the_accent_colour(
    package: dict[str, bytes],
) -> None:
    manifest = manifest_of(package)

    icon = read_png(package[manifest["icons"]["color"]])

    assert (icon.width, icon.height) == (192, 192)
    pixels = icon.all_pixels()
    assert all(alpha == 255 for *_, alpha in pixels)
    assert icon.pixels[0][0] == (0x0F, 0x6C, 0xBD, 255)
    assert (255, 255, 255, 255) in pixels  # the symbol stands out on the background


def test_the_outline_icon_is_32_pixels_white_on_transparent(package: dict[str, bytes]) -> None:
    manifest = manifest_of(package)

    icon = read_png(package[manifest["icons"]["outline"]])

    assert (icon.width, icon.height) == (32, 32) and icon.has_alpha
    pixels = icon.all_pixels()
    visible = [p for p in pixels if p[3] > 0]
    assert all(p[:3] == (255, 255, 255) for p in visible)
    assert 0 < len(visible) < len(pixels) / 2
    corners = [icon.pixels[y][x] for x in (0, 31) for y in (0, 31)]
    assert all(alpha == 0 for *_, alpha in corners)


def test_the_zip_holds_exactly_the_manifest_and_icons_at_its_root(
    package: dict[str, bytes],
) -> None:
    assert sorted(package) == ["color.png", "manifest.json", "outline.png"]


def test_placeholder_addresses_still_build_but_the_admin_is_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TURNABOUT_CONFIG", str(ROOT / "app.yaml"))

    assert build(tmp_path / "app.zip") == 0

    err = capsys.readouterr().err
    assert "teams_app.privacy_url" in err and "example" in err
    assert manifest_of(read_zip(tmp_path / "app.zip"))["developer"]["privacyUrl"].startswith(
        "https://example.com/")


@pytest.mark.parametrize(("args", "problem"), [
    (["--app-id", "my-bot", "--url", URL], "--app-id"),
    (["--app-id", APP_ID, "--url", "http://mentoring.acme.test"], "https"),
    (["--app-id", APP_ID, "--url", "mentoring.acme.test"], "https"),
])
def test_a_bad_app_id_or_url_is_explained_and_writes_nothing(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    args: list[str], problem: str,
) -> None:
    out = tmp_path / "app.zip"

    assert main(["teams-package", *args, "--out", str(out)]) == 2

    err = capsys.readouterr().err
    assert problem in err and "Traceback" not in err
    assert not out.exists()


def test_a_teams_name_longer_than_teams_allows_is_a_config_error(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["teams_app"]["short_name"] = "Reverse mentoring for everyone at Acme"
    config.write_text(yaml.safe_dump(data), encoding="utf-8")

    assert build(tmp_path / "app.zip") == 2

    assert "teams_app.short_name" in capsys.readouterr().err
