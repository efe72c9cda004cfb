"""SOURCE on the command line: a torchvision model, a Python function, or an ONNX file.

    torchvision:NAME    torchvision.models' NAME built with weights=None (architecture only)
    FILE.py:FUNCTION    FUNCTION() from FILE.py, returning a torch.nn.Module
    FILE.onnx           an ONNX model
"""

import dataclasses
import importlib.util
import os

from analysis.importer.errors import ImportFailure


@dataclasses.dataclass
class Source:
    text: str         # as given on the command line
    kind: str         # "module" or "onnx"
    default_name: str
    description: str  # for the header comment
    path: str = ""    # the ONNX file


def parse_source(text: str) -> Source:
    if text.startswith("torchvision:"):
        name = text.split(":", 1)[1]
        if not name:
            raise ImportFailure(f"{text}: name a torchvision model, e.g. torchvision:resnet50")
        return Source(text, "module", name, f"torchvision's {name} (weights=None)")
    if text.endswith(".onnx"):
        if not os.path.isfile(text):
            raise ImportFailure(f"{text}: no such ONNX file")
        stem = os.path.splitext(os.path.basename(text))[0]
        return Source(text, "onnx", stem, f"the ONNX file {os.path.basename(text)}", path=text)
    file, sep, function = text.rpartition(":")
    if sep and file.endswith(".py") and function:
        if not os.path.isfile(file):
            raise ImportFailure(f"{file}: no such Python file")
        return Source(text, "module", function, f"{function}() of {os.path.basename(file)}")
    raise ImportFailure(f"{text}: expected torchvision:NAME, FILE.py:FUNCTION or FILE.onnx")


def build_module(source: Source):
    """The nn.Module a module source names, in eval mode (inference graph, no dropout)."""
    import torch

    if source.text.startswith("torchvision:"):
        import torchvision

        name = source.default_name
        builders = {n for n in dir(torchvision.models) if n.islower() and not n.startswith("_")
                    and callable(getattr(torchvision.models, n))}
        if name not in builders:
            import difflib
            close = difflib.get_close_matches(name, sorted(builders), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ImportFailure(f"{source.text}: torchvision {torchvision.__version__} has no "
                                f"model '{name}'{hint}")
        model = getattr(torchvision.models, name)(weights=None)
    else:
        file, _, function = source.text.rpartition(":")
        spec = importlib.util.spec_from_file_location("dnnsim_import_source", file)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as error:  # the user's file: report, do not crash
            raise ImportFailure(f"{file}: cannot be run: {type(error).__name__}: {error}") from error
        builder = getattr(module, function, None)
        if not callable(builder):
            raise ImportFailure(f"{file}: has no function '{function}'")
        model = builder()
    if not isinstance(model, torch.nn.Module):
        raise ImportFailure(f"{source.text}: expected a torch.nn.Module, got "
                            f"{type(model).__name__}")
    return model.eval()
