"""Each error kind raised as its exception, with a message naming the value."""

import pytest
from conftest import fast_retry

import ac_notebook as acn


def test_wrong_key_raises_authentication_error(server):
    ac = acn.Session(server.url, "wrong-key", rate_limit=None)
    with ac, pytest.raises(acn.AuthenticationError) as info:
        ac.customers.get(1)
    assert info.value.status == 403
    assert "API key was rejected" in str(info.value)
    assert "wrong-key" not in str(info.value)


def test_bare_403_without_body(ac, server):
    server.faults.add("forbidden_bare", method="GET", count=1)
    with pytest.raises(acn.AuthenticationError) as info:
        ac.customers.get(1)
    assert info.value.status == 403
    assert info.value.body is None


def test_not_found_carries_server_message(ac):
    with pytest.raises(acn.NotFoundError) as info:
        ac.customers.get(4242)
    assert info.value.message == "No Result found for EcomCustomer with id 4242"
    assert info.value.method == "GET"
    assert info.value.url.endswith("/api/3/ecomCustomers/4242")
    assert isinstance(info.value, LookupError)


def test_server_422_names_field(ac):
    with pytest.raises(acn.ValidationError) as info:
        ac.customers.create(email="x@example.com", connectionid=77, externalid="E")
    assert info.value.status == 422
    assert info.value.errors[0].field == "connectionid"
    assert info.value.errors[0].code == "related_missing"


def test_duplicate_names_existing_record(ac):
    first = ac.customers.create(
        email="dup@example.com", connectionid=1, externalid="D1"
    )
    with pytest.raises(acn.DuplicateError) as info:
        ac.customers.create(email="DUP@example.com", connectionid=1, externalid="D2")
    assert info.value.existing_id == first.id
    assert f"update({first.id}" in str(info.value)
    assert isinstance(info.value, acn.ValidationError)


def test_422_without_errors_key(ac, server):
    server.faults.add("unprocessable_bare", method="PUT", count=1)
    with pytest.raises(acn.ValidationError) as info:
        ac.customers.update(1, externalid="new")
    assert info.value.status == 422
    assert info.value.errors
    assert info.value.errors[0].field is None


def test_422_with_title_only(ac, server):
    body = {"errors": [{"title": "The connection service was not provided."}]}
    server.faults.add("status", method="POST", status=422, body=body, count=1)
    with pytest.raises(acn.ValidationError) as info:
        ac.customers.create(email="t@example.com", connectionid=1, externalid="T")
    assert info.value.errors[0].message == "The connection service was not provided."
    assert info.value.errors[0].code == "invalid"


def test_rate_limit_retried_invisibly(server):
    server.rate_limit = 2.0
    with acn.Session(server.url, server.api_key, rate_limit=None) as ac:
        ac.client.retry = fast_retry(max_retries=20)
        ids = [ac.customers.get(1).id for _ in range(8)]
    assert ids == [1] * 8
    statuses = [r.status for r in server.received]
    assert 429 in statuses


def test_rate_limit_budget_exhausted(ac, server):
    server.faults.add(
        "status", status=429, headers={"Retry-After": "0"}, count=10, method="GET"
    )
    ac.client.retry = fast_retry(max_retries=2)
    with pytest.raises(acn.RateLimitError) as info:
        ac.customers.get(1)
    assert info.value.status == 429
    assert info.value.attempts == 3
    assert info.value.retry_after == 0


def test_get_retried_after_5xx(ac, server):
    server.faults.add("status", status=503, method="GET", count=2)
    assert ac.customers.get(1).id == 1


def test_5xx_exhausted_raises_server_error(ac, server):
    server.faults.add("status", status=500, method="GET", count=20)
    ac.client.retry = fast_retry(max_retries=2)
    with pytest.raises(acn.ServerError) as info:
        ac.customers.get(1)
    assert info.value.status == 500
    assert "after 3 attempts" in str(info.value)


def test_html_error_page_summarised(ac, server):
    page = "<html><head><title>502 Bad Gateway</title></head><body>x</body></html>"
    server.faults.add(
        "status",
        status=502,
        body=page,
        headers={"Content-Type": "text/html"},
        method="GET",
        count=20,
    )
    ac.client.retry = fast_retry(max_retries=1)
    with pytest.raises(acn.ServerError) as info:
        ac.customers.get(1)
    assert "502 Bad Gateway" in str(info.value)
    assert "<html>" not in str(info.value)


def test_empty_200_body_is_unexpected(ac, server):
    server.faults.add("empty_body", method="GET")
    ac.client.retry = fast_retry(max_retries=1)
    with pytest.raises(acn.UnexpectedResponseError) as info:
        ac.customers.get(1)
    assert "empty body" in str(info.value)
    assert info.value.attempts == 2


def test_html_200_body_is_unexpected(ac, server):
    server.faults.add("html", method="GET")
    with pytest.raises(acn.UnexpectedResponseError) as info:
        ac.customers.list()
    assert "not JSON" in str(info.value)


def test_truncated_json_is_unexpected(ac, server):
    server.faults.add("truncated_json", method="GET")
    ac.client.retry = fast_retry(max_retries=1)
    with pytest.raises(acn.UnexpectedResponseError) as info:
        ac.customers.get(1)
    assert "not JSON" in str(info.value)


def test_connection_refused_is_network_error():
    from conftest import free_port

    port = free_port()
    with acn.Session(f"http://127.0.0.1:{port}", "k", rate_limit=None) as ac:
        ac.client.retry = fast_retry(max_retries=1)
        with pytest.raises(acn.NetworkError) as info:
            ac.customers.get(1)
    assert info.value.outcome_unknown is False
    assert info.value.attempts == 2


def test_post_not_retried_blindly_after_5xx(ac, server):
    server.faults.add("status", status=500, method="POST", count=10)
    ac.client.retry = fast_retry(max_retries=3)
    with pytest.raises(acn.ServerError):
        ac.customers.create(email="once@example.com", connectionid=1, externalid="O")
    posts = [r for r in server.received if r.method == "POST"]
    assert len(posts) == 3
