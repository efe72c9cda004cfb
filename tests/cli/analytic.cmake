# The analytic engine through the CLI; values are checked in detail by the unit tests.
cli_test(analytic.json_contract ARGS analytic alexnet --platform crossbar --procs 64 --grid 8x8
         --strategy integrated --format json
         PASS "\"engine\": \"analytic\".*\"grid\": {.*\"pr\": 8,.*\"pc\": 8.*\"comm_bytes\"")
cli_test(analytic.grid_all_marks_best ARGS analytic alexnet --platform crossbar --procs 64 --grid all
         PASS "<- best")
cli_test(analytic.batch_default_grid ARGS analytic mlp --platform crossbar --procs 4 --strategy batch
         --format json PASS "\"pr\": 1,.*\"pc\": 4")
cli_test(analytic.csv_rows ARGS analytic mlp --platform crossbar --procs 4 --strategy model --format csv
         PASS "analytic,mlp,crossbar,512,4,4,1,model,fc1,linear,model")
# A plan file naming column and row kinds with sequence parallelism: the c_proj all-reduce
# becomes a reduce-scatter of 4 * 8 * 1024 * 1024 B = 33.55 MB over 4: 1 us * 2 + 0.75 *
# 33554432 / 10 GB/s = 2.5186 ms forward, as the tensor strategy gives.
cli_test(analytic.tensor_plan_file ARGS analytic transformer-block --platform crossbar
         --plan tests/data/transformer-tensor-plan.yaml --format csv
         PASS "plan,attn.c_proj,linear,row,[0-9.e-]+,[0-9.e-]+,0.0025185[0-9]*,")
# A plan file naming pipeline stages, their first layers, ZeRO and buckets (docs/plans.md).
cli_test(analytic.pipeline_plan_file ARGS analytic tests/data/pipeline-chain.yaml --platform
         crossbar --plan tests/data/pipeline-plan.yaml --format json
         PASS "\"pp\": 4")
cli_test(analytic.plan_file ARGS analytic alexnet --platform crossbar --plan tests/data/alexnet-plan.yaml
         --format json PASS "\"strategy\": \"plan\"")
cli_test(analytic.domain_past_batch ARGS analytic alexnet --platform crossbar --procs 512 --grid 4x128
         --strategy domain --batch 128 PASS "iteration")

# Integers on the command line are decimal: 010 is ten processes (CLI11 alone read octal 8).
cli_test(procs_leading_zero ARGS analytic mlp --platform crossbar --procs 010 --strategy batch
         --format json PASS "\"procs\": 10,")
