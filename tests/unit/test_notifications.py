"""SMS texts: counted in segments as phones count them, every template within two, in Bangla."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.catalog_files import load_catalog
from chalicelib.domain.lifecycle import Application, Channel, Status
from chalicelib.domain.notifications import (
    MAX_SEGMENTS,
    NOTIFIED,
    TEMPLATES,
    Notifier,
    Sms,
    render,
    segments,
)
from chalicelib.workers.notifications import CatalogNames
from devtools.catalog_build import DEFAULT_OUT


@pytest.mark.parametrize(("text", "count"), [
    ("Hello", 1),
    ("a" * 160, 1),  # GSM-7: 160 in one
    ("a" * 161, 2),  # then 153 a part
    ("a" * 306, 2),
    ("a" * 307, 3),
    ("€" * 80, 1),  # an extension character takes two places
    ("€" * 81, 2),
    ("a" * 159 + "€", 2),
    ("আ" * 70, 1),  # UCS-2: 70 in one
    ("আ" * 71, 2),  # then 67 a part
    ("আ" * 134, 2),
    ("আ" * 135, 3),
    ("a" * 69 + "আ", 1),  # one Bangla letter makes the whole message UCS-2
    ("a" * 70 + "আ", 2),
    ("😀" * 35, 1),  # outside the BMP: two UTF-16 units each
    ("😀" * 36, 2),
])
def test_segments_are_counted_as_phones_count_them(text: str, count: int) -> None:
    assert segments(text) == count


@pytest.fixture(scope="module")
def names() -> CatalogNames:
    return CatalogNames(load_catalog(DEFAULT_OUT))


LONGEST_REASON = "ক" * 1000  # a reason or a list of what is missing is cut to fit


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_fits_two_segments_with_the_longest_values(
    template: str, names: CatalogNames
) -> None:
    catalog = names.catalog
    longest_service = max((entry.title.bn for entry in catalog.entries.values()), key=len)
    longest_output = max((names.output_name(entry.id) for entry in catalog.entries.values()),
                         key=len)
    text = render(template, free=LONGEST_REASON, code="৯৯৯৯৯৯",
                  service=longest_service, tracking="৯৯৯৯-৯৯৯৯-৯৯৯৯-৯৯৯৯", output=longest_output)
    assert segments(text) <= MAX_SEGMENTS, text
    assert text.startswith("নাগরিক সেবা")


def test_a_long_reason_is_cut_and_marked_not_dropped() -> None:
    text = render(Status.REJECTED.value, free="জমির দলিলের সত্যায়িত কপি নেই " * 10,
                  service="ই-পাসপোর্ট", tracking="৪৭২৬-১১২৮-৮৬২২-৮৭৭৮", output="পাসপোর্ট")
    assert "কারণ: জমির দলিলের" in text and text.endswith("…")
    assert segments(text) <= MAX_SEGMENTS


class Sent:
    def __init__(self) -> None:
        self.messages: list[Sms] = []

    def send(self, sms: Sms) -> None:
        self.messages.append(sms)


def application() -> Application:
    now = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    app = Application.submit(
        actor="citizen:c-1", tracking_id="4726120112345678", service_id="epassport-new",
        service_version=1, agency_id="immigration-passports", applicant_name="রহিম",
        applicant_phone="+8801712345678", form={}, channel=Channel.SELF, created_at=now,
        district_id=47)
    for status in (Status.QUEUED, Status.FORWARDED, Status.IN_REVIEW):
        app.move_to(status, at=now, actor="system", channel=Channel.SYSTEM)
    app.move_to(Status.NEEDS_INFO, at=now, actor="officer:u-1", channel=Channel.AGENCY_DESK,
                reason="জাতীয় পরিচয়পত্রের দুই পাশের স্পষ্ট ছবি")
    return app


def test_a_move_the_citizen_cares_about_becomes_one_sms_in_bangla(names: CatalogNames) -> None:
    sent, app = Sent(), application()
    notifier = Notifier(load=lambda _: app, names=names, sms=sent)

    message = notifier.transition(app.tracking_id, 4)

    assert message is not None and sent.messages == [message]
    assert message.phone == "+8801712345678"
    assert message.key == "4726120112345678#004"
    assert "৪৭২৬-১২০১-১২৩৪-৫৬৭৮" in message.text and "দুই পাশের স্পষ্ট ছবি" in message.text
    # AND plumbing moves (queued, forwarded) send nothing
    assert Status.QUEUED not in NOTIFIED and notifier.transition(app.tracking_id, 1) is None
    assert notifier.transition(app.tracking_id, 99) is None


def test_a_code_is_sent_in_bangla_digits(names: CatalogNames) -> None:
    sent = Sent()
    notifier = Notifier(load=lambda _: None, names=names, sms=sent)
    message = notifier.code("+8801712345678", "042917", "sign_in", key="code#1")
    assert "০৪২৯১৭" in message.text and segments(message.text) == 1
