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
cli_test(analytic.plan_file ARGS analytic alexnet --platform crossbar --plan tests/data/alexnet-plan.yaml
         --format json PASS "\"strategy\": \"plan\"")
cli_test(analytic.domain_past_batch ARGS analytic alexnet --platform crossbar --procs 512 --grid 4x128
         --strategy domain --batch 128 PASS "iteration")

# Integers on the command line are decimal: 010 is ten processes (CLI11 alone read octal 8).
cli_test(procs_leading_zero ARGS analytic mlp --platform crossbar --procs 010 --strategy batch
         --format json PASS "\"procs\": 10,")
