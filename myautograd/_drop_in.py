"""Drop-in aliasing: after install(), `import torch` / `import torch.X.Y` give myautograd /
myautograd.X.Y, the same module objects, registered in sys.modules under both names.

A meta-path finder placed first on sys.meta_path answers for the alias name and its
submodules; its loader imports the target module and hands that object back. Installing
imports nothing: the target is imported at the first `import torch`.
"""
import importlib
import sys
from importlib.machinery import ModuleSpec


class _AliasLoader:
    """Loads `alias.X` by importing `target.X` and returning that same module object."""

    def __init__(self, real_name):
        self.real_name = real_name
        self._real_spec = None

    def create_module(self, spec):
        try:
            module = importlib.import_module(self.real_name)
        except ModuleNotFoundError as e:
            if e.name != self.real_name:
                raise
            raise ModuleNotFoundError(
                f"No module named {spec.name!r} (drop-in alias of {self.real_name!r}, "
                f"which does not exist)", name=spec.name) from None
        # the import machinery overwrites __spec__ with the alias spec; exec_module puts
        # the module's own spec back
        self._real_spec = getattr(module, "__spec__", None)
        return module

    def exec_module(self, module):
        if self._real_spec is not None:
            module.__spec__ = self._real_spec


class _AliasFinder:
    """Meta-path finder for `alias` and `alias.*`, resolved to `target` and `target.*`."""

    def __init__(self, alias, target):
        self.alias = alias
        self.target = target

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.alias and not fullname.startswith(self.alias + "."):
            return None
        real_name = self.target + fullname[len(self.alias):]
        return ModuleSpec(fullname, _AliasLoader(real_name))

    def __repr__(self):
        return f"<drop-in alias {self.alias!r} -> {self.target!r}>"


def _find(alias):
    for finder in sys.meta_path:
        if isinstance(finder, _AliasFinder) and finder.alias == alias:
            return finder
    return None


def _install_alias(alias="torch", target="myautograd"):
    """Makes `import alias[.X.Y]` resolve to `target[.X.Y]`; idempotent. Returns the finder."""
    finder = _find(alias)
    if finder is not None:
        if finder.target != target:
            raise ImportError(f"{alias!r} is already aliased to {finder.target!r}")
        return finder
    existing = sys.modules.get(alias)
    if existing is not None and existing is not sys.modules.get(target):
        raise ImportError(
            f"{alias!r} was imported before the drop-in alias was installed "
            f"({existing!r}); install it before the first `import {alias}`")
    finder = _AliasFinder(alias, target)
    # first on the path: otherwise the path finder could load target's files a second
    # time under the alias name when the parent's __path__ is searched
    sys.meta_path.insert(0, finder)
    return finder


def _uninstall_alias(alias="torch"):
    """Removes the finder and the alias entries from sys.modules (for tests)."""
    finder = _find(alias)
    if finder is not None:
        sys.meta_path.remove(finder)
    for name in [n for n in sys.modules if n == alias or n.startswith(alias + ".")]:
        del sys.modules[name]


def install():
    """`import torch` (and every `torch.X.Y`) resolves to this package from now on."""
    return _install_alias("torch", __name__.rpartition(".")[0] or "myautograd")
