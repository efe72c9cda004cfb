# Runs PROBE with ARGS (a ;-list) and checks it fails cleanly: exit status 1 (an input
# error, not a crash or a usage error), nothing on stdout, and EXPECT (a regular
# expression) on stderr.
execute_process(COMMAND ${PROBE} ${ARGS} RESULT_VARIABLE status OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(NOT status STREQUAL "1")
  message(FATAL_ERROR "expected exit status 1, got '${status}'\nstderr: ${err}")
endif()
if(NOT out STREQUAL "")
  message(FATAL_ERROR "expected nothing on stdout, got: ${out}")
endif()
if(NOT err MATCHES "${EXPECT}")
  message(FATAL_ERROR "stderr does not match '${EXPECT}':\n${err}")
endif()
