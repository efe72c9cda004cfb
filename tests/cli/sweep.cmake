# Sweeps: rows, shards, interruptions.
foreach(check rows_equal_single_runs pipeline_axes_equal_single_runs unfit_collective_rows shards_merge shard_problems interruptions
              intra_axis)
  add_test(NAME sweep.${check}
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/cli/sweepcheck.py
                   $<TARGET_FILE:dnnsim> ${check}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(sweep.${check} PROPERTIES LABELS simgrid SKIP_RETURN_CODE 77)
endforeach()
