# Bad inputs, one mistake per case: the file under tests/data/bad/ or the option,
# and the message fragment dnnsim must print (file:line, then the key or layer, then what
# was expected). Every case also checks exit status 1 or 2, an empty stdout and no
# sanitizer report (expect_error.cmake).
set(W tests/data/bad/workload)
set(P tests/data/bad/platform)
set(L tests/data/bad/plan)
set(S tests/data/bad/sweep)
set(RUN analytic mlp --procs 4 --strategy batch)

# ---- workload files: YAML itself -------------------------------------------------------
bad_input(workload.syntax "${W}/syntax-unclosed.yaml:6: YAML syntax error: end of map flow not found"
          info ${W}/syntax-unclosed.yaml)
bad_input(workload.not_a_mapping "${W}/not-a-mapping.yaml:1: expected a YAML mapping describing a workload, got a list"
          info ${W}/not-a-mapping.yaml)
bad_input(workload.comment_only "${W}/comment-only.yaml: the workload file is empty"
          info ${W}/comment-only.yaml)
bad_input(workload.binary "${W}/binary.yaml: is a binary file, expected a YAML workload description"
          info ${W}/binary.yaml)
bad_input(workload.latin1 "${W}/latin1.yaml:1: byte 0xE9 is not UTF-8 text"
          info ${W}/latin1.yaml)
bad_input(workload.nested_too_deep "${W}/nested-too-deep.yaml:4: YAML syntax error: nested deeper than"
          info ${W}/nested-too-deep.yaml)
bad_input(workload.duplicate_key "${W}/duplicate-key.yaml:3: 'batch': duplicate key; line 2 already sets it"
          info ${W}/duplicate-key.yaml)
bad_input(workload.duplicate_layer_key "${W}/duplicate-layer-key.yaml:5: 'layers[0].kernel': duplicate key"
          info ${W}/duplicate-layer-key.yaml)
bad_input(workload.key_not_a_name "${W}/key-not-a-name.yaml:3: a key must be a name, got [input]"
          info ${W}/key-not-a-name.yaml)
# ---- workload files: keys and values ---------------------------------------------------
bad_input(workload.unknown_top_key "${W}/unknown-top-key.yaml:4: 'layer': unknown key (did you mean 'layers'?)"
          info ${W}/unknown-top-key.yaml)
bad_input(workload.name_key_typo "${W}/name-key-typo.yaml:5: 'layers[0].nme': unknown key (did you mean 'name'?)"
          info ${W}/name-key-typo.yaml)
bad_input(workload.missing_batch "${W}/missing-batch.yaml:1: 'batch': is missing"
          info ${W}/missing-batch.yaml)
bad_input(workload.batch_negative "${W}/batch-negative.yaml:2: 'batch': expected a positive integer, got '-8'"
          info ${W}/batch-negative.yaml)
bad_input(workload.batch_fraction "${W}/batch-fraction.yaml:2: 'batch': expected a positive integer, got '2.5'"
          info ${W}/batch-fraction.yaml)
bad_input(workload.batch_text "${W}/batch-text.yaml:2: 'batch': expected a positive integer, got 'lots'"
          info ${W}/batch-text.yaml)
bad_input(workload.batch_huge "${W}/batch-huge.yaml:2: 'batch': '1e15' is too large; dnnsim takes integers up to 2^40"
          info ${W}/batch-huge.yaml)
bad_input(workload.dtype "${W}/dtype-unknown.yaml:2: 'dtype': unknown dtype 'fp23' (did you mean 'fp32'?)"
          info ${W}/dtype-unknown.yaml)
bad_input(workload.name_mapping "${W}/name-mapping.yaml:1: 'name': expected a name, got a mapping"
          info ${W}/name-mapping.yaml)
bad_input(workload.input_both "${W}/input-both.yaml:3: 'input.channels': an input is either {features: N}"
          info ${W}/input-both.yaml)
bad_input(workload.input_zero "${W}/input-zero.yaml:3: 'input.channels': expected a positive integer, got '0'"
          info ${W}/input-zero.yaml)
bad_input(workload.input_list "${W}/input-list.yaml:3: 'input': expected a mapping, got [3, 224, 224]"
          info ${W}/input-list.yaml)
bad_input(workload.input_too_large "${W}/input-too-large.yaml:3: 'input': 1000000 x 1000000 x 1000000 elements per sample is too many"
          info ${W}/input-too-large.yaml)
bad_input(workload.layers_empty "${W}/layers-empty.yaml:4: 'layers': expected a non-empty list of layers"
          info ${W}/layers-empty.yaml)
bad_input(workload.layer_not_mapping "${W}/layer-not-mapping.yaml:5: 'layers[0]': expected a mapping, got 'fc'"
          info ${W}/layer-not-mapping.yaml)
bad_input(workload.layer_type_case "${W}/layer-type-case.yaml:5: 'layer 'fc'.type': unknown layer type 'Linear' (did you mean 'linear'?)"
          info ${W}/layer-type-case.yaml)
bad_input(workload.layer_type_missing "${W}/layer-type-missing.yaml:5: 'layer 'fc'.type': is missing"
          info ${W}/layer-type-missing.yaml)
