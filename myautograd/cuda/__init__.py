"""torch.cuda: this build has no CUDA kernels yet, so is_available() is False and device
requests raise torch's error."""


def is_available():
    return False


def device_count():
    return 0


def _lazy_init():
    raise AssertionError("Torch not compiled with CUDA enabled")


def manual_seed(seed):
    pass


def manual_seed_all(seed):
    pass


def synchronize(device=None):
    _lazy_init()


def current_device():
    _lazy_init()
