"""importer: turns a PyTorch or ONNX model into a dnnsim workload YAML (`dnnsim import`).

Run by the `dnnsim import` subcommand as `/usr/bin/python3 -m analysis.importer`, with
Debian's python3-torch, python3-torchvision and python3-onnx. Modules, one idea each:

    errors.py       ImportFailure: a model the importer cannot map, worded for the user
    workload.py     the workload being built: layers, unique names, the YAML text
    sources.py      SOURCE: torchvision:NAME, FILE.py:FUNCTION, FILE.onnx; the model's code
                    run so that whatever stops it is one line naming the file
    fx_import.py    nn.Module -> workload through torch.fx symbolic tracing
    onnx_import.py  ONNX graph -> workload, following where the batch axis goes
    batch_axis.py   where the samples lie in a tensor whose layout ONNX reshapes
    __main__.py     the command line

docs/workloads.md ("Importing models") says what maps to what.
"""
