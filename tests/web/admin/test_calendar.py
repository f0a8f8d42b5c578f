"""Calendar grids (pure): cells name who is on duty, gaps are marked, Beijing time throughout."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.web.admin.calendar import Gap, Shift, gap_hours, local_midnight, month_grid, week_grid

MONDAY = date(2026, 3, 2)
M0 = local_midnight(MONDAY)
H = timedelta(hours=1)


def test_a_shift_across_midnight_fills_both_days() -> None:
    night = Shift("hd", "c2", "Li", M0 + 20 * H, M0 + 32 * H)

    html = week_grid(MONDAY, [night], [], show_station=False)

    assert f'data-at="{(M0 + 23 * H).isoformat()}">' + '<span class="who layer-rotation"' in html
    assert f'data-at="{(M0 + 31 * H).isoformat()}">' + '<span class="who layer-rotation"' in html
    assert f'data-at="{(M0 + 32 * H).isoformat()}"></td>' in html


def test_cells_are_beijing_hours_whatever_zone_the_shift_was_given_in() -> None:
    utc_shift = Shift("hd", "c1", "Chen", datetime(2026, 3, 2, 0, 0, tzinfo=UTC),
                      datetime(2026, 3, 2, 1, 0, tzinfo=UTC))  # 08:00-09:00 in Beijing

    html = week_grid(MONDAY, [utc_shift], [], show_station=False)

    assert f'data-at="{(M0 + 8 * H).isoformat()}"><span class="who' in html


def test_gap_cells_are_marked_with_how_many_are_missing() -> None:
    html = week_grid(MONDAY, [], [Gap("hd", M0 + 2 * H, M0 + 4 * H, missing=2)], show_station=True)

    assert html.count('class="slot gap"') == 2
    assert "gap −2" in html


def test_overlapping_gaps_count_once_in_a_days_gap_hours() -> None:
    gaps = [Gap("hd", M0, M0 + 3 * H), Gap("cy", M0 + 2 * H, M0 + 5 * H), Gap("hd", M0 + 23 * H, M0 + 30 * H)]
    assert gap_hours(gaps, M0, M0 + 24 * H) == 6.0


def test_month_grid_starts_on_monday_and_marks_other_months() -> None:
    html = month_grid(2026, 3, [], [], show_station=False)
    assert 'data-day="2026-02-23"' in html and 'class="day other" data-day="2026-02-23"' in html
    assert html.count("<tr>") == 1 + 6  # header + six weeks touch March 2026


def test_the_now_line_marks_the_one_cell_holding_the_current_time() -> None:
    html = week_grid(MONDAY, [], [], show_station=False, now=M0 + 30 * H + timedelta(minutes=20))

    assert html.count('class="now-tag"') == 1 and "now 06:20" in html
    assert f'class="slot now" data-at="{(M0 + 30 * H).isoformat()}"' in html  # Tuesday 06:00
    assert 'class="now-tag"' not in week_grid(MONDAY, [], [], show_station=False, now=M0 - H)
