"""torch.nn"""
from . import functional, init  # noqa: F401
from .parameter import Parameter  # noqa: F401
from .modules import (Module, Identity, Linear, ReLU, Sigmoid, Tanh, SiLU, Flatten, Softmax, LogSoftmax,  # noqa: F401
                      Dropout, Sequential, ModuleList, MSELoss, L1Loss, NLLLoss, CrossEntropyLoss, BCELoss,
                      BCEWithLogitsLoss, LSTM, GRU, RNN)
from . import utils  # noqa: F401
