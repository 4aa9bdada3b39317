"""torch.nn.modules: the Module base class, containers, layers, losses and recurrent layers."""
from .module import Module  # noqa: F401
from .container import Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict  # noqa: F401
from .linear import Identity, Linear  # noqa: F401
from .activation import (ReLU, LeakyReLU, ELU, GELU, SiLU, Tanh, Sigmoid, Softplus, Hardtanh,  # noqa: F401
                         Softmax, LogSoftmax)
from .dropout import Dropout  # noqa: F401
from .flatten import Flatten, Unflatten  # noqa: F401
from .sparse import Embedding  # noqa: F401
from .normalization import LayerNorm, BatchNorm1d  # noqa: F401
from .loss import (MSELoss, L1Loss, SmoothL1Loss, HuberLoss, NLLLoss, CrossEntropyLoss, BCELoss,  # noqa: F401
                   BCEWithLogitsLoss, KLDivLoss)
from .rnn import RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell  # noqa: F401
