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
