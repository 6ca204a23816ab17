"""When browser tests are skipped and when they must fail instead."""

from __future__ import annotations

import pytest

from . import conftest as browser_conftest


def test_missing_chromium_skips_locally(monkeypatch, tmp_path):
    monkeypatch.setattr(browser_conftest, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception) as skipped:
        browser_conftest.require_browser()

    assert "apt-get install chromium" in str(skipped.value)


def test_missing_chromium_fails_in_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(browser_conftest, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception) as failed:
        browser_conftest.require_browser()

    assert "CI is set, so browser tests must run" in str(failed.value)
    assert "apt-get install chromium" in str(failed.value)
