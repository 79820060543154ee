"""``riskdesk whatif`` (issue 16 item 5): the client panel's What-if as a command, on
the small demo; client 10000010's figures as worked in docs/stress.md (closing 1 of 2
i2704 lots frees 11,479.00 → available 101,483.39; +5 points on i2704 adds 8,830.00)."""

from __future__ import annotations

import pytest

from core.cli import main
from tests.desktop import test_reduction_screen as shared

demo_template = shared.demo_template
demo_url = shared.demo_url


def test_close_and_rate_change(demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--db", demo_url, "whatif", "--client", "10000010"]
    assert main([*base, "--close", "i2704:short=1"]) == 0
    text = capsys.readouterr().out
    assert "client 10000010" in text
    assert "the next trading day after 2026-11-20" in text
    assert "margin freed by the close: 11,479.00" in text
    assert "available    90,004.39  101,483.39" in text
    assert "a2701         3488.00  9.00%           3139.20         32          32" in text
    assert main([*base, "--points", "5", "--contract", "i2704"]) == 0
    text = capsys.readouterr().out
    assert "margin added by the rate change: 8,830.00" in text
    assert "margin       83,673.40  92,503.40" in text
    # with 8,830.00 less available, 25 lots of a2701 instead of 32
    assert "a2701         3488.00  9.00%           3139.20         25          25" in text
    assert main(base) == 0
    assert "changes: none" in capsys.readouterr().out


def test_bad_input_names_the_option(demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--db", demo_url, "whatif", "--client", "10000010"]
    assert main([*base, "--close", "i2704:long=1"]) == 2
    assert "the client holds no line i2704:long (lines: c2701:short, i2704:short" in (
        capsys.readouterr().err
    )
    assert main([*base, "--close", "i2704:short=9"]) == 2
    assert "close 0 … 2 lots of i2704" in capsys.readouterr().err
    assert main([*base, "--points", "five"]) == 2
    assert "'five' is not a number of points" in capsys.readouterr().err
    assert main([*base, "--contract", "i2704"]) == 2
    assert "--contract goes with --points" in capsys.readouterr().err
    assert main(["--db", demo_url, "whatif", "--client", "nobody"]) == 2
