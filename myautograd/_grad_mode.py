"""_grad_mode: no_grad, enable_grad, set_grad_enabled, inference_mode: thread-local modes
(state lives in _C), each usable as a context manager and as a decorator."""
import functools

from . import _C


class _Mode:
    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(*self._args()):
                return fn(*args, **kwargs)
        return wrapper

    def _args(self):
        return ()

    def clone(self):
        return self.__class__(*self._args())


class no_grad(_Mode):
    def __init__(self, orig_func=None):
        self.prev = False
        if callable(orig_func):
            self._wrapped = self(orig_func)

    def __enter__(self):
        self.prev = _C._is_grad_enabled()
        _C._set_grad_enabled(False)

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)


class enable_grad(_Mode):
    def __enter__(self):
        self.prev = _C._is_grad_enabled()
        _C._set_grad_enabled(True)

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)


class set_grad_enabled(_Mode):
    def __init__(self, mode):
        self.prev = _C._is_grad_enabled()
        self.mode = bool(mode)
        _C._set_grad_enabled(self.mode)

    def _args(self):
        return (self.mode,)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)


class inference_mode(_Mode):
    def __init__(self, mode=True):
        self.mode = mode

    def _args(self):
        return (self.mode,)

    def __enter__(self):
        self.prev = (_C._is_grad_enabled(), _C._is_inference_mode_enabled())
        if self.mode:
            _C._set_grad_enabled(False)
            _C._set_inference_mode(True)

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev[0])
        _C._set_inference_mode(self.prev[1])


def is_grad_enabled():
    return _C._is_grad_enabled()


def is_inference_mode_enabled():
    return _C._is_inference_mode_enabled()
