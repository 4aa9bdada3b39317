"""bench.workloads: every workload written once, against the torch API.

Each workload is a function `make(torch, device)` that builds its inputs (not timed) and
returns `run(n)`, which executes n iterations of the timed body and returns the last loss
(or output) tensor. `torch` is the library module: real torch or myautograd, the code is
the same. Nothing here imports either library.

WORKLOADS lists the reported figures: (id, title, make, ops per iteration, unit, target).
The time reported is per iteration divided by ops per iteration ("per op" figures).
"""


def _det(torch, shape, k, device="cpu", scale=0.5):
    """Deterministic, library-independent values in [-scale, scale] (no random stream)."""
    n = 1
    for s in shape:
        n *= s
    v = (torch.arange(n, dtype=torch.float32) * 0.6180339 + k).sin() * scale
    return v.reshape(shape).to(device)


def _det_params(torch, module, k=0):
    """Overwrite a module's parameters with deterministic values so both libraries agree."""
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            p.copy_(_det(torch, tuple(p.shape), k + i, scale=0.3).to(p.device))


# --- W1: tiny ops on 1-element tensors -------------------------------------------------

def _w1_inputs(torch, device):
    a = torch.tensor([1.5], requires_grad=True, device=device)
    b = torch.tensor([-0.5], requires_grad=True, device=device)
    return a, b


def w1_nograd(torch, device="cpu"):
    a, b = _w1_inputs(torch, device)
    no_grad = torch.no_grad

    def run(n):
        with no_grad():
            for _ in range(n):
                c = a * b + a
        return c
    return run


def w1_record(torch, device="cpu"):
    a, b = _w1_inputs(torch, device)

    def run(n):
        for _ in range(n):
            c = a * b + a
        return c
    return run


def w1_fwd_bwd(torch, device="cpu"):
    a, b = _w1_inputs(torch, device)

    def run(n):
        for _ in range(n):
            loss = (a * b + a).sum()
            loss.backward()
        return loss
    return run


# --- W2: the tutorial loop ---------------------------------------------------------------

def w2_tutorial(torch, device="cpu"):
    # the tutorial's tensors: x, w, b are 1-element leaves that all require grad
    x = torch.tensor([2.0], requires_grad=True, device=device)
    w = torch.tensor([3.0], requires_grad=True, device=device)
    b = torch.tensor([1.0], requires_grad=True, device=device)
    sigmoid = torch.sigmoid

    def run(n):
        for _ in range(n):
            loss = (1 - sigmoid(w * x + b)) ** 2
            loss.backward()
            w.grad.zero_()
            b.grad.zero_()
            x.grad.zero_()
        return loss
    return run


# --- W3: MLP step --------------------------------------------------------------------------

def _mlp(torch, device):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
    _det_params(torch, model)
    model = model.to(device)
    x = _det(torch, (16, 10), 11, device, scale=1.0)
    y = _det(torch, (16, 1), 12, device, scale=1.0)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.MSELoss()
    return model, x, y, opt, loss_fn


def w3_mlp(torch, device="cpu"):
    model, x, y, opt, loss_fn = _mlp(torch, device)

    def run(n):
        for _ in range(n):
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
        return loss
    return run


# --- W4: LSTM step -------------------------------------------------------------------------

def w4_lstm(torch, device="cpu"):
    nn = torch.nn
    lstm = nn.LSTM(10, 20, 2)
    head = nn.Linear(20, 1)
    _det_params(torch, lstm, 0)
    _det_params(torch, head, 100)
    lstm, head = lstm.to(device), head.to(device)
    x = _det(torch, (35, 16, 10), 21, device, scale=1.0)
    y = _det(torch, (16, 1), 22, device, scale=1.0)
    params = list(lstm.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    loss_fn = nn.MSELoss()
    clip = torch.nn.utils.clip_grad_norm_

    def run(n):
        for _ in range(n):
            opt.zero_grad()
            out, _state = lstm(x)
            loss = loss_fn(head(out[-1]), y)
            loss.backward()
            clip(params, 1.0)
            opt.step()
        return loss
    return run


# --- W5: matmul ----------------------------------------------------------------------------

def w5_matmul(torch, device="cpu"):
    a = _det(torch, (1024, 1024), 31, device, scale=1.0).requires_grad_()
    b = _det(torch, (1024, 1024), 32, device, scale=1.0).requires_grad_()

    def run(n):
        for _ in range(n):
            a.grad = None
            b.grad = None
            loss = (a @ b).sum()
            loss.backward()
        return loss
    return run


# --- W6: elementwise on 4M float32 -----------------------------------------------------------

def w6_elementwise(torch, device="cpu"):
    x = _det(torch, (4 * 1024 * 1024,), 41, device, scale=1.0).requires_grad_()

    def run(n):
        for _ in range(n):
            x.grad = None
            loss = ((x * 2 + 1).sigmoid()).sum()
            loss.backward()
        return loss
    return run


# (id, title, make, ops per iteration, unit, target ratio torch/ours, on cuda too)
WORKLOADS = [
    ("W1-nograd", "W1 c = a*b + a, no_grad, 1-elem", w1_nograd, 2, "op", 8.0, False),
    ("W1-record", "W1 c = a*b + a, recording, 1-elem", w1_record, 2, "op", 8.0, False),
    ("W1-fwdbwd", "W1 (a*b + a).sum() fwd+bwd, 1-elem", w1_fwd_bwd, 1, "iter", 20.0, False),
    ("W2", "W2 tutorial loop (sigmoid, **2, bwd, zero 3 grads)", w2_tutorial, 1, "iter", 15.0, False),
    ("W3", "W3 MLP 10-32-1 b16 SGD step", w3_mlp, 1, "step", 5.0, True),
    ("W4", "W4 LSTM(10,20,2) seq35 b16 Adam+clip step", w4_lstm, 1, "step", 1.5, True),
    ("W5", "W5 matmul 1024^2 f32 fwd+bwd", w5_matmul, 1, "iter", 0.9, True),
    ("W6", "W6 ((x*2+1).sigmoid()).sum() 4M f32 fwd+bwd", w6_elementwise, 1, "iter", 1.0, True),
]

# W7 targets: import time ratio torch/ours >= 20, RSS ratio torch/ours >= 4
W7_IMPORT_TARGET = 20.0
W7_RSS_TARGET = 4.0
W7_STEPS = 200
