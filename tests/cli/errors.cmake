# Bad input: one clear message naming the file, line and key; exit 1 or 2; no crash.
cli_error(missing_workload "workload file not found" info no-such-net)
cli_error(preset_typo "did you mean 'alexnet'" info alexnett)
cli_error(grid_mismatch "grid 8x4 has 32 processes, but --procs is 64"
          analytic alexnet --platform crossbar --procs 64 --grid 8x4 --strategy integrated)
cli_error(batch_with_grid "batch parallelism is the grid 1x64"
          analytic alexnet --platform crossbar --grid 8x8 --strategy batch)
cli_error(model_limit "layer 'conv1': model parallelism needs Pr <= out_channels"
          analytic alexnet --platform crossbar --procs 2048 --strategy model --batch 2048)
cli_error(batch_limit "Pc <= B"
          analytic alexnet --platform crossbar --procs 512 --strategy batch --batch 256)
cli_error(procs_beyond_platform "platform 'fat-tree' has 512 hosts"
          analytic alexnet --platform fat-tree --procs 1024 --strategy batch --batch 2048)
cli_error(bad_format "'--format': unknown format 'xml'; expected one of: table, json, csv"
          analytic alexnet --platform crossbar --procs 4 --strategy batch --format xml)
cli_error(unknown_option "--bogus" info alexnet --bogus)
cli_error(bad_grid_text "expected PRxPC"
          analytic alexnet --platform crossbar --grid 8by8 --strategy integrated)
cli_error(unknown_layer_type "tests/data/bad-type.yaml:7: 'layer 'c1'.type': unknown layer type 'conv2' \\(did you mean 'conv2d'\\?\\)"
          info tests/data/bad-type.yaml)
cli_error(unknown_key "tests/data/bad-key.yaml:7: 'layer 'c1'.kernal': unknown key \\(did you mean 'kernel'\\?\\)"
          info tests/data/bad-key.yaml)
cli_error(yaml_syntax "tests/data/bad-syntax.yaml:[0-9]+: YAML syntax error" info tests/data/bad-syntax.yaml)
cli_error(dangling_input "no layer is called 'c9'" info tests/data/bad-inputs.yaml)
cli_error(cycle "cycle through this layer" info tests/data/bad-cycle.yaml)
cli_error(kernel_too_large "kernel 9x9 is larger than its padded input 8x8" info tests/data/bad-kernel.yaml)
cli_error(empty_file "the workload file is empty" info tests/data/empty.yaml)
cli_error(platform_unknown_topology "unknown topology 'fattree' \\(did you mean 'fat-tree'\\?\\)"
          analytic mlp --platform tests/data/bad-topology.yaml --procs 4 --strategy batch)
cli_error(no_strategy "say how to split the work" analytic mlp --platform crossbar --procs 4)
cli_error(pipeline_interleaved_microbatches "'--schedule'.*multiple of"
          analytic tests/data/tiny-gpt.yaml --platform crossbar --grid 1x1x2 --strategy batch
          --microbatches 3 --schedule interleaved:2)
cli_error(pipeline_blocks "'--grid': 2 pipeline pieces \\(stages x chunks\\) must divide the 1 transformer"
          analytic tests/data/tiny-gpt.yaml --platform crossbar --grid 1x1x2 --strategy batch)
cli_error(pipeline_small_microbatch "'--microbatches': 8 microbatches of B / Pc = 4 / 1 samples"
          analytic tests/data/tiny-gpt.yaml --platform crossbar --grid 1x1 --strategy batch
          --microbatches 8)
cli_error(pipeline_bad_schedule "'--schedule': expected gpipe, 1f1b or interleaved:V"
          analytic mlp --platform crossbar --grid 1x1x2 --strategy batch --schedule 1f2b)
cli_error(pipeline_smpi_export "'--export': pipeline stages send without waiting"
          taskgraph tests/data/pipeline-chain.yaml --platform crossbar --grid 1x1x2
          --strategy batch --rank 0 --export smpi pipeline-traces)
cli_error(recompute_without_blocks "'--recompute': full recomputation reruns transformer blocks"
          analytic mlp --platform crossbar --procs 2 --strategy batch --recompute full)
cli_error(zero_out_of_range "'--zero': expected a whole number in \\[0, 3\\], got '4'"
          analytic mlp --platform crossbar --procs 2 --strategy batch --zero 4)
cli_error(plan_stage_cut "'pipeline.first_layers': a stage cannot start at 'block0.attn.core'"
          analytic tests/data/small-gpt.yaml --platform crossbar --plan tests/data/bad/plan/stage-cut.yaml)