bad_input(workload.key_of_other_type "${W}/layer-key-of-other-type.yaml:5: 'layer 'fc'.kernel': unknown key; expected one of: name, type, inputs, out_features, bias, tied_to"
          info ${W}/layer-key-of-other-type.yaml)
bad_input(workload.attention_kv_heads "${W}/attention-heads-not-dividing.yaml:5: 'layer 'core'.kv_heads': kv_heads = 3 must divide heads = 4"
          info ${W}/attention-heads-not-dividing.yaml)
bad_input(workload.tied_to_unknown "${W}/tied-to-unknown.yaml:6: 'layer 'logits'.tied_to': no embedding is called 'wte2' (did you mean 'wte'?)"
          info ${W}/tied-to-unknown.yaml)
bad_input(workload.tied_to_not_embedding "${W}/tied-to-not-embedding.yaml:7: 'layer 'logits'.tied_to': no embedding is called 'fc'"
          info ${W}/tied-to-not-embedding.yaml)
bad_input(workload.transformer_and_layers "${W}/transformer-and-layers.yaml:5: 'layers': a workload gives either `transformer:` or `input:` and `layers:`"
          info ${W}/transformer-and-layers.yaml)
bad_input(workload.transformer_style "${W}/transformer-style.yaml:3: 'transformer.style': unknown transformer style 'bert'; expected one of: gpt, llama"
          info ${W}/transformer-style.yaml)
bad_input(workload.optimizer "${W}/optimizer-unknown.yaml:3: 'optimizer': unknown optimizer 'adamw' (did you mean 'adam'?)"
          info ${W}/optimizer-unknown.yaml)
bad_input(workload.embedding_on_features "${W}/embedding-on-features.yaml:5: 'layer 'wte'': an embedding reads token ids: the network's input, given as {tokens: T}"
          info ${W}/embedding-on-features.yaml)
bad_input(option.optimizer "'--optimizer': unknown optimizer 'adamw' (did you mean 'adam'?)"
          ${RUN} --platform crossbar --optimizer adamw)
bad_input(workload.layer_named_input "${W}/layer-named-input.yaml:5: 'layer 'input'.name': 'input' names the network's input"
          info ${W}/layer-named-input.yaml)
bad_input(workload.layer_name_twice "${W}/layer-name-twice.yaml:6: 'layer 'fc'.name': duplicate layer name; line 5 already uses it"
          info ${W}/layer-name-twice.yaml)
bad_input(workload.out_channels_zero "${W}/out-channels-zero.yaml:5: 'layer 'c1'.out_channels': expected a positive integer, got '0'"
          info ${W}/out-channels-zero.yaml)
bad_input(workload.padding_negative "${W}/padding-negative.yaml:5: 'layer 'c1'.padding': expected an integer >= 0 or a pair [h, w] of them, got '-1'"
          info ${W}/padding-negative.yaml)
bad_input(workload.kernel_three_values "${W}/kernel-three-values.yaml:5: 'layer 'c1'.kernel': expected an integer >= 1 or a pair [h, w] of them, got [3, 3, 3]"
          info ${W}/kernel-three-values.yaml)
bad_input(workload.stride_zero "${W}/stride-zero.yaml:5: 'layer 'c1'.stride': expected an integer >= 1 or a pair [h, w] of them, got [1, 0]"
          info ${W}/stride-zero.yaml)
bad_input(workload.dropout_p "${W}/dropout-p.yaml:5: 'layer 'd'.p': expected a number in [0, 1], got '1.5'"
          info ${W}/dropout-p.yaml)
bad_input(workload.bias_not_boolean "${W}/bias-not-boolean.yaml:5: 'layer 'fc'.bias': expected true or false, got 'sometimes'"
          info ${W}/bias-not-boolean.yaml)
# ---- workload files: shapes and the layer graph ----------------------------------------
bad_input(workload.kernel_wider_than_input "${W}/kernel-wider-than-input.yaml:5: 'layer 'c1'.kernel': kernel 3x11 is larger than its padded input 10x10"
          info ${W}/kernel-wider-than-input.yaml)
bad_input(workload.groups "${W}/groups-not-dividing.yaml:5: 'layer 'c1'.groups': groups = 2 must divide both the input channels (3) and out_channels (4)"
          info ${W}/groups-not-dividing.yaml)
bad_input(workload.pool_padding "${W}/pool-padding.yaml:5: 'layer 'p1'.padding': padding 2x2 must be at most half the kernel 3x3"
          info ${W}/pool-padding.yaml)
bad_input(workload.linear_on_image "${W}/linear-on-image.yaml:5: 'layer 'fc'': linear reads a flat feature vector or [tokens, features], got [3, 8, 8]; add a flatten layer before it"
          info ${W}/linear-on-image.yaml)
bad_input(workload.conv_on_vector "${W}/conv-on-vector.yaml:5: 'layer 'c1'': conv2d reads images [channels, height, width], got [16]"
          info ${W}/conv-on-vector.yaml)
bad_input(workload.add_shapes "${W}/add-shapes.yaml:7: 'layer 'sum'.inputs': add needs inputs of one shape, got [4, 6, 6] and [4, 8, 8]"
          info ${W}/add-shapes.yaml)
