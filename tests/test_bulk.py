"""Bulk writes: create_many, update_many, upsert_many, upsert and their reports."""

import pandas as pd
import pytest

import ac_notebook as acn
from ac_notebook._bulk import REPORT_COLUMNS, STATUSES


def rows_for(count, start=0, connectionid=1):
    return [
        {
            "email": f"bulk{n}@example.com",
            "connectionid": connectionid,
            "externalid": f"B-{n}",
        }
        for n in range(start, start + count)
    ]


def posts(server):
    return [r for r in server.received if r.method == "POST"]


def puts(server):
    return [r for r in server.received if r.method == "PUT"]


def stored(ac, row):
    return ac.customers.list(connectionid=row["connectionid"], email=row["email"])


# -- the report ------------------------------------------------------------------


def test_report_has_one_row_per_input(ac):
    report = ac.customers.create_many(rows_for(5), progress=False)
    assert list(report.columns[:3]) == list(REPORT_COLUMNS)
    assert list(report.index) == [0, 1, 2, 3, 4]
    assert report.index.name == "row"
    assert str(report["id"].dtype) == "Int64"
    assert str(report["error"].dtype) == "string"
    assert list(report["status"].cat.categories) == list(STATUSES)


def test_report_keeps_input_fields(ac):
    report = ac.customers.create_many(rows_for(3), progress=False)
    assert list(report["email"]) == [f"bulk{n}@example.com" for n in range(3)]
    assert list(report["externalid"]) == ["B-0", "B-1", "B-2"]


def test_report_renames_clashing_input_fields(ac):
    rows = [dict(row, status="vip") for row in rows_for(1)]
    report = ac.customers.create_many(rows, progress=False)
    assert report.loc[0, "input_status"] == "vip"


def test_empty_input_gives_empty_report(ac, server):
    report = ac.customers.create_many([], progress=False)
    assert len(report) == 0
    assert list(report.columns[:3]) == list(REPORT_COLUMNS)
    assert posts(server) == []


@pytest.mark.parametrize("rows", [{"email": "a@example.com"}, "rows", 42])
def test_single_record_input_rejected(ac, rows):
    with pytest.raises(TypeError) as info:
        ac.customers.create_many(rows)
    assert "list of rows" in str(info.value)


def test_progress_must_be_bool_or_none(ac):
    with pytest.raises(TypeError):
        ac.customers.create_many(rows_for(1), progress="yes")


def test_progress_bar_shown_when_asked(ac, capsys):
    ac.customers.create_many(rows_for(3), progress=True)
    assert "create ecomCustomers" in capsys.readouterr().err


# -- create_many -----------------------------------------------------------------


def test_create_many_creates_each_row(ac, server):
    rows = rows_for(12)
    report = ac.customers.create_many(rows, progress=False)
    assert list(report["status"]) == ["created"] * 12
    assert report["id"].notna().all()
    assert report["id"].is_unique
    assert len(posts(server)) == 12
    for row, record_id in zip(rows, report["id"], strict=True):
        assert stored(ac, row).ids == [record_id]


def test_create_many_from_dataframe(ac):
    frame = pd.DataFrame(rows_for(4)).set_index("externalid", drop=False)
    report = ac.customers.create_many(frame, progress=False)
    assert list(report["status"]) == ["created"] * 4
    created = ac.customers.get(int(report.loc[2, "id"]))
    assert created.externalid == "B-2"
    assert list(report["externalid"]) == ["B-0", "B-1", "B-2", "B-3"]


def test_report_keeps_named_index(ac):
    frame = pd.DataFrame(rows_for(2), index=pd.Index(["a", "b"], name="key"))
    report = ac.customers.create_many(frame, progress=False)
    assert list(report["key"]) == ["a", "b"]


def test_create_many_from_helpers_and_records(ac):
    helper = acn.EcomCustomer(email="h@example.com", connectionid=1, externalid="H")
    record = ac.customers.get(1)
    report = ac.customers.create_many([helper, record], progress=False)
    assert report.loc[0, "status"] == "created"
    # The record's own connection and email exist already.
    assert report.loc[1, "status"] == "failed"
    assert "already exists" in report.loc[1, "error"]


def test_invalid_row_fails_alone(ac, server):
    rows = rows_for(3)
    rows[1]["email"] = "not-an-email"
    report = ac.customers.create_many(rows, progress=False)
    assert list(report["status"]) == ["created", "failed", "created"]
    assert "email" in report.loc[1, "error"]
    assert pd.isna(report.loc[1, "id"])
    assert len(posts(server)) == 2


