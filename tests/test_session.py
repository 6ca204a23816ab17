"""Session construction, environment settings, the sandbox fallback, secrets."""

import logging

import pytest

import ac_notebook as acn


def test_from_env_reads_variables(server, monkeypatch):
    monkeypatch.setenv("ACTIVECAMPAIGN_URL", server.url)
    monkeypatch.setenv("ACTIVECAMPAIGN_API_KEY", server.api_key)
    with acn.Session.from_env(env_file=None, rate_limit=None) as ac:
        assert ac.customers.get(1).id == 1
        assert ac.is_sandbox


def test_from_env_reads_dotenv_file(server, tmp_path):
    env = tmp_path / ".env"
    env.write_text(
        f"ACTIVECAMPAIGN_URL={server.url}\nACTIVECAMPAIGN_API_KEY={server.api_key}\n"
    )
    with acn.Session.from_env(env_file=env, rate_limit=None) as ac:
        assert ac.customers.get(1).id == 1


def test_from_env_names_missing_variable(monkeypatch):
    monkeypatch.setenv("ACTIVECAMPAIGN_URL", "https://acme.api-us1.com")
    with pytest.raises(acn.ConfigurationError) as info:
        acn.Session.from_env(env_file=None)
    assert "ACTIVECAMPAIGN_API_KEY" in str(info.value)
    assert "ACTIVECAMPAIGN_URL" not in str(info.value)


def test_connect_falls_back_to_sandbox_and_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.warns(acn.SandboxWarning, match="sandbox"):
        ac = acn.connect(dataset="demo")
    with ac:
        assert ac.is_sandbox
        assert ac.sandbox_server is not None
        assert len(ac.customers.list(limit=3)) == 3
    assert ac.sandbox_server is None


def test_connect_uses_environment_when_set(server, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ACTIVECAMPAIGN_URL", server.url)
    monkeypatch.setenv("ACTIVECAMPAIGN_API_KEY", server.api_key)
    with acn.connect(rate_limit=None) as ac:
        assert ac.sandbox_server is None
        assert ac.host == server.url.split("//")[1]


def test_sandbox_session_stops_server_on_close():
    import requests

    ac = acn.Session.sandbox(dataset="empty", rate_limit=None)
    url = ac.sandbox_server.url
    assert ac.customers.list().total == 0
    ac.close()
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/api/3/ecomCustomers", timeout=2)


def test_repr_hides_key(server):
    with acn.Session(server.url, server.api_key, rate_limit=None) as ac:
        assert server.api_key not in repr(ac)
        assert server.api_key not in str(ac)
        assert server.api_key not in repr(ac.client._http.auth)
        assert repr(ac).startswith("<Session sandbox host='127.0.0.1:")


def test_one_info_line_per_request_without_key(server, caplog):
    ac = acn.Session(server.url, server.api_key, rate_limit=None)
    with ac, caplog.at_level(logging.DEBUG, logger="ac_notebook"):
        ac.customers.get(1)
        ac.customers.list(limit=2)
    calls = [r for r in caplog.records if r.name == "ac_notebook._client"]
    assert [r.levelname for r in calls] == ["INFO", "INFO"]
    assert calls[0].getMessage().startswith("GET /api/3/ecomCustomers/1 -> 200")
    assert all(server.api_key not in r.getMessage() for r in caplog.records)


def test_errors_never_contain_key(server):
    ac = acn.Session(server.url, server.api_key, rate_limit=None)
    with ac, pytest.raises(acn.NotFoundError) as info:
        ac.customers.get(999)
    text = str(info.value) + repr(info.value) + repr(info.value.body)
    assert server.api_key not in text


def test_throttle_shared_between_sessions(server):
    first = acn.Session(server.url, server.api_key, rate_limit=4.0)
    second = acn.Session(server.url, server.api_key, rate_limit=4.0)
    assert first.client.throttle is second.client.throttle
    first.close()
    second.close()


def test_dotenv_found_in_parent_folder(server, tmp_path, monkeypatch):
    (tmp_path / ".env").write_text(
        f"ACTIVECAMPAIGN_URL={server.url}\nACTIVECAMPAIGN_API_KEY={server.api_key}\n"
    )
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    monkeypatch.chdir(notebooks)
    with acn.connect(rate_limit=None) as ac:
        assert ac.sandbox_server is None
        assert ac.host == server.url.split("//")[1]


def test_connect_with_one_variable_names_other(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ACTIVECAMPAIGN_URL", "https://acme.api-us1.com")
    with pytest.raises(acn.ConfigurationError) as info:
        acn.connect()
    assert "ACTIVECAMPAIGN_API_KEY is not" in str(info.value)
    assert "ACTIVECAMPAIGN_URL is set" in str(info.value)


def test_dropped_sandbox_session_stops_server():
    import gc

    import requests

    ac = acn.Session.sandbox(dataset="empty", rate_limit=None)
    url = ac.sandbox_server.url
    del ac
    gc.collect()
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/api/3/ecomCustomers", timeout=2)
