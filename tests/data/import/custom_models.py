"""Small models for the importer's tests (tests/import/import_tests.cmake)."""

import torch
from torch import nn


class Gap(nn.Module):
    """Global average pooling written as a tensor reduction, as many models do."""

    def forward(self, x):
        return x.mean([2, 3])


def small_cnn():
    """conv (3*8*9 + 8 = 224 params), relu, x.mean([2, 3]), linear (8*10 + 10 = 90)."""
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), Gap(), nn.Linear(8, 10))


def leaky():
    """LeakyReLU has no dnnsim layer: an error, or an identity with --allow-unknown."""
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.LeakyReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 2))


def export_small_cnn(path):
    torch.onnx.export(small_cnn().eval(), torch.zeros(1, 3, 8, 8), path, opset_version=17,
                      input_names=["input"], dynamic_axes={"input": {0: "batch"}})
