"""The public import surface."""

import ac_notebook as acn


def test_all_matches_namespace():
    public = {name for name in dir(acn) if not name.startswith("_")}
    public -= {"annotations"}
    exported = set(acn.__all__) - {"__version__"}
    assert exported <= public
    modules = {name for name in public if type(getattr(acn, name)).__name__ == "module"}
    assert public - exported - modules == set()


def test_all_is_sorted():
    assert list(acn.__all__) == sorted(acn.__all__)


def test_exceptions_share_one_root():
    for name in acn.__all__:
        obj = getattr(acn, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            if issubclass(obj, Warning):
                continue
            assert issubclass(obj, acn.ActiveCampaignError), name


def test_py_typed_marker_ships():
    from importlib.resources import files

    assert files("ac_notebook").joinpath("py.typed").is_file()


# -- copies and pickles --------------------------------------------------------


def test_helper_copies_and_pickles():
    import copy
    import pickle

    helper = acn.EcomCustomer(email="a@example.com", connectionid=1, externalid="C-1")
    for clone in (
        copy.copy(helper),
        copy.deepcopy(helper),
        pickle.loads(pickle.dumps(helper)),
    ):
        assert clone == helper
        assert clone is not helper
        clone.email = "b@example.com"
        assert helper.email == "a@example.com"


def test_record_copies_keep_resource(ac):
    import copy

    record = ac.customers.get(1)
    for clone in (copy.copy(record), copy.deepcopy(record)):
        assert clone == record
        assert clone._resource is record._resource
        assert len(clone.orders()) == len(record.orders())


def test_record_pickle_drops_resource(ac):
    import pickle

    from ac_notebook._properties import CUSTOMERS

    record = ac.customers.get(1)
    clone = pickle.loads(pickle.dumps(record))
    assert clone == record
    assert clone.table is CUSTOMERS
    assert clone._resource is None
    assert clone.email == record.email


def test_record_list_copies_and_pickles(ac):
    import copy
    import pickle

    rows = ac.customers.list(limit=2)
    deep = copy.deepcopy(rows)
    assert list(deep) == list(rows)
    assert deep.resource is rows.resource
    assert copy.copy(rows).total == rows.total
    loaded = pickle.loads(pickle.dumps(rows))
    assert list(loaded) == list(rows)
    assert loaded.total == rows.total
    assert loaded.resource is None
