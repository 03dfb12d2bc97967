"""Saving and loading round-trip exactly; saving never corrupts what is on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.errors import InputError
from accord.io import dump_scenario, load_scenario, save_scenario, scenario_from_text, template_path


def test_template_round_trips_exactly(tmp_path: Path) -> None:
    scenario = load_scenario(template_path())
    path = save_scenario(scenario, tmp_path / "copy.yaml")
    again = load_scenario(path)
    assert again == scenario
    assert dump_scenario(again) == path.read_text(encoding="utf-8")


def test_unknown_stances_round_trip() -> None:
    scenario = load_scenario(template_path())
    unknown = [s for s in scenario.stances if s.value is None]
    assert unknown, "the template shows an unknown stance"
    assert "value: unknown" in dump_scenario(scenario)
    assert scenario_from_text(dump_scenario(scenario)) == scenario


def test_variant_overrides_only_what_it_names() -> None:
    scenario = load_scenario(template_path())
    drought = scenario.with_variant("drought-year")
    before = scenario.position("upstream", "dry-season-flow")
    after = drought.position("upstream", "dry-season-flow")
    assert before is not None and after is not None
    assert after.salience.mean == 0.8
    assert after.value == before.value
    assert drought.variants == []
    assert load_scenario(template_path()) == scenario  # the original is untouched


def test_a_failed_save_leaves_the_old_file_intact(tmp_path: Path) -> None:
    path = save_scenario(load_scenario(template_path()), tmp_path / "kept.yaml")
    original = path.read_bytes()
    broken = load_scenario(template_path()).model_copy(update={"default_parties": ["nobody"]})
    with pytest.raises(InputError, match="unknown actor 'nobody'"):
        save_scenario(broken, path)
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["kept.yaml"]
