"""RemovableHandle, as torch.utils.hooks."""
import itertools

_ids = itertools.count()


class RemovableHandle:
    def __init__(self, hooks_dict=None, remove_fn=None):
        self.id = next(_ids)
        self._dict = hooks_dict
        self._remove_fn = remove_fn

    def remove(self):
        if self._remove_fn is not None:
            self._remove_fn()
            self._remove_fn = None
        if self._dict is not None:
            self._dict.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.remove()


def _from_remove(remove):
    return RemovableHandle(remove_fn=remove)
