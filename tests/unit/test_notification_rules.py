"""Notification texts per kind, channel and locale, and quiet hours that hold messages until they end."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from streak_core.adapters.firestore.documents import settings_from_doc
from streak_core.domain.notifications import NotificationData, QuietHours, release_at, render
from streak_core.domain.vocabulary import Locale
from streak_core.domain.vocabulary import NotificationKind as Kind

SAMPLE: dict[Kind, NotificationData] = {
    Kind.MILESTONE: {"days": 7},
    Kind.FREEZE_APPLIED: {"streak": 12, "freezes_left": 1},
    Kind.STREAK_BROKEN: {"length_lost": 9},
    Kind.WEEKLY_BONUS: {"week": "2026-W47", "qualified_days": 5, "xp": 50},
    Kind.STREAK_RESTORED: {"days": 8},
    Kind.FREEZE_EARNED: {"streak": 14, "freezes": 2},
    Kind.STREAK_RECOVERED: {"days": 9},
    Kind.REMINDER: {"minutes": 12, "streak": 3},
    Kind.BADGE_EARNED: {"name": "Night owl", "description": "Qualify on 5 days with focus after 22:00."},
    Kind.CHALLENGE_COMPLETED: {"title": "7-day study sprint", "reward_xp": 150},
    Kind.LEAGUE_FINISHED: {
        "week": "2026-W49",
        "tier": "gold",
        "rank": 4,
        "score": 312,
        "next_tier": "sapphire",
    },
    Kind.FRIEND_STREAK_INVITED: {"friend_streak_id": "fs1", "friend": "Ana"},
    Kind.FRIEND_STREAK_EXTENDED: {"days": 6, "day": "2026-12-01", "friend": "Ana"},
    Kind.FRIEND_STREAK_BROKEN: {"days": 11, "day": "2026-12-01", "friend": "Ana"},
    Kind.FRIEND_STREAK_NUDGE: {"friend": "Ana"},
    Kind.REACTIVATION: {"days": 7, "step": 7, "since": "2026-11-01"},
}


@pytest.mark.parametrize("locale", list(Locale))
@pytest.mark.parametrize("kind", list(Kind))
def test_each_template_renders_the_users_numbers(kind: Kind, locale: Locale) -> None:
    message = render(kind, locale, SAMPLE[kind])
    # What a text shows: every number, and the friend's name (ids and dates are for the app).
    numbers = [
        str(v) for k, v in SAMPLE[kind].items() if k not in ("friend_streak_id", "day", "step", "since")
    ]
    text = message.title + " " + message.body
    assert all(n in text for n in numbers), (kind, locale, text)
    assert "{" not in text


def test_a_challenge_title_is_shown_as_written_even_with_braces() -> None:
    message = render(Kind.CHALLENGE_COMPLETED, Locale.FR, {"title": "{days} sprint", "reward_xp": 0})
    assert message.title == "Défi réussi : {days} sprint"


def test_english_and_french_texts_with_plurals() -> None:
    assert render(Kind.MILESTONE, Locale.EN, {"days": 7}).title == "7 days of focus!"
    broken = render(Kind.STREAK_BROKEN, Locale.EN, {"length_lost": 1})
    assert broken.body.startswith("Your 1-day streak ended.")
    assert render(Kind.MILESTONE, Locale.FR, {"days": 30}).title == "30 jours de concentration !"
    assert "série de 1 jour" in render(Kind.STREAK_BROKEN, Locale.FR, {"length_lost": 1}).body


def test_a_recoverable_break_and_the_recovery_reminder_say_how_many_minutes() -> None:
    broken = {"length_lost": 3, "recoverable_until": "2026-11-22T23:00:00+00:00", "minutes": 60}
    assert render(Kind.STREAK_BROKEN, Locale.EN, broken).body == (
        "Your 3-day streak ended yesterday. Focus 60 minutes today to recover it."
    )
    assert "60 minutes" in render(Kind.STREAK_BROKEN, Locale.FR, broken).body
    reminder = {"minutes": 25, "streak": 3, "recovery": 1}
    assert (
        render(Kind.REMINDER, Locale.EN, reminder).body
        == "25 more minutes today to recover your 3-day streak."
    )
    assert render(Kind.REMINDER, Locale.EN, {"minutes": 25, "streak": 3}).body.endswith(
        "to keep your 3-day streak."
    )


def test_a_stored_locale_this_version_does_not_know_reads_as_english() -> None:
    assert settings_from_doc({"locale": "tlh"}).locale is Locale.EN


def test_missing_data_is_an_error_not_a_silent_gap() -> None:
    with pytest.raises(KeyError):
        render(Kind.WEEKLY_BONUS, Locale.EN, {"xp": 50})


def test_html_escapes_values() -> None:
    data: NotificationData = {"week": "<b>W47</b>", "qualified_days": 5, "xp": 50}
    message = render(Kind.WEEKLY_BONUS, Locale.EN, data)
    assert "&lt;b&gt;W47&lt;/b&gt;" in message.html
    assert "<b>W47</b>" in message.body


NIGHT = QuietHours(time(22, 0), time(7, 0))
PARIS = "Europe/Paris"


def test_outside_quiet_hours_a_message_goes_now() -> None:
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)  # 13:00 in Paris
    assert release_at(now, PARIS, NIGHT) == now
    assert release_at(now, PARIS, None) == now


def test_late_evening_is_held_until_the_next_morning() -> None:
    now = datetime(2026, 11, 21, 22, 30, tzinfo=UTC)  # 23:30 in Paris
    assert release_at(now, PARIS, NIGHT) == datetime(2026, 11, 22, 6, 0, tzinfo=UTC)  # 07:00 Paris


def test_early_morning_is_held_until_the_same_morning() -> None:
    now = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)  # 04:00 in Paris
    assert release_at(now, PARIS, NIGHT) == datetime(2026, 11, 21, 6, 0, tzinfo=UTC)


def test_a_window_within_one_day_and_its_end_across_a_dst_change() -> None:
    siesta = QuietHours(time(1, 0), time(4, 0))
    # 29 March 2026: Paris jumps from 02:00 to 03:00; 04:00 CEST is 02:00 UTC.
    now = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET, inside the window
    assert release_at(now, PARIS, siesta) == datetime(2026, 3, 29, 2, 0, tzinfo=UTC)
    assert siesta.holds(time(3, 59))
    assert not siesta.holds(time(4, 0))


def test_friend_streak_texts_name_the_friend_when_there_is_a_name() -> None:
    unnamed = render(Kind.FRIEND_STREAK_EXTENDED, Locale.EN, {"days": 2, "friend_streak_id": "fs1"})
    assert unnamed.title == "Friend streak: 2 days"
    named = render(Kind.FRIEND_STREAK_EXTENDED, Locale.FR, {"days": 2, "friend": "Ana"})
    assert named.title == "Série avec Ana : 2 jours"
    reminder = render(Kind.REMINDER, Locale.EN, {"minutes": 12, "streak": 4, "friend": "Ana"})
    assert reminder.title == "Ana has focused today — your turn"
    assert reminder.body == "12 more minutes to keep your 4-day friend streak with Ana."
