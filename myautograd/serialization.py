"""torch.save / torch.load: not implemented yet (the checkpoint issue); pickling a tensor
raises a clear error instead of writing a wrong format."""


def _tensor_reduce(t):
    raise NotImplementedError("pickling myautograd tensors (torch.save) is not supported yet")


def _param_reduce(p):
    raise NotImplementedError("pickling myautograd parameters (torch.save) is not supported yet")


def save(obj, f, *args, **kwargs):
    raise NotImplementedError("torch.save is not supported yet")


def load(f, *args, **kwargs):
    raise NotImplementedError("torch.load is not supported yet")