bad_input(workload.add_one_input "${W}/add-one-input.yaml:6: 'layer 'sum'.inputs': add joins two or more inputs, got 1"
          info ${W}/add-one-input.yaml)
bad_input(workload.concat_shapes "${W}/concat-shapes.yaml:7: 'layer 'cat'.inputs': concat joins along channels"
          info ${W}/concat-shapes.yaml)
bad_input(workload.inputs_self "${W}/inputs-self.yaml:6: 'layer 'r1'.inputs': the layer graph has a cycle through this layer"
          info ${W}/inputs-self.yaml)
bad_input(workload.inputs_empty "${W}/inputs-empty.yaml:5: 'layer 'c1'.inputs': expected a layer name or a list of layer names"
          info ${W}/inputs-empty.yaml)
bad_input(workload.inputs_typo "${W}/inputs-typo.yaml:6: 'layer 'r1'.inputs': no layer is called 'cnov1' (did you mean 'conv1'?)"
          info ${W}/inputs-typo.yaml)
bad_input(workload.too_many_params "${W}/too-many-params.yaml:5: 'layer 'fc'': the number of parameters is too large; dnnsim counts up to 2^53"
          info ${W}/too-many-params.yaml)

# ---- platform files --------------------------------------------------------------------
bad_input(platform.topology_missing "${P}/topology-missing.yaml:4: 'network.topology': is missing"
          ${RUN} --platform ${P}/topology-missing.yaml)
bad_input(platform.key_typo "${P}/network-key-typo.yaml:4: 'network.bandwdith': unknown key (did you mean 'bandwidth'?)"
          ${RUN} --platform ${P}/network-key-typo.yaml)
bad_input(platform.nodes_zero "${P}/nodes-zero.yaml:2: 'nodes': expected a positive integer, got '0'"
          ${RUN} --platform ${P}/nodes-zero.yaml)
bad_input(platform.nodes_huge "${P}/nodes-huge.yaml:2: 'nodes': '1.0e13' is too large"
          ${RUN} --platform ${P}/nodes-huge.yaml)
bad_input(platform.efficiency_unknown_type "${P}/efficiency-unknown-type.yaml: 'node.efficiency.atention': unknown layer type 'atention' (did you mean 'attention'?)"
          ${RUN} --platform ${P}/efficiency-unknown-type.yaml)
bad_input(platform.efficiency_map_default "${P}/efficiency-map-without-default.yaml:3: 'node.efficiency.default': is missing"
          ${RUN} --platform ${P}/efficiency-map-without-default.yaml)
bad_input(platform.memory_bandwidth_zero "${P}/memory-bandwidth-zero.yaml:3: 'node.memory_bandwidth': expected a number in [1, 1e+30], got '0'"
          ${RUN} --platform ${P}/memory-bandwidth-zero.yaml)
bad_input(platform.memory_efficiency "${P}/memory-efficiency-above-one.yaml:3: 'node.memory_efficiency': expected a number in [1e-06, 1], got '2'"
          ${RUN} --platform ${P}/memory-efficiency-above-one.yaml)
bad_input(platform.efficiency "${P}/efficiency-above-one.yaml:3: 'node.efficiency': expected a number in [1e-06, 1], got '1.5'"
          ${RUN} --platform ${P}/efficiency-above-one.yaml)
bad_input(platform.flops_tiny "${P}/flops-tiny.yaml:3: 'node.flops': expected a number in [1, 1e+30], got '1.0e-300'"
          ${RUN} --platform ${P}/flops-tiny.yaml)
bad_input(platform.memory_zero "${P}/memory-zero.yaml:3: 'node.memory': expected a positive number, got '0'"
          ${RUN} --platform ${P}/memory-zero.yaml)
bad_input(platform.bandwidth_text "${P}/bandwidth-text.yaml:4: 'network.bandwidth': expected a number in [1, 1e+30], got 'fast'"
          ${RUN} --platform ${P}/bandwidth-text.yaml)
bad_input(platform.latency_negative "${P}/latency-negative.yaml:4: 'network.latency': expected a number in [0, 1], got '-1.0e-6'"
          ${RUN} --platform ${P}/latency-negative.yaml)
bad_input(platform.duplicate_key "${P}/duplicate-key.yaml:6: 'node.flops': duplicate key; line 4 already sets it"
          ${RUN} --platform ${P}/duplicate-key.yaml)
bad_input(platform.crossbar_extra_section "${P}/crossbar-extra-section.yaml:8: 'network.torus': unknown key; expected one of: topology, latency, bandwidth"
          ${RUN} --platform ${P}/crossbar-extra-section.yaml)
bad_input(platform.fat_tree_missing "${P}/fat-tree-section-missing.yaml:4: 'network.fat_tree': is missing"
          ${RUN} --platform ${P}/fat-tree-section-missing.yaml)
bad_input(platform.fat_tree_levels "${P}/fat-tree-levels.yaml:8: 'network.fat_tree.up': expected 2 values (one per level), got 1"
          ${RUN} --platform ${P}/fat-tree-levels.yaml)
bad_input(platform.fat_tree_leaves "${P}/fat-tree-leaves.yaml:8: 'network.fat_tree.down': the product of down (8) is the number of leaves and must equal nodes = 16"
          ${RUN} --platform ${P}/fat-tree-leaves.yaml)
