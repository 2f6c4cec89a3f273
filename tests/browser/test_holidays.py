"""Due dates skip public holidays: the office's deadline a citizen is shown does not fall
on, or count, a holiday from the list ops keep (SSM, read through the real parameter path)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from chalicelib.domain.bangla import add_working_days, format_gregorian_bn, now_dhaka
from tests.browser.conftest import apply_online, screenshot
from tests.stack import RunningStack, running_stack

SERVICE = "citizenship-certificate"  # one working day: the next working day is the due date
PARAMETER = "/nagorik/dev/holidays"


@pytest.fixture(scope="module")
def holiday_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningStack, date]]:
    """A stack of its own, its holiday list set before anything has read it: the next working
    day is a holiday (so the test does not depend on the day it runs)."""
    import boto3

    with running_stack(tmp_path_factory.mktemp("holiday-stack")) as stack:
        holiday = add_working_days(now_dhaka().date(), 1)
        ssm = boto3.client("ssm", endpoint_url=stack.aws, region_name="ap-south-1",
                           aws_access_key_id="local", aws_secret_access_key="local")
        ssm.put_parameter(Name=PARAMETER, Value=f'["{holiday.isoformat()}"]', Type="String",
                          Overwrite=True)
        yield stack, holiday


def test_the_due_date_shown_skips_a_listed_holiday(holiday_stack: Any, page: Any) -> None:
    stack, holiday = holiday_stack
    today = now_dhaka().date()
    with_holiday = add_working_days(today, 1, {holiday})
    weekends_only = add_working_days(today, 1)

    # GIVEN a holiday on the next working day; WHEN a citizen applies and the office gets it
    apply_online(page, stack.web, SERVICE, "valid-union-nid")
    page.wait_for_selector("#app-view :text('নিষ্পত্তির সম্ভাব্য তারিখ')", timeout=45_000)

    # THEN the due date shown is the working day after the holiday, not the holiday
    shown = page.locator("#app-view").inner_text()
    assert format_gregorian_bn(with_holiday) in shown
    assert format_gregorian_bn(weekends_only) not in shown
    screenshot(page, "due-date-after-holiday-360", full_page=True)
