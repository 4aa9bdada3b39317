"""torch.nn: Parameter, the modules package, functional and init."""
from . import functional, init  # noqa: F401
from .parameter import Parameter  # noqa: F401
from .modules import *  # noqa: F401,F403
from .modules import Module  # noqa: F401
from . import modules  # noqa: F401
from . import utils  # noqa: F401
