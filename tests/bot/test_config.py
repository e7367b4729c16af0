"""A bad app.yaml or environment stops start-up with one clear message naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.config import load_settings
from config.program import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def write_config(tmp_path: Path, change: dict) -> Path:  # type: ignore[type-arg]
    data = yaml.safe_load((ROOT / "app.yaml").read_text())
    data.update(change)
    path = tmp_path / "app.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_the_shipped_app_yaml_loads_with_web_chat_on_and_no_platform_secrets() -> None:
    settings = load_settings({})
    assert settings.web_chat and settings.slack is None
    assert settings.program.command == "/mentoring"
    assert settings.database_url == "sqlite:///turnabout.db"
    # The seed guidance's own example is the first goal a new program gets.
    first = settings.program.goals[0]
    assert (first.metric, first.target, first.by_month) == ("applied_new_skill", 25, 6)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"command": "mentoring"}, "command: String should match pattern"),
        ({"nudges": {"inactive_days": 0}}, "nudges.inactive_days: Input should be greater than"),
        (
            {"matching": {"teach_wieght": 2}},
            "matching.teach_wieght: Extra inputs are not permitted",
        ),
        ({"prompts": {"local_time": "25:99"}}, "prompts.local_time"),
        ({"pulse": {"every_weeks": 1, "window_days": 8}},
         "pulse: window_days is 8, longer than the 7 days between polls"),
        ({"matching": {"mode": "lottery"}}, "matching.mode: Input should be 'assigned', 'self'"),
        ({"matching": {"request_days": 0}}, "matching.request_days: Input should be greater"),
        ({"goals": [{"metric": "applied_new_skill", "target": 25},
                    {"metric": "happiness", "target": 4}]},
         "goals.1.metric: unknown metric “happiness”; choose one of applied_new_skill, "),
        ({"goals": [{"metric": "satisfaction", "target": 7}]},
         "goals.0: target 7 is outside 1–5 for satisfaction"),
        ({"goals": [{"metric": "enrolment", "target": 40, "by_month": 1, "deadline": 2}]},
         "goals.0.deadline: Extra inputs are not permitted"),
    ],
)
def test_a_bad_setting_is_named_with_its_problem(
    tmp_path: Path, change: dict, expected: str
) -> None:  # type: ignore[type-arg]
    path = write_config(tmp_path, change)
    with pytest.raises(ConfigError, match=expected.replace(".", r"\.")):
        load_settings({"TURNABOUT_CONFIG": str(path)})


def test_duplicate_topic_ids_are_reported(tmp_path: Path) -> None:
    data = yaml.safe_load((ROOT / "app.yaml").read_text())
    data["survey"]["topics"].append(data["survey"]["topics"][0])
    path = tmp_path / "app.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError, match=r"survey\.topics lists ai-digital-tools more than once"):
        load_settings({"TURNABOUT_CONFIG": str(path)})


def test_broken_yaml_and_a_missing_file_are_reported(tmp_path: Path) -> None:
    broken = tmp_path / "app.yaml"
    broken.write_text("name: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        load_settings({"TURNABOUT_CONFIG": str(broken)})
    with pytest.raises(ConfigError, match="file not found"):
        load_settings({"TURNABOUT_CONFIG": str(tmp_path / "nope.yaml")})


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"SLACK_BOT_TOKEN": "abc", "SLACK_SIGNING_SECRET": "s"},
            "SLACK_BOT_TOKEN: must be a bot token",
        ),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET: required"),
        ({"MICROSOFT_APP_ID": "id"}, "MICROSOFT_APP_PASSWORD: required"),
        (
            {"MICROSOFT_APP_ID": "id", "MICROSOFT_APP_PASSWORD": "p", "MICROSOFT_APP_TYPE": "Solo"},
            "MICROSOFT_APP_TYPE",
        ),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL: 'mysql' databases are not supported"),
        ({"PORT": "http"}, "PORT: 'http' is not a port number"),
        ({"WEB_CHAT_TOKEN": "short"}, "WEB_CHAT_TOKEN: use at least 16"),
        ({"WEB_CHAT_TOKEN": "sixteen chars with spaces"}, "WEB_CHAT_TOKEN: use printable"),
    ],
)
def test_a_bad_environment_variable_is_named(env: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_settings(env)


def test_the_command_line_prints_one_line_and_exits_2_on_bad_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TURNABOUT_CONFIG", str(write_config(tmp_path, {"name": ""})))
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("turnabout: ") and "name: String should have at least 1 character" in err
    assert "Traceback" not in err


def test_slack_in_socket_mode_needs_no_signing_secret_and_turns_the_web_chat_off() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert settings.slack is not None and settings.slack.app_token == "xapp-1"
    assert not settings.web_chat


def test_the_web_chat_token_comes_from_the_environment_only() -> None:
    assert load_settings({}).web_chat_token == ""
    token = "x" * 24
    assert load_settings({"WEB_CHAT_TOKEN": token}, host="0.0.0.0").web_chat_token == token
