# Runs DNNSIM with ARGS (a ;-list) and checks it fails cleanly: exit status 1 or 2 (not a
# signal, not 0), nothing on stdout, and EXPECT (a regular expression) on stderr.
execute_process(COMMAND ${DNNSIM} ${ARGS} RESULT_VARIABLE status OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(NOT (status STREQUAL "1" OR status STREQUAL "2"))
  message(FATAL_ERROR "expected exit status 1 or 2, got '${status}'\nstderr: ${err}")
endif()
if(NOT out STREQUAL "")
  message(FATAL_ERROR "expected nothing on stdout, got: ${out}")
endif()
if(NOT err MATCHES "${EXPECT}")
  message(FATAL_ERROR "stderr does not match '${EXPECT}':\n${err}")
endif()
