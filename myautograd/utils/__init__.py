"""torch.utils"""
from . import hooks  # noqa: F401


def __getattr__(name):
    # utils.data (DataLoader and its imports) loads on first use, not with `import myautograd`
    if name == "data":
        import importlib
        return importlib.import_module(".data", __name__)
    raise AttributeError(f"module 'myautograd.utils' has no attribute '{name}'")
