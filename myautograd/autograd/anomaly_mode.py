"""detect_anomaly / set_detect_anomaly: NaN checks in backward and forward traces."""
import warnings

from .. import _C


class detect_anomaly:
    def __init__(self, check_nan=True):
        self.prev = _C._is_anomaly_enabled()
        self.check_nan = check_nan
        self.prev_check_nan = _C._is_anomaly_check_nan()
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self):
        _C._set_anomaly(True, self.check_nan)

    def __exit__(self, *args):
        _C._set_anomaly(self.prev, self.prev_check_nan)


class set_detect_anomaly:
    def __init__(self, mode, check_nan=True):
        self.prev = _C._is_anomaly_enabled()
        self.prev_check_nan = _C._is_anomaly_check_nan()
        _C._set_anomaly(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *args):
        _C._set_anomaly(self.prev, self.prev_check_nan)


def is_anomaly_enabled():
    return _C._is_anomaly_enabled()
