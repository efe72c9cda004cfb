"""importer: turns a PyTorch or ONNX model into a dnnsim workload YAML (`dnnsim import`).

Run by the `dnnsim import` subcommand as `/usr/bin/python3 -m analysis.importer`, with
Debian's python3-torch, python3-torchvision and python3-onnx. Modules, one idea each:

    errors.py       ImportFailure: a model the importer cannot map, worded for the user
    workload.py     the workload being built: layers, unique names, the YAML text
    sources.py      SOURCE: torchvision:NAME, FILE.py:FUNCTION, FILE.onnx; the model's code
                    run so that whatever stops it is one line naming the file
    inputs.py       --input: one sample (CxHxW, F, TxF, tokens:T) and its zero tensor
    fx_trace.py     tracing with torch.fx and running the graph for shapes and constants
    fx_import.py    nn.Module -> workload: the walk, where the batch lies, learned tensors
    fx_modules.py   module calls -> layers (Embedding, MultiheadAttention, tied Linear, ...)
    fx_functions.py functions and tensor methods -> layers
    fx_learned.py   parameters and position tables a forward() reads, as layers
    fx_attention.py attention written by hand, found and checked; masks, causal or not
    onnx_import.py  ONNX graph -> workload, following where the batch axis goes
    onnx_transformer.py  embeddings, tied logits, positions and masks in ONNX graphs
    batch_axis.py   where the samples lie in a tensor whose layout ONNX reshapes
    __main__.py     the command line

docs/workloads.md ("Importing models") says what maps to what.
"""