bad_input(platform.fat_tree_overflow "${P}/fat-tree-overflow.yaml:8: 'network.fat_tree.down': the product of down (more than 2^40"
          ${RUN} --platform ${P}/fat-tree-overflow.yaml)
bad_input(platform.torus_dims "${P}/torus-dims.yaml:8: 'network.torus.dims': the product of dims (12) must equal nodes = 16"
          ${RUN} --platform ${P}/torus-dims.yaml)
bad_input(platform.torus_two_ones "${P}/torus-two-ones.yaml:8: 'network.torus.dims': SimGrid 3.32 aborts on a torus with two dimensions of size 1"
          simulate mlp --procs 4 --strategy batch --platform ${P}/torus-two-ones.yaml)
bad_input(platform.torus_key_typo "${P}/torus-key-typo.yaml:8: 'network.torus.dim': unknown key (did you mean 'dims'?)"
          ${RUN} --platform ${P}/torus-key-typo.yaml)
bad_input(platform.dragonfly_count "${P}/dragonfly-count.yaml:8: 'network.dragonfly': groups x chassis x routers x nodes = 24 must equal nodes = 16"
          ${RUN} --platform ${P}/dragonfly-count.yaml)
bad_input(platform.dragonfly_int "${P}/dragonfly-int-too-large.yaml:8: 'network.dragonfly.groups': 3000000000 is too large; expected at most 2147483647"
          ${RUN} --platform ${P}/dragonfly-int-too-large.yaml)
bad_input(platform.hierarchical_inter "${P}/hierarchical-inter.yaml:8: 'network.hierarchical.inter': unknown inter-node topology 'fattree' (did you mean 'fat-tree'?)"
          ${RUN} --platform ${P}/hierarchical-inter.yaml)
bad_input(platform.hierarchical_hosts "${P}/hierarchical-too-many-hosts.yaml:8: 'network.hierarchical.accelerators': nodes x accelerators is more than 2^40"
          ${RUN} --platform ${P}/hierarchical-too-many-hosts.yaml)
bad_input(platform.missing_file "tests/data/bad/platform/no-such.yaml: platform file not found"
          ${RUN} --platform tests/data/bad/platform/no-such.yaml)

# ---- plan files (for workloads/mlp.yaml) ------------------------------------------------
set(PLAN analytic mlp --platform crossbar --plan)
bad_input(plan.wrong_workload "${L}/wrong-workload.yaml:1: 'workload': this plan is for workload 'alexnet', not 'mlp'"
          ${PLAN} ${L}/wrong-workload.yaml)
bad_input(plan.strategy_typo "${L}/strategy-typo.yaml:3: 'strategy': unknown strategy 'intergrated' (did you mean 'integrated'?)"
          ${PLAN} ${L}/strategy-typo.yaml)
bad_input(plan.grid_missing "${L}/grid-missing.yaml:1: 'grid': is missing; strategy hybrid needs a grid PRxPC"
          ${PLAN} ${L}/grid-missing.yaml)
bad_input(plan.grid_procs "${L}/grid-procs.yaml:2: 'grid': grid 2x4 has 8 processes, but procs = 4"
          ${PLAN} ${L}/grid-procs.yaml)
bad_input(plan.grid_text "${L}/grid-text.yaml:2: 'grid': expected a grid PRxPC such as 8x64, got '2 by 2'"
          ${PLAN} ${L}/grid-text.yaml)
bad_input(plan.layer_unknown "${L}/layer-unknown.yaml:5: 'layers.fc9': workload 'mlp' has no layer 'fc9' (did you mean 'fc1'?)"
          ${PLAN} ${L}/layer-unknown.yaml)
bad_input(plan.layer_takes_no_kind "${L}/layer-takes-no-kind.yaml:5: 'layers.relu1': a relu layer keeps its input's kind and grid"
          ${PLAN} ${L}/layer-takes-no-kind.yaml)
bad_input(plan.kind_typo "${L}/kind-typo.yaml:5: 'layers.fc2.kind': unknown kind 'modle' (did you mean 'model'?)"
          ${PLAN} ${L}/kind-typo.yaml)
bad_input(plan.column_on_conv "${L}/column-on-conv.yaml:5: 'layers.conv1': kinds column and row split linear layers and embeddings, not a conv2d layer"
          analytic alexnet --platform crossbar --plan ${L}/column-on-conv.yaml)
bad_input(plan.kind_grid "${L}/kind-grid.yaml:5: 'layers.fc1.grid': kind batch is the grid 1x4, got 2x2"
          ${PLAN} ${L}/kind-grid.yaml)
bad_input(plan.layer_key_typo "${L}/layer-key-typo.yaml:5: 'layers.fc1.knd': unknown key (did you mean 'kind'?)"
          ${PLAN} ${L}/layer-key-typo.yaml)
bad_input(plan.layer_twice "${L}/layer-twice.yaml:6: 'layers.fc1': duplicate key; line 5 already sets it"
          ${PLAN} ${L}/layer-twice.yaml)
bad_input(plan.procs_zero "${L}/procs-zero.yaml:1: 'procs': expected a positive integer, got '0'"
          ${PLAN} ${L}/procs-zero.yaml)
