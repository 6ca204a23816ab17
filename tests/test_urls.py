"""Account URL normalisation: every pasted form, and clear rejections."""

import pytest

import ac_notebook as acn
from ac_notebook._urls import normalize_account_url

BASE = "https://acme.api-us1.com/api/3/"


@pytest.mark.parametrize(
    "pasted",
    [
        "https://acme.api-us1.com",
        "https://acme.api-us1.com/",
        "https://acme.api-us1.com/api/3",
        "https://acme.api-us1.com/api/3/",
        "acme.api-us1.com",
        "acme.api-us1.com/api/3/",
        "  https://ACME.api-us1.com  ",
        "HTTPS://acme.api-us1.com",
    ],
)
def test_pasted_forms_normalise_to_base(pasted):
    assert normalize_account_url(pasted) == BASE


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/api/3/"),
        ("http://localhost:9000/api/3", "http://localhost:9000/api/3/"),
        ("127.0.0.1:8080", "http://127.0.0.1:8080/api/3/"),
        ("https://127.0.0.1:8443", "https://127.0.0.1:8443/api/3/"),
    ],
)
def test_loopback_allows_plain_http(pasted, expected):
    assert normalize_account_url(pasted) == expected


@pytest.mark.parametrize(
    ("pasted", "fragment"),
    [
        ("http://acme.api-us1.com", "plain http://"),
        ("ftp://acme.api-us1.com", "'ftp'"),
        ("", "non-empty string"),
        ("   ", "non-empty string"),
        (None, "non-empty string"),
        ("https://", "no host name"),
        ("https://acme .com", "invalid host name"),
        ("https://acme.api-us1.com/api/3/ecomCustomers", "has the path"),
        ("https://acme.api-us1.com/?x=1", "query or fragment"),
        ("https://user:pw@acme.api-us1.com", "user name or password"),
        ("not a url at all", "invalid host name"),
    ],
)
def test_invalid_urls_raise_configuration_error(pasted, fragment):
    with pytest.raises(acn.ConfigurationError) as info:
        normalize_account_url(pasted)
    assert fragment in str(info.value)


def test_password_not_echoed_in_error():
    with pytest.raises(acn.ConfigurationError) as info:
        normalize_account_url("https://user:hunter2@acme.api-us1.com")
    assert "hunter2" not in str(info.value)


def test_session_redacts_key_pasted_as_url():
    key = "0123456789abcdef0123456789abcdef"
    with pytest.raises(acn.ConfigurationError) as info:
        acn.Session(f"http://{key}.example", key)
    assert key not in str(info.value)


@pytest.mark.parametrize("key", ["", "   ", None, "two words"])
def test_session_rejects_invalid_key(key):
    with pytest.raises(acn.ConfigurationError) as info:
        acn.Session("https://acme.api-us1.com", key)
    assert "API key" in str(info.value)
