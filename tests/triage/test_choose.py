"""The n-gram share and thresholds chosen from out-of-fold probabilities (triage/training/choose.py)."""

from __future__ import annotations

import triage
from triage.models import mix
from triage.policy import Probs
from triage.training.choose import choose_mix
from triage.training.data import Example


def _p(crisis: float) -> Probs:
    return Probs(1 - crisis, 0.0, 0.0, crisis)


def test_mix_is_a_weighted_average() -> None:
    got = mix([_p(0.2)], [_p(0.6)], 0.75)[0]
    assert abs(got.crisis - 0.5) < 1e-9 and abs(got.none - 0.5) < 1e-9


def test_written_posts_pull_the_classifier_alone_down_while_real_rows_hold(
        lexicon_engine: triage.TriageEngine) -> None:
    # Real rows: crisis with a lexicon word (the lexicon catches them), benign everyday rows the
    # models score low. Written posts: indirect crisis lines with no lexicon word, which only the
    # classifier alone can catch at p=0.7; benign posts at 0.1.
    rows = ([Example("我真的不想活了", 3, "psysuicide:social_media")] * 10
            + [Example("今天去公园散步", 0, "psysuicide:social_media")] * 30
            + [Example("房间收拾得干干净净，该还的钱也都还了", 3, "written:preparation")] * 10
            + [Example("周末和朋友去吃火锅", 0, "written:everyday")] * 10)
    probs = [_p(0.9)] * 10 + [_p(0.05)] * 30 + [_p(0.7)] * 10 + [_p(0.1)] * 10
    f = choose_mix(lexicon_engine, rows, probs, probs, max_false=0.06, calibrate=False)
    assert f["real"]["crisis_recall"] == 1.0 and f["real"]["false_urgent"] == 0.0
    assert f["high_alone"] <= 0.7  # the posts are caught
    assert f["posts"]["crisis_recall"] == 1.0


def test_false_urgent_budget_wins_over_recall(lexicon_engine: triage.TriageEngine) -> None:
    rows = ([Example("我最近有点累", 3, "psysuicide:client_counselor")] * 10
            + [Example("今天去公园散步", 0, "psysuicide:client_counselor")] * 10)
    # The benign rows score as high as the crisis rows: any threshold that catches one flags both.
    probs = [_p(0.8)] * 20
    f = choose_mix(lexicon_engine, rows, probs, probs, max_false=0.06, calibrate=False)
    assert f["real"]["false_urgent"] <= 0.06
    assert f["real"]["crisis_recall"] == 0.0


def test_calibration_fits_a_temperature_that_lowers_the_log_loss() -> None:
    """Overconfident probabilities (always 0.98 on the guessed class, right 60% of the time)
    get a temperature above 1, and the log loss falls."""
    from triage.calibration import fit_temperature, log_loss, temper

    sure = [Probs(0.98, 0.0066, 0.0067, 0.0067), Probs(0.0067, 0.0066, 0.0067, 0.98)]
    probs = [sure[i % 2] for i in range(100)]
    labels = [(0 if i % 2 == 0 else 3) if i % 5 < 3 else (3 if i % 2 == 0 else 0) for i in range(100)]
    t = fit_temperature(probs, labels)
    assert t > 1.5
    assert log_loss([temper(p, t) for p in probs], labels) < log_loss(probs, labels)
    assert temper(sure[0], t).none > temper(sure[0], t).crisis  # the order within a text stays
