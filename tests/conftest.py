"""Suite-wide pytest set-up: the sanitizer test (the longest single test: a sanitized build plus
a subset run) is moved to the front, so an xdist worker starts it first instead of last."""


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: 0 if item.get_closest_marker("sanitizer") else 1)