def test_unreadable_row_fails_alone(ac):
    report = ac.customers.create_many([rows_for(1)[0], 42], progress=False)
    assert list(report["status"]) == ["created", "failed"]
    assert "cannot read fields" in report.loc[1, "error"]


def test_duplicate_rows_first_wins(ac, server):
    rows = rows_for(2)
    report = ac.customers.create_many(rows * 3, progress=False)
    assert list(report["status"]) == ["created", "created"] + ["failed"] * 4
    assert report["error"].iloc[2:].str.contains("already exists").all()
    assert len(stored(ac, rows[0])) == 1
    assert len(stored(ac, rows[1])) == 1
    assert len(posts(server)) == 6


def test_same_email_second_row_fails(ac):
    rows = rows_for(2)
    rows[1]["email"] = rows[0]["email"]
    report = ac.customers.create_many(rows, progress=False)
    assert list(report["status"]) == ["created", "failed"]


def test_server_rejection_reported(ac):
    rows = rows_for(2)
    rows[0]["connectionid"] = 999
    report = ac.customers.create_many(rows, progress=False)
    assert list(report["status"]) == ["failed", "created"]
    assert "999" in report.loc[0, "error"]


def test_unreadable_created_response_reconciled(ac, server):
    server.faults.add("empty_body", method="POST", route="ecomCustomers", count=2)
    rows = rows_for(4)
    report = ac.customers.create_many(rows, progress=False)
    assert list(report["status"]) == ["created"] * 4
    for row, record_id in zip(rows, report["id"], strict=True):
        assert stored(ac, row).ids == [record_id]
    assert len(posts(server)) == 4


def test_stop_on_error_skips_unsent_rows(ac, server):
    rows = rows_for(40)
    rows[0]["connectionid"] = 999
    report = ac.customers.create_many(rows, stop_on_error=True, progress=False)
    counts = report["status"].value_counts()
    assert report.loc[0, "status"] == "failed"
    assert counts["skipped"] > 0
    assert counts["created"] + counts["failed"] + counts["skipped"] == 40
    assert len(posts(server)) == counts["created"] + counts["failed"]
    skipped = report[report["status"] == "skipped"]
    assert skipped["id"].isna().all()


def test_stop_on_error_invalid_row_sends_nothing(ac, server):
    rows = rows_for(5)
    rows[4]["email"] = ""
    report = ac.customers.create_many(rows, stop_on_error=True, progress=False)
    assert list(report["status"]) == ["skipped"] * 4 + ["failed"]
    assert posts(server) == []


# -- update_many -----------------------------------------------------------------


def test_update_many_from_frame(ac, server):
    frame = ac.customers.list(connectionid=1).to_frame()
    frame["acceptsMarketing"] = True
    report = ac.customers.update_many(frame, progress=False)
    assert set(report["status"]) == {"updated"}
    assert list(report["id"]) == list(frame.index)
    assert list(report["input_id"]) == list(frame.index)
    assert all(r.acceptsMarketing for r in ac.customers.list(connectionid=1))
    sent = [r.body["ecomCustomer"] for r in puts(server)]
    assert len(sent) == len(frame)
    assert all(
        set(body) <= {"connectionid", "externalid", "email", "acceptsMarketing"}
        for body in sent
    )


def test_update_many_from_dicts(ac, server):
    report = ac.customers.update_many(
        [{"id": 1, "externalid": "NEW-1"}, {"id": "2", "acceptsMarketing": "1"}],
        progress=False,
    )
    assert list(report["status"]) == ["updated", "updated"]
    assert ac.customers.get(1).externalid == "NEW-1"
    assert ac.customers.get(2).acceptsMarketing is True
    bodies = {r.path: r.body for r in puts(server)}
    assert bodies["/api/3/ecomCustomers/1"] == {"ecomCustomer": {"externalid": "NEW-1"}}


def test_update_many_without_id_fails_row(ac, server):
    report = ac.customers.update_many(
        [{"externalid": "X"}, {"id": 1, "externalid": "Y"}], progress=False
    )
    assert list(report["status"]) == ["failed", "updated"]
    assert "no id" in report.loc[0, "error"]
    assert len(puts(server)) == 1


def test_update_many_unknown_id_fails_row(ac):
    report = ac.customers.update_many(
        [{"id": 99999, "externalid": "X"}, {"id": 0, "externalid": "X"}],
        progress=False,
    )
    assert list(report["status"]) == ["failed", "failed"]
    assert "99999" in report.loc[0, "error"]
    assert "positive whole number" in report.loc[1, "error"]