bad_input(plan.procs_option "${L}/procs-4.yaml: 'procs': the plan is for 4 processes, --procs says 8"
          ${PLAN} ${L}/procs-4.yaml --procs 8)
bad_input(plan.beyond_platform "'nodes': P = 2048 processes, but platform 'fat-tree' has 512 hosts"
          analytic mlp --platform fat-tree --plan ${L}/procs-beyond-platform.yaml --batch 4096)
bad_input(plan.with_grid "'--plan': a plan file sets the grid and the kinds; drop --grid and --strategy"
          ${PLAN} ${L}/procs-4.yaml --grid 2x2)
bad_input(plan.missing_file "tests/data/bad/plan/no-such.yaml: plan file not found"
          ${PLAN} ${L}/no-such.yaml)

# ---- sweep files -----------------------------------------------------------------------
set(SWEEP_OUT ${BAD_OUTPUTS}/sweep.csv)
bad_input(sweep.key_typo "${S}/key-typo.yaml:2: 'platform': unknown key (did you mean 'platforms'?)"
          sweep ${S}/key-typo.yaml -o ${SWEEP_OUT})
bad_input(sweep.workload_unknown "${S}/workload-unknown.yaml:1: 'workloads': alexnte: workload file not found (did you mean 'alexnet'?)"
          sweep ${S}/workload-unknown.yaml -o ${SWEEP_OUT})
bad_input(sweep.workload_broken "${W}/inputs-typo.yaml:6: 'layer 'r1'.inputs': no layer is called 'cnov1'"
          NO_FILE ${SWEEP_OUT} sweep ${S}/workload-broken.yaml -o ${SWEEP_OUT})
bad_input(sweep.strategy_typo "${S}/strategy-typo.yaml:4: 'strategies': unknown strategy 'hybird' (did you mean 'hybrid'?)"
          sweep ${S}/strategy-typo.yaml -o ${SWEEP_OUT})
bad_input(sweep.grid_matches_no_procs "${S}/grid-matches-no-procs.yaml:4: 'grids': grid 8x8 has 64 processes, which is none of procs"
          sweep ${S}/grid-matches-no-procs.yaml -o ${SWEEP_OUT})
bad_input(sweep.collective_typo "${S}/collective-typo.yaml:6: 'collective': unknown algorithm 'rign' (did you mean 'ring'?)"
          sweep ${S}/collective-typo.yaml -o ${SWEEP_OUT})
bad_input(sweep.placement_typo "${S}/placement-typo.yaml:6: 'placement': unknown placement 'colum' (did you mean 'column'?)"
          sweep ${S}/placement-typo.yaml -o ${SWEEP_OUT})
bad_input(sweep.engine_typo "${S}/engine-typo.yaml:5: 'engine': unknown engine 'simgird' (did you mean 'simgrid'?)"
          sweep ${S}/engine-typo.yaml -o ${SWEEP_OUT})
bad_input(sweep.scale_range "${S}/scale-range.yaml:5: 'overrides.bandwidth_scale': expected numbers in [1e-9, 1e9], found '0'"
          sweep ${S}/scale-range.yaml -o ${SWEEP_OUT})
bad_input(sweep.procs_text "${S}/procs-text.yaml:3: 'procs': expected positive integers up to 2^40 = 1099511627776, found 'eight'"
          sweep ${S}/procs-text.yaml -o ${SWEEP_OUT})
bad_input(sweep.overlap_not_boolean "${S}/overlap-not-boolean.yaml:5: 'overlap': expected true or false, got 'sometimes'"
          sweep ${S}/overlap-not-boolean.yaml -o ${SWEEP_OUT})
bad_input(sweep.duplicate_key "${S}/duplicate-key.yaml:5: 'procs': duplicate key; line 3 already sets it"
          sweep ${S}/duplicate-key.yaml -o ${SWEEP_OUT})
bad_input(sweep.too_many_rows "${S}/too-many-rows.yaml: the sweep has more than 1000000 configurations"
          NO_FILE ${SWEEP_OUT} sweep ${S}/too-many-rows.yaml -o ${SWEEP_OUT})
bad_input(sweep.schedule_typo "${S}/schedule-typo.yaml:5: 'schedules': expected gpipe, 1f1b or interleaved:V, found 'interleaved:1'"
          sweep ${S}/schedule-typo.yaml -o ${SWEEP_OUT})
bad_input(sweep.zero_range "${S}/zero-range.yaml:5: 'zero': expected ZeRO stages 0 to 3, found '4'"
          sweep ${S}/zero-range.yaml -o ${SWEEP_OUT})
bad_input(sweep.stages_with_grids "${S}/stages-with-grids.yaml:5: 'stages': with a list of grids, write each grid's stages in it as PRxPCxPP"
          sweep ${S}/stages-with-grids.yaml -o ${SWEEP_OUT})
bad_input(sweep.sequence_parallel_not_boolean "${S}/sequence-parallel-not-boolean.yaml:5: 'sequence_parallel': expected true or false, found 'yes'"
          sweep ${S}/sequence-parallel-not-boolean.yaml -o ${SWEEP_OUT})
bad_input(sweep.missing_file "tests/data/bad/sweep/no-such.yaml: sweep file not found"
          sweep ${S}/no-such.yaml -o ${SWEEP_OUT})

