# Tests of the Python side (analysis/): a figure per plot kind drawn from the fixtures of
# tests/data/analysis/, clean failures, the unit tests of the selection rules, and the
# report opened in headless Chromium. Always Debian's interpreter: the python3 first on
# some PATHs is another build without python3-matplotlib.
set(DNNSIM_PYTHON /usr/bin/python3 CACHE FILEPATH "Debian's Python 3, with python3-matplotlib")

set(ANALYSIS_DIR ${CMAKE_SOURCE_DIR}/analysis)
set(ANALYSIS_TESTS ${CMAKE_CURRENT_LIST_DIR})
set(ANALYSIS_DATA ${CMAKE_SOURCE_DIR}/tests/data/analysis)
set(ANALYSIS_OUT ${CMAKE_CURRENT_BINARY_DIR}/analysis)
# No __pycache__ in the source tree; matplotlib's cache in the build tree, so a fresh
# machine does not print "building the font cache" into the tests' output.
set(ANALYSIS_ENV PYTHONDONTWRITEBYTECODE=1 MPLCONFIGDIR=${ANALYSIS_OUT}/mplconfig
                 PYTHONPATH=${CMAKE_SOURCE_DIR})

# analysis_plot(name KIND INPUT [options...]): plot.py draws OUTPUT = <name>.png.
function(analysis_plot name kind input)
  set(output ${ANALYSIS_OUT}/${name}.png)
  add_test(NAME analysis.plot.${name}
           COMMAND ${CMAKE_COMMAND} "-DOUTPUT=${output}" -DMIN_BYTES=15000
                   "-DCOMMAND=${DNNSIM_PYTHON};${ANALYSIS_DIR}/plot.py;${kind};--input;${input};${ARGN};--output;${output}"
                   -P ${ANALYSIS_TESTS}/expect_png.cmake)
  set_tests_properties(analysis.plot.${name} PROPERTIES LABELS analysis
                       ENVIRONMENT "${ANALYSIS_ENV}")
endfunction()

# analysis_failure(name EXPECT OUTPUT script-arguments...): exits 1 with EXPECT, writes nothing.
function(analysis_failure name expect output)
  add_test(NAME analysis.error.${name}
           COMMAND ${CMAKE_COMMAND} "-DOUTPUT=${output}" "-DEXPECT=${expect}"
                   "-DCOMMAND=${DNNSIM_PYTHON};${ARGN}"
                   -P ${ANALYSIS_TESTS}/expect_failure.cmake)
  set_tests_properties(analysis.error.${name} PROPERTIES LABELS analysis
                       ENVIRONMENT "${ANALYSIS_ENV}")
endfunction()

analysis_plot(comm_vs_pr comm-vs-pr ${ANALYSIS_DATA}/sweep.csv --platform cori-knl)
analysis_plot(scaling scaling ${ANALYSIS_DATA}/sweep.csv --platform cori-knl)
analysis_plot(layers layers ${ANALYSIS_DATA}/layers.csv --strategy hybrid)
analysis_plot(what_if what-if ${ANALYSIS_DATA}/sweep.csv)
analysis_plot(timeline timeline ${ANALYSIS_DATA}/trace.json --ranks 3)
analysis_plot(layers_plan layers ${ANALYSIS_DATA}/layers-plan.csv)
analysis_plot(comm_vs_pr_simgrid comm-vs-pr ${ANALYSIS_DATA}/sweep-paper.csv --engine simgrid
              --batch 2048)

analysis_failure(empty_selection "plot.py: error: .*no configuration has --workload resnet50 \\(the input holds workloads: alexnet\\)"
                 ${ANALYSIS_OUT}/empty.png ${ANALYSIS_DIR}/plot.py scaling
                 --input ${ANALYSIS_DATA}/sweep.csv --workload resnet50
                 --output ${ANALYSIS_OUT}/empty.png)
analysis_failure(ambiguous_selection "several platforms \\(cori-knl, crossbar\\); choose one with --platform"
                 ${ANALYSIS_OUT}/ambiguous.png ${ANALYSIS_DIR}/plot.py comm-vs-pr
                 --input ${ANALYSIS_DATA}/sweep.csv --output ${ANALYSIS_OUT}/ambiguous.png)