def test_update_many_frame_without_id_index(ac):
    frame = pd.DataFrame([{"externalid": "Z"}], index=[1])
    report = ac.customers.update_many(frame, progress=False)
    assert report.loc[0, "status"] == "failed"
    assert ac.customers.get(1).externalid != "Z"


def test_update_many_resends_unreadable_success(ac, server):
    server.faults.add("truncated_json", method="PUT", count=1)
    report = ac.customers.update_many([{"id": 3, "externalid": "T"}], progress=False)
    assert report.loc[0, "status"] == "updated"
    assert ac.customers.get(3).externalid == "T"


# -- upsert ----------------------------------------------------------------------


def test_upsert_many_rerun_creates_nothing(ac, server):
    rows = rows_for(10)
    first = ac.customers.upsert_many(rows, progress=False)
    server.received.clear()
    second = ac.customers.upsert_many(rows, progress=False)
    assert list(first["status"]) == ["created"] * 10
    assert list(second["status"]) == ["unchanged"] * 10
    assert list(second["id"]) == list(first["id"])
    assert posts(server) == []
    assert puts(server) == []


def test_upsert_many_sends_only_changed_fields(ac, server):
    rows = rows_for(3)
    ac.customers.upsert_many(rows, progress=False)
    rows[1]["acceptsMarketing"] = True
    server.received.clear()
    report = ac.customers.upsert_many(rows, progress=False)
    assert list(report["status"]) == ["unchanged", "updated", "unchanged"]
    assert [r.body for r in puts(server)] == [
        {"ecomCustomer": {"acceptsMarketing": "1"}}
    ]


def test_upsert_matches_externalid_before_email(ac):
    created = ac.customers.create(rows_for(1)[0])
    moved = dict(rows_for(1)[0], email="moved@example.com")
    report = ac.customers.upsert_many([moved], progress=False)
    assert report.loc[0, "status"] == "updated"
    assert report.loc[0, "id"] == created.id
    assert ac.customers.get(created.id).email == "moved@example.com"


def test_upsert_matches_email_when_externalid_differs(ac):
    created = ac.customers.create(rows_for(1)[0])
    renamed = dict(rows_for(1)[0], externalid="B-renamed")
    report = ac.customers.upsert_many([renamed], progress=False)
    assert report.loc[0, "status"] == "updated"
    assert report.loc[0, "id"] == created.id


def test_upsert_same_record_twice_in_input(ac, server):
    row = rows_for(1)[0]
    report = ac.customers.upsert_many([row, dict(row), dict(row)], progress=False)
    assert list(report["status"]) == ["created", "unchanged", "unchanged"]
    assert len(stored(ac, row)) == 1
    assert len(posts(server)) == 1


def test_upsert_partial_row_updates_match(ac):
    created = ac.customers.create(rows_for(1)[0])
    partial = {"connectionid": 1, "externalid": "B-0", "acceptsMarketing": True}
    report = ac.customers.upsert_many([partial], progress=False)
    assert report.loc[0, "status"] == "updated"
    assert ac.customers.get(created.id).acceptsMarketing is True


def test_upsert_partial_row_without_match_fails(ac, server):
    partial = {"connectionid": 1, "externalid": "NOPE", "acceptsMarketing": True}
    report = ac.customers.upsert_many([partial], progress=False)
    assert report.loc[0, "status"] == "failed"
    assert "email is required" in report.loc[0, "error"]
    assert posts(server) == []


def test_upsert_single_record(ac, server):
    row = rows_for(1)[0]
    created = ac.customers.upsert(row)
    again = ac.customers.upsert(**row)
    assert again.id == created.id
    assert len(posts(server)) == 1


def test_upsert_single_invalid_raises(ac):
    with pytest.raises(acn.ValidationError):
        ac.customers.upsert(email="bad", connectionid=1, externalid="X")


def test_upsert_connection_by_service_and_externalid(ac):
    existing = ac.connections.get(1)
    updated = ac.connections.upsert(
        service=existing.service, externalid=existing.externalid, name="Renamed"
    )
    assert updated.id == existing.id
    assert updated.name == "Renamed"


def test_bulk_on_read_only_resource_rejected(ac):
    with pytest.raises(acn.ActiveCampaignError) as info:
        ac.order_products.create_many([{}])
    assert "read-only" in str(info.value)
