"""How figures are written: one decimal rounded half up, numerator and denominator, dashes."""
from dashboard.metrics import DASH, Rate, change, count, rate_change


def test_rate_text():
    assert str(Rate(335, 455)) == "73.6%（335/455）"          # 73.626…
    assert str(Rate(1077, 1077)) == "100.0%（1077/1077）"
    assert Rate(1, 16).pct == "6.3%"                           # 6.25 rounds up, as people round
    assert Rate(1, 8).pct == "12.5%"
    assert Rate(68, 184, unit="").pct == "37.0"                # per 100 staff, not a percentage


def test_no_denominator_is_a_dash_never_zero_over_zero():
    assert str(Rate(0, 0)) == DASH and Rate(0, 0).pct == DASH and Rate(0, 0).value is None


def test_changes_in_words():
    assert change(7152, 7140, "名") == "较上年增加12名"
    assert change(450, 455, "个") == "较上年减少5个"
    assert change(5, 5, "所") == "与上年持平"
    assert change(5, None, "所") == ""
    assert rate_change(Rate(5, 5), Rate(4, 5)) == "较上年提高20.0个百分点"
    assert rate_change(Rate(1, 3), Rate(2, 3)) == "较上年下降33.4个百分点"  # 33.3 − 66.7 as shown
    assert rate_change(Rate(1, 3), Rate(0, 0)) == ""


def test_counts_carry_units():
    assert count(455, "个") == "455个" and count(None, "名") == DASH and count(12345, "名") == "12345名"