analysis_failure(wrong_input "not a sweep CSV: the header lacks"
                 ${ANALYSIS_OUT}/wrong.png ${ANALYSIS_DIR}/plot.py scaling
                 --input ${ANALYSIS_DATA}/layers.csv --output ${ANALYSIS_OUT}/wrong.png)
analysis_failure(report_empty_selection "report.py: error: .*no configuration has --platform tpu-pod"
                 ${ANALYSIS_OUT}/empty.html ${ANALYSIS_DIR}/report.py
                 --sweep ${ANALYSIS_DATA}/sweep.csv --platform tpu-pod
                 --output ${ANALYSIS_OUT}/empty.html)

# analysis_bad_input(name MESSAGE OUTPUT script arguments...): run in the source tree on a
# malformed file of tests/data/analysis/bad/, the script prints exactly MESSAGE, one line
# naming the file, the line and the column, and exits 1 without writing OUTPUT.
function(analysis_bad_input name message output script)
  add_test(NAME analysis.bad.${name}
           COMMAND ${CMAKE_COMMAND} "-DOUTPUT=${output}" "-DEXACT=${message}"
                   "-DCOMMAND=${DNNSIM_PYTHON};${ANALYSIS_DIR}/${script};${ARGN}"
                   -P ${ANALYSIS_TESTS}/expect_failure.cmake
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(analysis.bad.${name} PROPERTIES LABELS analysis
                       ENVIRONMENT "${ANALYSIS_ENV}")
endfunction()

set(BAD tests/data/analysis/bad)
analysis_bad_input(sweep_procs_zero
  "plot.py: error: ${BAD}/sweep-procs-zero.csv:3: column procs: expected an integer from 1 to 2^40, got '0'"
  ${ANALYSIS_OUT}/bad.png plot.py scaling --input ${BAD}/sweep-procs-zero.csv
  --output ${ANALYSIS_OUT}/bad.png)
analysis_bad_input(report_sweep_procs_zero
  "report.py: error: ${BAD}/sweep-procs-zero.csv:3: column procs: expected an integer from 1 to 2^40, got '0'"
  ${ANALYSIS_OUT}/bad.html report.py --sweep ${BAD}/sweep-procs-zero.csv
  --output ${ANALYSIS_OUT}/bad.html)
analysis_bad_input(sweep_batch_missing
  "plot.py: error: ${BAD}/sweep-batch-missing.csv:3: column batch: expected an integer from 1 to 2^40, got ''"
  ${ANALYSIS_OUT}/bad.png plot.py comm-vs-pr --input ${BAD}/sweep-batch-missing.csv
  --output ${ANALYSIS_OUT}/bad.png)
analysis_bad_input(sweep_comm_not_a_number
  "report.py: error: ${BAD}/sweep-comm-not-a-number.csv:3: column comm_s: expected a number, got 'fast'"
  ${ANALYSIS_OUT}/bad.html report.py --sweep ${BAD}/sweep-comm-not-a-number.csv
  --output ${ANALYSIS_OUT}/bad.html)
analysis_bad_input(sweep_scale_zero
  "plot.py: error: ${BAD}/sweep-scale-zero.csv:3: column bandwidth_scale: expected a positive number, got '0'"
  ${ANALYSIS_OUT}/bad.png plot.py what-if --input ${BAD}/sweep-scale-zero.csv
  --output ${ANALYSIS_OUT}/bad.png)
analysis_bad_input(layers_procs_zero
  "plot.py: error: ${BAD}/layers-procs-zero.csv:3: column procs: expected an integer from 1 to 2^40, got '0'"
  ${ANALYSIS_OUT}/bad.png plot.py layers --input ${BAD}/layers-procs-zero.csv
  --output ${ANALYSIS_OUT}/bad.png)
analysis_bad_input(layers_bytes_missing
  "report.py: error: ${BAD}/layers-bytes-missing.csv:3: column comm_bytes: expected a number, got ''"
  ${ANALYSIS_OUT}/bad.html report.py --sweep tests/data/analysis/sweep.csv
  --layers ${BAD}/layers-bytes-missing.csv --output ${ANALYSIS_OUT}/bad.html)
analysis_bad_input(layers_compute_negative
  "plot.py: error: ${BAD}/layers-compute-negative.csv:3: column compute_s: expected a number >= 0, got '-0.5'"
  ${ANALYSIS_OUT}/bad.png plot.py layers --input ${BAD}/layers-compute-negative.csv
  --output ${ANALYSIS_OUT}/bad.png)
analysis_bad_input(trace_ts_nan
  "plot.py: error: ${BAD}/trace-ts-nan.json: traceEvents[1]: 'ts' must be a finite number, got nan"
  ${ANALYSIS_OUT}/bad.png plot.py timeline --input ${BAD}/trace-ts-nan.json
  --output ${ANALYSIS_OUT}/bad.png)

# The unit tests, one ctest case per test module.
file(GLOB ANALYSIS_UNIT_TESTS CONFIGURE_DEPENDS ${ANALYSIS_TESTS}/test_*.py)
foreach(path ${ANALYSIS_UNIT_TESTS})
  get_filename_component(module ${path} NAME_WE)
  add_test(NAME analysis.unit.${module}
           COMMAND ${DNNSIM_PYTHON} -m unittest discover -s ${ANALYSIS_TESTS}
                   -p ${module}.py -v
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(analysis.unit.${module} PROPERTIES LABELS analysis
                       ENVIRONMENT "${ANALYSIS_ENV}"
                       FAIL_REGULAR_EXPRESSION "Ran 0 tests")
endforeach()

# The whole report in a real browser: every image decoded, the page not blank.
add_test(NAME analysis.report.chromium
         COMMAND ${DNNSIM_PYTHON} ${ANALYSIS_TESTS}/check_report_in_chromium.py
                 --work-dir ${ANALYSIS_OUT}/chromium)
set_tests_properties(analysis.report.chromium PROPERTIES LABELS "analysis;chromium"
                     ENVIRONMENT "${ANALYSIS_ENV}" SKIP_RETURN_CODE 77 TIMEOUT 300)

# Only regular files: a device such as /dev/zero would be read forever.
analysis_bad_input(sweep_device
  "plot.py: error: /dev/zero: is not a regular file (a device, FIFO or socket); expected a sweep CSV file"
  ${ANALYSIS_OUT}/device.png plot.py scaling --input /dev/zero --output ${ANALYSIS_OUT}/device.png)
analysis_bad_input(trace_device
  "plot.py: error: /dev/zero: is not a regular file (a device, FIFO or socket); expected a trace file"
  ${ANALYSIS_OUT}/device.png plot.py timeline --input /dev/zero --output ${ANALYSIS_OUT}/device.png)

# The README's pipeline study: its summary line, as the README quotes it.
add_test(NAME analysis.pipeline_study
         COMMAND ${CMAKE_COMMAND} -E env ${ANALYSIS_ENV}
                 ${DNNSIM_PYTHON} ${ANALYSIS_TESTS}/check_pipeline_study.py
                 $<TARGET_FILE:dnnsim> ${ANALYSIS_OUT}/pipeline ${CMAKE_SOURCE_DIR}/README.md)
set_tests_properties(analysis.pipeline_study PROPERTIES LABELS analysis)

# The published-measurement comparison (docs/validation.md): goals, hand-checked published
# times, and the summary line the README quotes.
add_test(NAME analysis.published_study
         COMMAND ${CMAKE_COMMAND} -E env ${ANALYSIS_ENV}
                 ${DNNSIM_PYTHON} ${ANALYSIS_TESTS}/check_published_study.py
                 $<TARGET_FILE:dnnsim> ${ANALYSIS_OUT}/published ${CMAKE_SOURCE_DIR}/README.md)
set_tests_properties(analysis.published_study PROPERTIES LABELS analysis)