# ---- command-line options --------------------------------------------------------------
bad_input(option.procs_zero "'--procs': expected a whole number in [1, 2^40 = 1099511627776], got '0'"
          analytic mlp --platform crossbar --procs 0 --strategy batch)
bad_input(option.procs_negative "'--procs': expected a whole number written in decimal digits in [1, 2^40 = 1099511627776], got '-4'"
          analytic mlp --platform crossbar --procs -4 --strategy batch)
bad_input(option.procs_text "'--procs': expected a whole number written in decimal digits in [1, 2^40 = 1099511627776], got 'four'"
          analytic mlp --platform crossbar --procs four --strategy batch)
# Integers are decimal: CLI11 alone read 0x10 as 16 (and 010 as 8: cli.procs_leading_zero).
bad_input(option.procs_hexadecimal "'--procs': expected a whole number written in decimal digits in [1, 2^40 = 1099511627776], got '0x10'"
          analytic mlp --platform crossbar --procs 0x10 --strategy batch)
bad_input(option.procs_exponent "got '1e3'" analytic mlp --platform crossbar --procs 1e3 --strategy batch)
# Beyond 64 bits: quoted as typed, not clamped to 9223372036854775807.
bad_input(option.procs_beyond_64_bits "'--procs': expected a whole number in [1, 2^40 = 1099511627776], got '99999999999999999999'"
          analytic mlp --platform crossbar --procs 99999999999999999999 --strategy batch)
bad_input(option.optimize_procs "'--procs': expected a whole number in [1, 2^40 = 1099511627776], got '0'"
          optimize mlp --platform crossbar --procs 0)
bad_input(option.batch_huge "'--batch': expected a whole number in [1, 2^40 = 1099511627776], got '2000000000000'"
          info mlp --batch 2000000000000)
bad_input(option.optimize_kinds_only_stages "'--kinds-only': the per-layer search runs one stage of one microbatch; drop the stages, --microbatches or --schedule"
          optimize mlp --platform crossbar --procs 4 --kinds-only --microbatches 4)
bad_input(option.optimize_grid_product "'--grid': expected PRxPC or PRxPCxPP with a product of 8, got '2x2x3'"
          optimize mlp --platform crossbar --procs 8 --grid 2x2x3)
bad_input(option.optimize_schedule "'--schedule': expected gpipe, 1f1b or interleaved:V (V >= 2 chunks per stage), got 'zigzag'"
          optimize mlp --platform crossbar --procs 8 --schedule zigzag)
bad_input(option.optimize_recompute "'--recompute': unknown recomputation 'ful' (did you mean 'full'?)"
          optimize mlp --platform crossbar --procs 8 --recompute ful)
bad_input(option.optimize_recompute_without_blocks "'--recompute': full recomputation reruns transformer blocks (block<i>.*), and alexnet has none"
          optimize alexnet --platform crossbar --procs 4 --recompute full)
bad_input(option.top_zero "'--top': expected a whole number in [1, 2^40 = 1099511627776], got '0'"
          optimize mlp --platform crossbar --procs 4 --top 0)
