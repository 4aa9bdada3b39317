# feature: no_grad, nn.Linear, loss functions
# source: 003_533b135f2cb59565.txt In [14] (section "## Disabling Gradient Tracking"; the evaluation loop snippet)
# tolerance: rtol=1e-5 atol=1e-6  reason: sum of float32 cross-entropy losses printed at full double precision; another summation order changes the last bits
# The whole cell is commented out in the notebook and is a fragment: model, criterion,
# validation_dataloader and device are never defined. It is uncommented here, and a minimal
# definition of each missing name (marked) lets it run end to end. The cell prints nothing;
# the added prints (marked) show the values it computes.
import torch
import torch.nn as nn

model = nn.Linear(4, 3)  # added: completion of the fragment
criterion = nn.CrossEntropyLoss()  # added: completion of the fragment
device = next(model.parameters()).device  # added: completion of the fragment
validation_dataloader = [(torch.randn(5, 4), torch.randint(0, 3, (5,))) for _ in range(2)]  # added: completion of the fragment

# # Evaluation loop snippet
model.eval() # Set model to evaluation mode (important for layers like dropout, batchnorm)
total_loss = 0
correct_predictions = 0

with torch.no_grad(): # Disable gradient calculations for evaluation
    for inputs, labels in validation_dataloader:
        inputs, labels = inputs.to(device), labels.to(device) # Move data to appropriate device

        outputs = model(inputs) # Forward pass
        loss = criterion(outputs, labels) # Calculate loss

        total_loss += loss.item()
        _, predicted = torch.max(outputs.data, 1)
        correct_predictions += (predicted == labels).sum().item()

print(total_loss)  # added print: the cell has none
print(correct_predictions)  # added print: the cell has none
