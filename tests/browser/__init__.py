"""Tests that drive JupyterLab in Debian's Chromium through Playwright."""
