# Runs COMMAND (a ;-list) and checks it fails cleanly: exit status 1, EXPECT (a regular
# expression) on stderr, or with EXACT exactly that one line, no Python traceback, and no
# file at OUTPUT (nothing half-written).
file(REMOVE "${OUTPUT}")
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE status OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(NOT status STREQUAL "1")
  message(FATAL_ERROR "expected exit status 1, got '${status}'\nstderr: ${err}")
endif()
if(err MATCHES "Traceback")
  message(FATAL_ERROR "a traceback instead of a message:\n${err}")
endif()
if(DEFINED EXACT)
  if(NOT err STREQUAL "${EXACT}\n")
    message(FATAL_ERROR "stderr is not the one line\n${EXACT}\nbut:\n${err}")
  endif()
elseif(NOT err MATCHES "${EXPECT}")
  message(FATAL_ERROR "stderr does not match '${EXPECT}':\n${err}")
endif()
if(EXISTS "${OUTPUT}")
  message(FATAL_ERROR "${OUTPUT} was written although the command failed")
endif()
