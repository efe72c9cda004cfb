"""`--input`: one sample of the model's input (docs/workloads.md, "Importing models").

    CxHxW      images            [N, C, H, W] floats   input: {channels: C, height: H, width: W}
    F          vectors           [N, F] floats         input: {features: F}
    TxF        T vectors of F    [N, T, F] floats      input: {tokens: T, features: F}
    tokens:T   T token ids       [N, T] int64 (long)   input: {tokens: T}

`dnnsim import` checks the value before it starts the importer, with the same words; the
check here serves `python3 -m analysis.importer` run by hand.
"""

import dataclasses

from analysis.importer.errors import ImportFailure

MAX_SIZE = 2 ** 40      # as every integer dnnsim reads
MAX_ELEMENTS = 2 ** 53  # per sample, as the workload loader counts
TOKENS = "tokens:"


@dataclasses.dataclass(frozen=True)
class Sample:
    dims: tuple        # one sample's shape
    token_ids: bool    # a sequence of token ids (int64), not values

    @property
    def text(self) -> str:
        return (TOKENS if self.token_ids else "") + "x".join(map(str, self.dims))

    def yaml(self) -> str:
        """The workload's `input:` mapping."""
        if self.token_ids:
            return f"{{tokens: {self.dims[0]}}}"
        if len(self.dims) == 2:
            return f"{{tokens: {self.dims[0]}, features: {self.dims[1]}}}"
        if len(self.dims) == 3:
            c, h, w = self.dims
            return f"{{channels: {c}, height: {h}, width: {w}}}"
        return f"{{features: {self.dims[0]}}}"

    def zeros(self, batch: int):
        """What the model runs on: zeros (token 0) for `batch` samples."""
        import torch
        dtype = torch.long if self.token_ids else torch.float32
        return torch.zeros([batch, *self.dims], dtype=dtype)


def _form_error(text):
    return ImportFailure(f"'--input': expected CxHxW (e.g. 3x224x224), TxF (1024x768), a "
                         f"feature count (768) or tokens:T (tokens:1024), got '{text}'")


def parse_sample(text: str) -> Sample:
    token_ids = text.startswith(TOKENS)
    parts = (text[len(TOKENS):] if token_ids else text).replace("X", "x").split("x")
    if not text or (token_ids and len(parts) != 1) or len(parts) > 3:
        raise _form_error(text)
    dims = []
    for part in parts:
        if not part or part[0] not in "0123456789+-.":
            raise _form_error(text)
        if not part.isascii() or not part.isdigit() or not 1 <= int(part) <= MAX_SIZE:
            where = "" if part == text else f" in '{text}'"
            raise ImportFailure(f"'--input': expected sizes written in decimal digits in "
                                f"[1, 2^40 = {MAX_SIZE}], got '{part}'{where}")
        dims.append(int(part))
    elements = 1
    for d in dims:
        elements *= d
    if elements > MAX_ELEMENTS:
        raise ImportFailure(f"'--input': {' x '.join(map(str, dims))} elements per sample is "
                            f"too many; dnnsim counts up to 2^53 = {MAX_ELEMENTS}")
    return Sample(tuple(dims), token_ids)
