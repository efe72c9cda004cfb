"""SOURCE on the command line: a torchvision model, a Python function, or an ONNX file.

    torchvision:NAME    torchvision.models' NAME built with weights=None (architecture only)
    FILE.py:FUNCTION    FUNCTION() from FILE.py, returning a torch.nn.Module
    FILE.onnx           an ONNX model
"""

import dataclasses
import importlib.util
import inspect
import os

from analysis.importer.errors import ImportFailure


@dataclasses.dataclass
class Source:
    text: str         # as given on the command line
    kind: str         # "module" or "onnx"
    default_name: str
    description: str  # for the header comment
    path: str = ""    # the ONNX or Python file

    @property
    def where(self) -> str:
        """What an error names first: the file, or torchvision:NAME."""
        return self.path or self.text


def _require_regular(path: str, kind: str) -> None:
    """A device or a FIFO would be read forever: only regular files are sources."""
    if os.path.exists(path) and not os.path.isfile(path) and not os.path.isdir(path):
        raise ImportFailure(f"{path}: is not a regular file (a device, FIFO or socket); "
                            f"expected {'an' if kind == 'ONNX' else 'a'} {kind} file")
    if not os.path.isfile(path):
        raise ImportFailure(f"{path}: no such {kind} file")


def parse_source(text: str) -> Source:
    if text.startswith("torchvision:"):
        name = text.split(":", 1)[1]
        if not name:
            raise ImportFailure(f"{text}: name a torchvision model, e.g. torchvision:resnet50")
        return Source(text, "module", name, f"torchvision's {name} (weights=None)")
    if text.endswith(".onnx"):
        _require_regular(text, "ONNX")
        stem = os.path.splitext(os.path.basename(text))[0]
        return Source(text, "onnx", stem, f"the ONNX file {os.path.basename(text)}", path=text)
    file, sep, function = text.rpartition(":")
    if sep and file.endswith(".py") and function:
        _require_regular(file, "Python")
        return Source(text, "module", function, f"{function}() of {os.path.basename(file)}",
                      path=file)
    raise ImportFailure(f"{text}: expected torchvision:NAME, FILE.py:FUNCTION or FILE.onnx")


def describe(error: BaseException) -> str:
    """Python's own words for an exception, on one line: `ValueError: bad width`."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return type(error).__name__ + (f": {lines[0]}" if lines else "")


def run_user_code(where: str, what: str, call):
    """Runs the user's `call`; whatever stops it becomes one ImportFailure naming `where` (the
    file) and Python's message, the exception kept as its cause for --verbose. A SystemExit
    must not end the importer silently; KeyboardInterrupt is the user's and goes on."""
    try:
        return call()
    except KeyboardInterrupt:
        raise
    except SystemExit as stop:
        code = "" if stop.code is None else repr(stop.code)
        raise ImportFailure(f"{where}: {what} called sys.exit({code})") from stop
    except BaseException as error:
        raise ImportFailure(f"{where}: {what} raised {describe(error)}") from error


def _required_arguments(function) -> list:
    """The parameters `function` cannot be called without; [] when Python cannot tell."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # a builtin without a signature: calling it will tell
        return []
    return [name for name, p in signature.parameters.items()
            if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


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
        builder = getattr(torchvision.models, name)
        model = run_user_code(source.text, f"{name}(weights=None)",
                              lambda: builder(weights=None))
    else:
        file, _, function = source.text.rpartition(":")
        spec = importlib.util.spec_from_file_location("dnnsim_import_source", file)
        module = importlib.util.module_from_spec(spec)
        run_user_code(file, "loading the file", lambda: spec.loader.exec_module(module))
        builder = getattr(module, function, None)
        if not callable(builder):
            raise ImportFailure(f"{file}: has no function '{function}'")
        required = _required_arguments(builder)
        if required:
                raise ImportFailure(f"{file}: {function}() takes arguments ({', '.join(required)}) "
                                f"but dnnsim import calls it with none: give them defaults or "
                                f"name a function that takes none")
        model = run_user_code(file, f"{function}()", builder)
    if not isinstance(model, torch.nn.Module):
        raise ImportFailure(f"{source.text}: expected a torch.nn.Module, got "
                            f"{type(model).__name__}")
    return model.eval()
