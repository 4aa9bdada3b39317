# feature: clipping, LSTM, optimizers
# source: 002_4b73a44a84425170.txt block 4 (LSTM + Adam + clip_grad_norm_)
# tolerance: rtol=1e-4 atol=2e-4  reason: LSTM matrix products and float32 sums printed to 4 decimals; another summation order can flip the last printed digit
# The document's code lost its line breaks; the lines are restored here unchanged.
# Fragment completed: the snippet calls loss.backward() "in training loop" but never
# computes `loss`; a minimal forward pass (marked) supplies one. The snippet prints
# nothing; the added prints (marked) show the values it computes.
import torch
import torch.nn as nn
model = nn.LSTM(10, 20, 2)
optimizer = torch.optim.Adam(model.parameters())
# In training loop
inputs = torch.randn(5, 3, 10)  # added: completion of the fragment
output, (h_n, c_n) = model(inputs)  # added: completion of the fragment
loss = output.pow(2).mean()  # added: completion of the fragment
loss.backward()
# Clip gradients by norm
torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
# Or clip by value
# torch.nn.utils.clip_grad_value_(model.parameters(), clip_value=0.5)
optimizer.step()
print(loss)  # added print: the snippet has none
for name, p in model.named_parameters():  # added print: the snippet has none
    print(name, tuple(p.shape), p.grad.norm(), p.sum())
