# The SimGrid engine through the CLI. Each simulation runs in its own process.

# Cross-validation on the ideal network: every grid of several P,
# powers of two and not, default algorithms, no overlap: within 1 % of docs/model.md.
foreach(case "mlp;512;integrated;4 6 8" "alexnet;256;integrated;8 12 64"
             "alexnet;256;hybrid;8 16" "vgg16;64;integrated;8 16" "resnet50;64;integrated;4 8"
             "resnet50;32;domain;4")
  list(GET case 0 workload)
  list(GET case 1 batch)
  list(GET case 2 strategy)
  list(GET case 3 procs)
  string(REPLACE " " ";" procs "${procs}")
  add_test(NAME sim.crossval.${workload}.${strategy}
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/cli/crossval.py
                   $<TARGET_FILE:dnnsim> ${workload} ${batch} ${strategy} ${procs}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(sim.crossval.${workload}.${strategy} PROPERTIES LABELS simgrid)
endforeach()

# The transformer presets (a few sequences, so they run quickly), on the crossbar and on a
# crossbar with a roofline (memory bandwidth, an efficiency for attention).
foreach(case "transformer-block;8;integrated;4 8" "gpt3-175b;8;hybrid;4" "llama2-7b;8;integrated;4"
             "llama2-70b;4;integrated;4" "llama3-8b;4;domain;2" "alexnet;64;integrated;8")
  list(GET case 0 workload)
  list(GET case 1 batch)
  list(GET case 2 strategy)
  list(GET case 3 procs)
  string(REPLACE " " ";" procs "${procs}")
  foreach(platform crossbar roofline)
    set(file crossbar)
    if(platform STREQUAL "roofline")
      set(file ${CMAKE_SOURCE_DIR}/tests/data/crossbar-roofline.yaml)
    endif()
    set(name sim.crossval.${platform}.${workload}.${strategy})
    add_test(NAME ${name}
             COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/cli/crossval.py --platform ${file}
                     $<TARGET_FILE:dnnsim> ${workload} ${batch} ${strategy} ${procs}
             WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
    set_tests_properties(${name} PROPERTIES LABELS simgrid)
  endforeach()
endforeach()

# Tensor parallelism (docs/model.md, "Tensor parallelism"), without and with sequence
# parallelism, on the crossbar and the roofline crossbar.
foreach(case "transformer-block;8;4 8" "tiny-gpt;8;4 8" "llama2-70b;4;8" "mlp;64;4 6")
  list(GET case 0 workload)
  list(GET case 1 batch)
  list(GET case 2 procs)
  string(REPLACE " " ";" procs "${procs}")
  set(file ${workload})
  if(workload STREQUAL "tiny-gpt")
    set(file tests/data/tiny-gpt.yaml)
  endif()
  foreach(sp plain sp)
    set(flag "")
    if(sp STREQUAL "sp")
      set(flag --sequence-parallel)
    endif()
    foreach(platform crossbar tests/data/crossbar-roofline.yaml)
      get_filename_component(tag ${platform} NAME_WE)
      set(name sim.crossval.tensor.${sp}.${tag}.${workload})
      add_test(NAME ${name}
               COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/cli/crossval.py --platform
                       ${platform} ${flag} $<TARGET_FILE:dnnsim> ${file} ${batch} tensor ${procs}
               WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
      set_tests_properties(${name} PROPERTIES LABELS simgrid)
    endforeach()
  endforeach()
endforeach()

# Pipelines: the SimGrid replay of the schedule against the analytic recurrence. Without
# collectives inside a stage (Pr = Pc = 1) or with compute well above the messages, the two
# agree to rounding; a stage's sends still in flight share its link with its next
# collectives in SimGrid only (docs/model.md), hence 1 % for tensor-parallel GPT stages.
function(pipeline_crossval name tolerance)
  add_test(NAME sim.crossval.pipeline.${name}
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/cli/crossval_pipeline.py
                   $<TARGET_FILE:dnnsim> ${tolerance} ${ARGN}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(sim.crossval.pipeline.${name} PROPERTIES LABELS simgrid)
endfunction()
foreach(schedule gpipe 1f1b interleaved:2)
  string(REPLACE ":" "" tag ${schedule})
  pipeline_crossval(chain.${tag} 1e-9 tests/data/pipeline-chain.yaml --strategy batch
                    --grid 1x1x4 --microbatches 8 --schedule ${schedule})
endforeach()
pipeline_crossval(chain.accumulation 1e-9 tests/data/pipeline-chain.yaml --strategy integrated
                  --grid 2x1x1 --microbatches 4)
pipeline_crossval(chain.data 0.01 tests/data/pipeline-chain.yaml --strategy batch
                  --grid 1x2x2 --microbatches 2 --schedule gpipe)
pipeline_crossval(gpt.tensor 0.01 tests/data/small-gpt.yaml --strategy tensor --grid 2x1x2
                  --microbatches 4)
pipeline_crossval(gpt.tensor.sp 0.01 tests/data/small-gpt.yaml --strategy tensor --grid 2x1x2
                  --microbatches 4 --sequence-parallel)
# Interleaved chunks send twice as often; in-flight sends slow the next collectives in
# SimGrid only (docs/model.md, "Pipeline parallelism"): +1.5 %.
pipeline_crossval(gpt.tensor.interleaved 0.02 tests/data/small-gpt.yaml --strategy tensor
                  --grid 2x2x2 --microbatches 4 --schedule interleaved:2)
# ZeRO and recomputation, with and without stages.
pipeline_crossval(gpt.zero1 1e-9 tests/data/small-gpt.yaml --strategy tensor --grid 2x2 --zero 1)
pipeline_crossval(gpt.zero3 1e-9 tests/data/small-gpt.yaml --strategy tensor --grid 2x2 --zero 3)
pipeline_crossval(gpt.recompute.full 1e-9 tests/data/small-gpt.yaml --strategy tensor --grid 2x2
                  --recompute full --sequence-parallel)
pipeline_crossval(gpt.tensor.recompute.full 0.01 tests/data/small-gpt.yaml --strategy tensor
                  --grid 2x1x2 --microbatches 4 --recompute full)
pipeline_crossval(gpt.zero3.recompute 0.01 tests/data/small-gpt.yaml --strategy batch
                  --grid 1x2x2 --microbatches 2 --zero 3 --recompute full)
pipeline_crossval(gpt.buckets 1e-9 tests/data/small-gpt.yaml --strategy tensor --grid 2x2
                  --bucket-bytes 4000000)
pipeline_crossval(gpt.pipeline.buckets 0.01 tests/data/small-gpt.yaml --strategy tensor
                  --grid 2x2x2 --microbatches 2 --bucket-bytes 4000000 --zero 1)

# Contention, algorithms, topologies, overlap, placement, traces, task graphs, SMPI replay.
foreach(check ring_vs_rabenseifner oversubscribed_fat_tree topologies_run overlap placement trace
              taskgraph_bytes smpi_replay optimizer_plan_reproduces xml_platform)
  add_test(NAME sim.${check}
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/cli/simcheck.py
                   $<TARGET_FILE:dnnsim> ${check}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(sim.${check} PROPERTIES LABELS simgrid)
endforeach()

# Sharing one task graph per stage and running consecutive computations as one execution
# leave every simulated time as the plain replay gave it (pipelines, tied embeddings,
# sequence parallelism, ZeRO-3, buckets, recomputation, halos, no overlap).
add_test(NAME sim.shortcuts_keep_the_plain_replay_times
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/cli/replay_unchanged.py
                 $<TARGET_FILE:dnnsim> ${CMAKE_SOURCE_DIR}/tests/data/plain_replay_times.txt
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(sim.shortcuts_keep_the_plain_replay_times PROPERTIES LABELS simgrid)

# Collectives of groups whose links carry nothing else are timed, not sent: the same times
# as sending every message (--every-message), and only where the links are private.
add_test(NAME sim.private_links_keep_the_message_times
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/cli/private_links.py
                 $<TARGET_FILE:dnnsim>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(sim.private_links_keep_the_message_times PROPERTIES LABELS simgrid)

# A run whose estimated memory exceeds what the machine has is refused, not killed.
add_test(NAME sim.refuses_runs_beyond_memory
         COMMAND ${CMAKE_COMMAND} -E env DNNSIM_MEMORY_LIMIT_BYTES=1e8
                 ${CMAKE_COMMAND} -DDNNSIM=$<TARGET_FILE:dnnsim>
                 "-DARGS=simulate;alexnet;--platform;crossbar;--procs;4096;--strategy;batch;--batch;4096"
                 "-DEXPECT=simulating 4096 ranks needs about 0.21 GB of memory, but this machine has 0.10 GB available"
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/cli/expect_error.cmake
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})

# --log-level debug shows each module's lines (the plan's layers, the platform built, the
# replay); by default nothing but the result.
cli_test(log_level_debug ARGS --log-level debug simulate mlp --platform crossbar --procs 4
         --grid 2x2 --strategy integrated
         PASS "\\[debug\\] \\[plan\\] fc1: kind integrated, grid 2x2, runs integrated.*\\[debug\\] \\[platform\\] crossbar: crossbar built with 4 hosts and [0-9]+ links.*\\[debug\\] \\[engine\\] simulated")
cli_test(log_level_default_quiet ARGS simulate mlp --platform crossbar --procs 4 --grid 2x2
         --strategy integrated FAIL "\\[debug\\]|\\[info\\]")
cli_test(log_level_optimizer ARGS --log-level debug optimize mlp --platform crossbar --procs 4
         PASS "\\[debug\\] \\[optimizer\\] search with default grid 2x2 and 6 choices per layer")

# The README's gradient-bucket figures (ResNet-50 on 64 H100s, batch 2048).
foreach(case "0;analytic;0.02256" "25000000;analytic;0.01638" "0;simulate;0.01215"
             "25000000;simulate;0.01229")
  list(GET case 0 bucket)
  list(GET case 1 engine)
  list(GET case 2 expected)
  add_test(NAME cli.readme.buckets.${engine}.${bucket}
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/cli/check_iteration.py
                   $<TARGET_FILE:dnnsim> ${expected} ${engine} resnet50 --platform dgx-h100
                   --strategy batch --procs 64 --batch 2048 --bucket-bytes ${bucket})
  set_tests_properties(cli.readme.buckets.${engine}.${bucket} PROPERTIES LABELS simgrid)
endforeach()
