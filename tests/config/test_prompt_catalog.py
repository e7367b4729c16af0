"""The shipped prompt catalog and the rules its loader enforces."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from config.prompt_catalog import (
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    Agenda,
    Catalog,
    CatalogError,
    Prompt,
    load_catalog,
    load_default_catalog,
)
from prompts import CATALOG_DIR

SENIOR_LEARNS = (
    "ai-digital-tools",
    "social-media",
    "future-of-work",
    "next-gen-talent",
    "culture-inclusion",
    "work-life-balance",
    "remote-hybrid",
    "trends-markets",
    "diverse-innovation",
)
JUNIOR_LEARNS = (
    "leadership",
    "strategic-thinking",
    "navigating-org",
    "company-history",
    "career-advancement",
)
TOPIC_IDS = SENIOR_LEARNS + JUNIOR_LEARNS


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(CATALOG_DIR, TOPIC_IDS)


# --- the shipped catalog ---------------------------------------------------------------------


def test_shipped_catalog_has_enough_prompts(catalog: Catalog) -> None:
    assert len(catalog.prompts) >= 60


@pytest.mark.parametrize("topic", TOPIC_IDS)
def test_every_topic_has_at_least_three_prompts(catalog: Catalog, topic: str) -> None:
    assert len(catalog.prompts_for_topics([topic])) >= 3


def test_ids_are_unique_and_kebab_case(catalog: Catalog) -> None:
    ids = [p.id for p in catalog.prompts]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    agenda_ids = [a.id for a in catalog.agendas]
    assert len(set(agenda_ids)) == len(agenda_ids)
    for item_id in ids + agenda_ids:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", item_id), item_id


def test_program_level_prompts(catalog: Catalog) -> None:
    clean_sheet = catalog.prompts_for_topics(["clean-sheet"])
    assert len(clean_sheet) >= 2
    assert all(p.kind == "exercise" and p.exercise for p in clean_sheet)
    work_from_home = catalog.prompt("clean-sheet-work-from-home")
    assert "work-from-home policy" in (work_from_home.exercise or "")
    assert "blank page" in (work_from_home.exercise or "")

    goals = catalog.prompts_for_topics(["smart-goals"])
    assert len(goals) >= 2
    assert all(p.kind == "goals" for p in goals)
    assert any("Specific, Measurable" in (p.exercise or "") for p in goals)

    feedback = catalog.prompts_for_topics(["feedback"])
    assert len(feedback) >= 3
    assert all(p.kind == "feedback" for p in feedback)


def test_shape_of_every_prompt(catalog: Catalog) -> None:
    for p in catalog.prompts:
        assert 2 <= len(p.questions) <= 3, p.id
        assert isinstance(p.questions, tuple), p.id
        assert 0 < len(p.title) <= MAX_TITLE_CHARS, p.id
        assert p.kind in {"conversation", "exercise", "goals", "feedback", "agenda"}, p.id
        if p.kind == "exercise":
            assert p.exercise, p.id


_CLOSED_OPENERS = re.compile(
    r"^(Is|Are|Do|Does|Did|Can|Could|Should|Will|Would|Have|Has|Was|Were)\b"
)


def test_questions_are_open_questions(catalog: Catalog) -> None:
    for p in catalog.prompts:
        for q in p.questions:
            assert q.endswith("?"), (p.id, q)
            assert not _CLOSED_OPENERS.match(q), (p.id, q)


def test_exercises_are_written_for_the_pair(catalog: Catalog) -> None:
    # Exercises give each side a part to play, so the roles stay reversed.
    for p in catalog.prompts:
        if p.exercise is not None:
            text = p.exercise.lower()
            assert "mentor" in text or "each of you" in text, p.id
            assert len(p.exercise) <= MAX_TEXT_CHARS, p.id


def test_no_real_organisations_named(catalog: Catalog) -> None:
    names = ("general electric", "pwc", "deloitte", "caterpillar", "heineken", "nhs")
    texts = [p.title for p in catalog.prompts]
    texts += [q for p in catalog.prompts for q in p.questions]
    texts += [p.exercise for p in catalog.prompts if p.exercise]
    texts += [s for a in catalog.agendas for s in (a.title, *a.steps)]
    for text in texts:
        assert not any(re.search(rf"\b{name}\b", text.lower()) for name in names), text


def test_first_meeting_agenda(catalog: Catalog) -> None:
    agenda = catalog.first_meeting_agenda()
    assert agenda.id == "first-meeting"
    assert 5 <= len(agenda.steps) <= 7
    text = " ".join(agenda.steps).lower()
    for must in ("job titles", "teach", "how often", "confidential", "topic", "goal"):
        assert must in text, must


def test_sample_agendas(catalog: Catalog) -> None:
    ids = {a.id for a in catalog.agendas}
    assert {"regular-session", "mid-point-review", "closing-session"} <= ids
    guides = {"guide-junior-mentor", "guide-senior-mentee"}
    assert 2 <= len(ids - {"first-meeting"} - guides) <= 3
    # Role guides are a few bullets, not a document.
    assert all(3 <= len(catalog.agenda(g).steps) <= 5 for g in guides)
    assert all(a.steps for a in catalog.agendas)


def test_topic_list_matches_the_app_config() -> None:
    # If a topic is added to app.yaml, it needs at least three prompts in prompts/catalog.yaml.
    config = yaml.safe_load((Path(__file__).parents[2] / "app.yaml").read_text("utf-8"))
    assert {t["id"] for t in config["survey"]["topics"]} == set(TOPIC_IDS)


def test_load_default_catalog_reads_shipped_files(catalog: Catalog) -> None:
    assert load_default_catalog(TOPIC_IDS) == catalog


# --- the API ---------------------------------------------------------------------------------


def test_prompts_for_topics_groups_in_requested_order(catalog: Catalog) -> None:
    picked = catalog.prompts_for_topics(["leadership", "ai-digital-tools", "leadership"])
    topics = [p.topic for p in picked]
    n_leadership = topics.count("leadership")
    assert topics == ["leadership"] * n_leadership + ["ai-digital-tools"] * (
        len(topics) - n_leadership
    )
    in_file_order = [p for p in catalog.prompts if p.topic == "leadership"]
    assert list(picked[:n_leadership]) == in_file_order


def test_prompts_for_topics_accepts_a_single_string_and_unknowns(catalog: Catalog) -> None:
    assert catalog.prompts_for_topics("leadership") == catalog.prompts_for_topics(["leadership"])
    assert catalog.prompts_for_topics(["no-such-topic"]) == ()
    assert catalog.prompts_for_topics([]) == ()


def test_lookup_by_id(catalog: Catalog) -> None:
    assert catalog.agenda("closing-session").id == "closing-session"
    with pytest.raises(KeyError):
        catalog.agenda("nope")
    with pytest.raises(KeyError):
        catalog.prompt("nope")


def test_values_are_frozen(catalog: Catalog) -> None:
    prompt = catalog.prompts[0]
    assert isinstance(prompt, Prompt)
    with pytest.raises(dataclasses.FrozenInstanceError):
        prompt.title = "changed"  # type: ignore[misc]
    assert isinstance(catalog.agendas[0], Agenda)
    assert isinstance(catalog.agendas[0].steps, tuple)


def test_topic_ids_must_not_be_a_bare_string() -> None:
    with pytest.raises(TypeError):
        load_catalog(CATALOG_DIR, "leadership")


# --- validation ------------------------------------------------------------------------------


_DROP = object()  # marks a key to leave out


def _prompt(**overrides: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": "sample-prompt",
        "topic": "leadership",
        "kind": "conversation",
        "title": "A sample",
        "questions": ["What is one?", "What is two?"],
        "exercise": "Each of you does a thing.",
    }
    entry.update(overrides)
    return {k: v for k, v in entry.items() if v is not _DROP}


_FIRST_MEETING = {"id": "first-meeting", "title": "First", "steps": ["Say hello.", "Set a goal."]}


def _write(
    directory: Path,
    prompts: list[Any] | None = None,
    agendas: list[Any] | None = None,
) -> Path:
    prompts = [_prompt()] if prompts is None else prompts
    agendas = [_FIRST_MEETING] if agendas is None else agendas
    (directory / "catalog.yaml").write_text(yaml.safe_dump({"prompts": prompts}), "utf-8")
    (directory / "agendas.yaml").write_text(yaml.safe_dump({"agendas": agendas}), "utf-8")
    return directory


def _error(directory: Path) -> str:
    with pytest.raises(CatalogError) as info:
        load_catalog(directory, TOPIC_IDS)
    assert info.value.message == str(info.value)
    return str(info.value)


def test_minimal_catalog_loads_and_strips_whitespace(tmp_path: Path) -> None:
    _write(tmp_path, [_prompt(title="  A sample \n", exercise=None)])
    loaded = load_catalog(tmp_path, TOPIC_IDS)
    assert loaded.prompts == (
        Prompt(
            id="sample-prompt",
            topic="leadership",
            title="A sample",
            questions=("What is one?", "What is two?"),
            exercise=None,
            kind="conversation",
        ),
    )
    assert loaded.first_meeting_agenda().steps == ("Say hello.", "Set a goal.")


def test_limits_are_inclusive(tmp_path: Path) -> None:
    _write(
        tmp_path,
        [
            _prompt(
                title="t" * MAX_TITLE_CHARS,
                questions=["q" * MAX_TEXT_CHARS, "b?", "c?"],
                exercise="e" * MAX_TEXT_CHARS,
            )
        ],
    )
    assert len(load_catalog(tmp_path, TOPIC_IDS).prompts[0].questions) == 3


def test_program_topics_are_always_accepted(tmp_path: Path) -> None:
    _write(
        tmp_path,
        [
            _prompt(id="a", topic="clean-sheet", kind="exercise"),
            _prompt(id="b", topic="smart-goals", kind="goals"),
            _prompt(id="c", topic="feedback", kind="feedback"),
            _prompt(id="d", topic="agenda", kind="agenda"),
        ],
    )
    assert len(load_catalog(tmp_path, []).prompts) == 4


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (_prompt(topic="astrology"), "unknown topic 'astrology'"),
        (_prompt(questions=["Only one?"]), "needs 2 to 3 questions, found 1"),
        (_prompt(questions=["a?", "b?", "c?", "d?"]), "needs 2 to 3 questions, found 4"),
        (_prompt(questions="What?"), "questions must be a list"),
        (_prompt(title="   "), "title is empty"),
        (_prompt(questions=["Fine?", ""]), "question 2 is empty"),
        (_prompt(exercise=""), "exercise is empty"),
        (_prompt(title="t" * 151), "title is too long (151 characters, limit 150)"),
        (_prompt(questions=["Fine?", "q" * 601]), "question 2 is too long (601 characters"),
        (_prompt(exercise="e" * 601), "exercise is too long (601 characters, limit 600)"),
        (_prompt(questions=["Same?", "Same?"]), "repeats a question"),
        (_prompt(questions=["Fine?", 42]), "question 2 must be text, found int"),
        (_prompt(kind="lecture"), "unknown kind 'lecture'"),
        (_prompt(topic="smart-goals"), "topic 'smart-goals' needs kind 'goals'"),
        (_prompt(kind="exercise", exercise=None), "kind 'exercise' needs an exercise"),
        (_prompt(exercize="typo"), "unknown key(s) exercize"),
        (_prompt(title=_DROP), "missing required key 'title'"),
    ],
)
def test_invalid_prompt_is_named_with_its_problem(
    tmp_path: Path, entry: dict[str, Any], problem: str
) -> None:
    message = _error(_write(tmp_path, [entry]))
    assert "catalog.yaml" in message
    assert "prompt 'sample-prompt'" in message
    assert problem in message


def test_duplicate_prompt_id(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, [_prompt(id="twice"), _prompt(), _prompt(id="twice")]))
    assert "catalog.yaml" in message
    assert "prompt 'twice'" in message
    assert "duplicate id" in message


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (_prompt(id="Not Kebab"), "must be kebab-case"),
        (_prompt(id="trailing-"), "must be kebab-case"),
        (_prompt(id=7), "id must be non-empty text"),
        (_prompt(id=_DROP), "missing required key 'id'"),
        ("just a string", "each prompt must be a mapping, found str"),
    ],
)
def test_prompt_without_valid_id_is_named_by_position(
    tmp_path: Path, entry: Any, problem: str
) -> None:
    message = _error(_write(tmp_path, [_prompt(id="fine"), entry]))
    assert "catalog.yaml: prompt #2 (no valid id)" in message
    assert problem in message


def test_duplicate_yaml_key_is_reported_with_line_and_id(tmp_path: Path) -> None:
    _write(tmp_path)
    (tmp_path / "catalog.yaml").write_text(
        "prompts:\n"
        "  - id: doubled\n"
        "    topic: leadership\n"
        "    kind: conversation\n"
        "    title: First title\n"
        "    title: Second title\n"
        "    questions:\n"
        "      - What?\n"
        "      - Why?\n",
        "utf-8",
    )
    message = _error(tmp_path)
    assert "catalog.yaml: line 6" in message
    assert "duplicate key 'title' in the entry with id 'doubled'" in message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("prompts:\n  - id: x\n    title: A: B\n", "not valid YAML"),
        ("", "file is empty"),
        ("- id: x\n", "expected a top-level 'prompts:' list"),
        ("prompts: []\n", "'prompts' must be a non-empty list"),
        ("prompts: [{}]\nextra: 1\n", "unknown top-level key(s) extra"),
    ],
)
def test_malformed_file(tmp_path: Path, text: str, problem: str) -> None:
    _write(tmp_path)
    (tmp_path / "catalog.yaml").write_text(text, "utf-8")
    message = _error(tmp_path)
    assert "catalog.yaml" in message
    assert problem in message


def test_missing_file(tmp_path: Path) -> None:
    _write(tmp_path)
    (tmp_path / "agendas.yaml").unlink()
    message = _error(tmp_path)
    assert "agendas.yaml: file not found" in message


@pytest.mark.parametrize(
    ("agendas", "problem"),
    [
        ([{"id": "regular", "title": "R", "steps": ["One."]}], "no agenda with id 'first-meeting'"),
        ([_FIRST_MEETING, _FIRST_MEETING], "agenda 'first-meeting': duplicate id"),
        ([{**_FIRST_MEETING, "steps": ["Fine.", " "]}], "agenda 'first-meeting': step 2 is empty"),
        ([{**_FIRST_MEETING, "steps": []}], "agenda 'first-meeting': needs 1 to 12 steps, found 0"),
        ([{**_FIRST_MEETING, "title": "t" * 151}], "agenda 'first-meeting': title is too long"),
        ([{**_FIRST_MEETING, "notes": "x"}], "agenda 'first-meeting': unknown key(s) notes"),
    ],
)
def test_invalid_agenda(tmp_path: Path, agendas: list[Any], problem: str) -> None:
    message = _error(_write(tmp_path, agendas=agendas))
    assert "agendas.yaml" in message
    assert problem in message
