"""Where the samples lie in a tensor whose layout an ONNX graph reshapes and transposes.

PyTorch's attention, exported to ONNX, moves the batch: [N, T, E] is transposed to
[T, N, E], reshaped to [T, N*heads, d], transposed to [N*heads, T, d]. A tensor's samples
are described by (axis, inner): the batch index b is a factor of axis `axis`, whose index is
(outer * N + b) * inner + rest. One sample's view of the tensor is the tensor with that axis
divided by N (and dropped when that leaves it 1 wide), in row-major order: the per-sample
shape dnnsim's layers see.
"""

from math import prod


class Batch:
    """The batch of N samples sits in axis `axis`, with `inner` indices below it."""

    def __init__(self, axis: int, inner: int = 1):
        self.axis = axis
        self.inner = inner

    def __eq__(self, other):
        return (self.axis, self.inner) == (other.axis, other.inner)

    def __repr__(self):
        return f"Batch(axis={self.axis}, inner={self.inner})"

    def valid(self, shape, n: int) -> bool:
        return 0 <= self.axis < len(shape) and shape[self.axis] % (n * self.inner) == 0

    def kept(self, shape, n: int) -> bool:
        """Whether the batch's axis remains an axis of one sample (wider than 1 there)."""
        return shape[self.axis] // n > 1

    def sample_shape(self, shape, n: int) -> list:
        out = []
        for a, d in enumerate(shape):
            if a != self.axis:
                out.append(d)
            elif d // n > 1:
                out.append(d // n)
        return out

    def sample_axis(self, axis: int, shape, n: int):
        """The axis of one sample that the tensor's `axis` is; None for the batch itself."""
        axis %= len(shape)
        if axis == self.axis:
            return axis if self.kept(shape, n) else None
        dropped = not self.kept(shape, n)
        return axis - 1 if axis > self.axis and dropped else axis

    def after_transpose(self, perm) -> "Batch":
        return Batch(list(perm).index(self.axis), self.inner)

    def after_reshape(self, shape_in, shape_out, n: int):
        """The batch of a reshape's output, or None when its samples no longer form a factor
        of one axis."""
        stride = self.inner * prod(shape_in[self.axis + 1:])
        for k in range(len(shape_out)):
            below = prod(shape_out[k + 1:])
            if below <= stride and stride % below == 0:
                inner = stride // below
                if shape_out[k] % (n * inner) == 0 and stride < below * shape_out[k]:
                    return Batch(k, inner)
        return None