# An empty value (CMake drops empty arguments, so a shell passes it).
add_test(NAME cli.bad.option.network_model_empty
         COMMAND sh -c "\"$0\" simulate mlp --platform crossbar --procs 4 --strategy batch --network-model ''"
                 $<TARGET_FILE:dnnsim>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(cli.bad.option.network_model_empty PROPERTIES WILL_FAIL FALSE
  PASS_REGULAR_EXPRESSION "^dnnsim: error: '--network-model': expected a SimGrid network model \\(CM02, LV08, SMPI or IB\\), got nothing\n$")
bad_input(option.trace_is_output "'--trace': --trace and --output name the same file; give each its own"
          NO_FILE ${BAD_OUTPUTS}/same.json
          simulate mlp --platform crossbar --procs 4 --strategy batch --trace ${BAD_OUTPUTS}/same.json
          -o ${BAD_OUTPUTS}/./same.json)
bad_input(option.grid_huge "'--grid': expected PRxPC (e.g. 8x64), PRxPCxPP or 'all', got '2000000x2000000'"
          analytic mlp --platform crossbar --grid 2000000x2000000 --strategy integrated)
bad_input(option.strategy_typo "'--strategy': unknown strategy 'intergrated' (did you mean 'integrated'?)"
          analytic mlp --platform crossbar --procs 4 --grid 2x2 --strategy intergrated)
bad_input(option.format_typo "'--format': unknown format 'jsn' (did you mean 'json'?)" info mlp --format jsn)
bad_input(option.taskgraph_format "'--format': unknown format 'csv'; expected one of: json, dot"
          taskgraph mlp --procs 4 --strategy batch --format csv)
bad_input(option.optimize_format "'--format': unknown format 'csv'; expected one of: table, json"
          optimize mlp --platform crossbar --procs 4 --format csv)
bad_input(option.collective_typo "'--collective': unknown algorithm 'rign' (did you mean 'ring'?)"
          simulate mlp --platform crossbar --procs 4 --strategy batch --collective rign)
bad_input(option.optimize_collective "'--collective': unknown algorithm 'brook' (did you mean 'bruck'?)"
          optimize mlp --platform crossbar --procs 4 --collective brook)
# An algorithm that exists but has no schedule for the grid's groups: refused before the
# replay starts (it used to abort inside a rank), and before the SMPI export writes anything.
bad_input(option.collective_unfit_group "'--collective': no 'recursive' allreduce for a group of 6 processes; 'auto' fits every group"
          simulate mlp --platform crossbar --procs 6 --strategy batch --collective recursive)
bad_input(option.collective_unfit_kind "'--collective': no 'binomial' allgather for a group of 2 processes"
          simulate mlp --platform crossbar --procs 4 --grid 2x2 --collective binomial)
bad_input(option.placement_typo "'--placement': unknown placement 'colum' (did you mean 'column'?)"
          simulate mlp --platform crossbar --procs 4 --strategy batch --placement colum)
bad_input(option.network_model_typo "unknown network model 'LV8' (did you mean 'LV08'?)"
          simulate mlp --platform fat-tree --procs 4 --strategy batch --network-model LV8)
bad_input(option.network_model_constant "'--network-model': SimGrid's Constant model has no links"
          simulate mlp --platform crossbar --procs 4 --strategy batch --network-model Constant)
bad_input(option.engine_typo "'--engine': unknown engine 'simgird' (did you mean 'simgrid'?)"
          optimize mlp --platform crossbar --procs 4 --engine simgird)
bad_input(option.log_level_typo "'--log-level': unknown log level 'debg' (did you mean 'debug'?)"
          --log-level debg info mlp)
bad_input(option.rank "'--rank': expected a rank in [0, 4), got 4" taskgraph mlp --procs 4 --strategy batch --rank 4)
bad_input(option.jobs "'--jobs': expected a whole number in [1, 4096], got '0'" sweep tests/data/sweep-small.yaml -o ${SWEEP_OUT} --jobs 0)
bad_input(option.shard "'--shard': expected K/N with 0 <= K < N, got '2/2'"
          sweep tests/data/sweep-small.yaml -o ${SWEEP_OUT} --shard 2/2)
bad_input(option.optimize_trace "'--trace': optimize times many candidates"
          optimize mlp --platform crossbar --procs 4 --trace ${BAD_OUTPUTS}/optimize-trace.json)
bad_input(option.xml_platform_analytic "'--platform': a SimGrid XML platform has no alpha, beta or flops"
          analytic mlp --platform tests/data/tiny-platform.xml --procs 2 --strategy batch)
bad_input(option.output_directory "${BAD_OUTPUTS}: '--output': is a directory" info mlp -o ${BAD_OUTPUTS})
bad_input(option.output_missing_directory "'--output': cannot write here: the directory '${BAD_OUTPUTS}/no-such-dir' does not exist"
          info mlp -o ${BAD_OUTPUTS}/no-such-dir/info.json)
bad_input(option.trace_missing_directory "'--trace': cannot write here: the directory '${BAD_OUTPUTS}/no-such-dir' does not exist"
          simulate mlp --platform crossbar --procs 4 --strategy batch --trace ${BAD_OUTPUTS}/no-such-dir/t.json)

# Outputs: only regular files (never a device replaced by a file), only where this process
# can create a file, with the system's reason (even root may not write in sysfs).
bad_input(option.output_device "/dev/null: '--output': is not a regular file (a device, FIFO or socket); dnnsim writes results only to regular files"
          info mlp -o /dev/null)
bad_input(option.output_unwritable "/sys/dnnsim-info.json: '--output': cannot write here: Permission denied"
          info mlp -o /sys/dnnsim-info.json)
bad_input(option.trace_device "/dev/full: '--trace': is not a regular file"
          simulate mlp --platform crossbar --procs 4 --strategy batch --trace /dev/full)

# Huge but valid platforms: refused with their size before SimGrid builds anything (it
# needs about 1.5 kB per element), within a second and a few dozen MB.
foreach(huge fat-tree torus dragonfly hierarchical)
  bad_input(platform.huge_${huge} "${P}/${huge}-huge.yaml: 'network': SimGrid would build "
            simulate mlp --platform ${P}/${huge}-huge.yaml --procs 2 --strategy batch)
endforeach()
bad_input(platform.huge_counts "${P}/fat-tree-huge.yaml: 'network': SimGrid would build 16,777,216 hosts, 196,608 switches and 50,331,648 links for this fat-tree platform (67,305,472 elements); dnnsim's SimGrid engine builds up to 2^20 = 1,048,576"
          simulate mlp --platform ${P}/fat-tree-huge.yaml --procs 2 --strategy batch)

# ---- special input files: only regular files, at most 64 MiB -----------------------------
bad_input(input.device "/dev/zero: is not a regular file (a device, FIFO or socket); expected a workload file"
          info /dev/zero)
bad_input(input.device_platform "/dev/zero: is not a regular file (a device, FIFO or socket); expected a platform file"
          ${RUN} --platform /dev/zero)
bad_input(input.device_plan "/dev/zero: is not a regular file (a device, FIFO or socket); expected a plan file"
          analytic mlp --platform crossbar --plan /dev/zero)
bad_input(input.device_sweep "/dev/zero: is not a regular file (a device, FIFO or socket); expected a sweep file"
          sweep /dev/zero -o ${SWEEP_OUT})
bad_input(workload.two_documents "${W}/two-documents.yaml:6: a second YAML document starts here; a workload file holds one document"
          info ${W}/two-documents.yaml)

# ---- SimGrid XML platforms: what SimGrid refuses or crashes on, in one line --------------
set(X tests/data/bad/xml)
# (SimGrid dies of signal 11; under AddressSanitizer, of ASan's report with status 1.)
bad_input(xml.no_route ": no route from host 'host1' to host 'host2'; the ranks need a route between every pair of hosts they use"
          simulate mlp --platform ${X}/no-route.xml --procs 2 --strategy batch)
bad_input(xml.missing_route "${X}/missing-route.xml: SimGrid stopped by signal 6 (Aborted): You're trying to send data from host1 to host10 but there is no connecting path between these two hosts."
          simulate mlp --platform ${X}/missing-route.xml --procs 3 --strategy batch)
bad_input(xml.unknown_model "${X}/unknown-model.xml: SimGrid stopped by signal 6 (Aborted): Model 'Bogus' is invalid! Valid models are: LV08, Constant, SMPI, IB, CM02, ns-3."
          simulate mlp --platform ${X}/unknown-model.xml --procs 2 --strategy batch)
bad_input(xml.zero_speed "${X}/zero-speed.xml: 'host 'host1'': speed 0 flop/s; a host that runs a rank needs a positive speed"
          simulate mlp --platform ${X}/zero-speed.xml --procs 2 --strategy batch)
bad_input(xml.zero_bandwidth "${X}/zero-bandwidth.xml: 'link 'wire'': bandwidth 0 B/s; every link needs a positive bandwidth"
          simulate mlp --platform ${X}/zero-bandwidth.xml --procs 2 --strategy batch)
bad_input(xml.config_key_typo "${X}/config-key-typo.xml: SimGrid cannot load this platform: unknown SimGrid configuration key 'network/crosstrafic' (did you mean 'network/crosstraffic'?)"
          simulate mlp --platform ${X}/config-key-typo.xml --procs 2 --strategy batch)
bad_input(xml.too_few_hosts "tests/data/tiny-platform.xml: P = 4 processes, but platform 'tiny-platform' has 3 hosts"
          simulate mlp --platform tests/data/tiny-platform.xml --procs 4 --strategy batch)
bad_input(xml.optimize_analytic "'--platform': a SimGrid XML platform has no alpha, beta or flops for the analytic engine; add --engine simgrid"
          optimize mlp --platform tests/data/tiny-platform.xml --procs 2)

# ---- a failed run leaves no output file ------------------------------------------------
bad_input(no_output.analytic_limit "layer 'conv1': model parallelism needs Pr <= out_channels"
          NO_FILE ${BAD_OUTPUTS}/analytic.json
          analytic alexnet --platform crossbar --procs 128 --strategy model --format json
          -o ${BAD_OUTPUTS}/analytic.json)
bad_input(no_output.info_bad_workload "'layer 'r1'.inputs': no layer is called 'cnov1'"
          NO_FILE ${BAD_OUTPUTS}/info.csv info ${W}/inputs-typo.yaml --format csv -o ${BAD_OUTPUTS}/info.csv)
bad_input(no_output.simulate_limit "layer 'fc1': batch parallelism needs Pc <= B"
          NO_FILE ${BAD_OUTPUTS}/simulate.json
          simulate mlp --platform crossbar --procs 8 --strategy batch --batch 4
          -o ${BAD_OUTPUTS}/simulate.json --trace ${BAD_OUTPUTS}/simulate.json.trace)
bad_input(no_output.simulate_platform "SimGrid 3.32's dragonfly"
          NO_FILE ${BAD_OUTPUTS}/dragonfly.json
          simulate mlp --platform tests/data/dragonfly-too-many-groups.yaml --procs 2 --strategy batch
          -o ${BAD_OUTPUTS}/dragonfly.json --trace ${BAD_OUTPUTS}/dragonfly.json.trace)
bad_input(no_output.optimize_plan "no plan of alexnet on 4096 processes fits the model's limits"
          NO_FILE ${BAD_OUTPUTS}/plan.yaml
          optimize alexnet --platform crossbar --procs 4096 --batch 1 -o ${BAD_OUTPUTS}/plan.yaml)
bad_input(no_output.sweep_spec "${S}/grid-matches-no-procs.yaml:4: 'grids'"
          NO_FILE ${SWEEP_OUT} sweep ${S}/grid-matches-no-procs.yaml -o ${SWEEP_OUT})
bad_input(no_output.smpi_export_collective "'--collective': no 'recursive' allreduce for a group of 6 processes"
          NO_FILE ${BAD_OUTPUTS}/smpi-export-recursive
          taskgraph mlp --platform crossbar --procs 6 --strategy batch --collective recursive
          --export smpi ${BAD_OUTPUTS}/smpi-export-recursive)
bad_input(no_output.smpi_export "'network.topology': exporting a hierarchical platform as SimGrid XML is not supported"
          NO_FILE ${BAD_OUTPUTS}/smpi-export
          taskgraph mlp --platform dgx-h100 --procs 4 --strategy batch --export smpi ${BAD_OUTPUTS}/smpi-export)
