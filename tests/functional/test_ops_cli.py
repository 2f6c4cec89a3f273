"""``nagorik stats`` and ``nagorik seed`` against the stage's tables (moto in-process)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ops.cli import main


@pytest.fixture
def nagorik(aws, monkeypatch):
    monkeypatch.setenv("NAGORIK_STAGE", "dev")  # restored afterwards, whatever --stage sets
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


def test_seed_writes_applications_whose_counts_the_stats_show(nagorik) -> None:
    # WHEN ops seed 120 demo applications over 3 days
    seeded = nagorik("seed", "--applications", "120", "--days", "3", "--random-seed", "7")
    assert seeded.exit_code == 0, seeded.output
    assert "wrote 120 applications over 3 day(s)" in seeded.output
    # THEN the stats over those days count 120 submissions, spread over districts
    from datetime import UTC, datetime, timedelta

    from chalicelib.domain.bangla import dhaka_date

    today = dhaka_date(datetime.now(UTC))
    start = (today - timedelta(days=3)).isoformat()
    shown = nagorik("stats", "--from", start, "--to", today.isoformat(),
                    "--by", "district,channel", "--json")
    assert shown.exit_code == 0, shown.output
    report = json.loads(shown.output)
    assert report["totals"]["submitted"] == 120
    assert sum(group["total"] for group in report["groups"]["district"]) == 120
    assert len(report["groups"]["district"]) > 10
    # AND the seed made the summaries of the days it wrote, so no reader has to
    from chalicelib.store.models import CounterSummaryModel

    for days_ago in range(4):
        day = (today - timedelta(days=days_ago)).isoformat()
        kept = {item.scope.split("#")[1] for item in CounterSummaryModel.query(
            day, CounterSummaryModel.scope.startswith("summary#"))}
        assert {"area", "service"} <= kept, day
    # AND as tables, by district, with the queues
    table = nagorik("stats", "--from", start, "--to", today.isoformat(), "--by", "district")
    assert table.exit_code == 0
    assert "By district" in table.output and "Agency queues" in table.output
    assert "Dhaka" in table.output


def test_seeding_past_days_again_is_counted_after_their_summaries_exist(nagorik) -> None:
    from datetime import UTC, datetime, timedelta

    from chalicelib.domain.bangla import dhaka_date

    today = dhaka_date(datetime.now(UTC))
    start = (today - timedelta(days=5)).isoformat()

    def submitted() -> int:
        shown = nagorik("stats", "--from", start, "--to", today.isoformat(), "--json")
        assert shown.exit_code == 0, shown.output
        return json.loads(shown.output)["totals"]["submitted"]

    # GIVEN seeded days read once (their summaries kept)
    assert nagorik("seed", "--applications", "40", "--days", "5").exit_code == 0
    assert submitted() == 40
    # WHEN more are seeded into the same days THEN the stats count them too
    assert nagorik("seed", "--applications", "40", "--days", "5").exit_code == 0
    assert submitted() == 80


def test_a_bad_range_fails_naming_the_option(nagorik) -> None:
    result = nagorik("stats", "--from", "2026-02-30")
    assert result.exit_code == 1
    assert "--from" in result.output and "not a valid date" in result.output


def test_seed_refuses_prod(nagorik) -> None:
    result = nagorik("--stage", "prod", "seed", "--applications", "5")
    assert result.exit_code == 1
    assert "refuses the prod stage" in result.output


@pytest.mark.parametrize("command", [["stats"], ["seed"]])
def test_every_command_has_help(command) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
