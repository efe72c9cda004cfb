# CLI tests: each runs the dnnsim binary once (its own process) and checks its output or
# its failure. Expected values are worked out in the comments beside them.

function(cli_test name)
  cmake_parse_arguments(T "WILL_FAIL" "PASS;FAIL" "ARGS" ${ARGN})
  add_test(NAME cli.${name} COMMAND dnnsim ${T_ARGS} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  if(T_PASS)
    set_tests_properties(cli.${name} PROPERTIES PASS_REGULAR_EXPRESSION "${T_PASS}")
  endif()
  if(T_FAIL)
    set_tests_properties(cli.${name} PROPERTIES FAIL_REGULAR_EXPRESSION "${T_FAIL}")
  endif()
  if(T_WILL_FAIL)
    set_tests_properties(cli.${name} PROPERTIES WILL_FAIL TRUE)
  endif()
endfunction()

# A command that must fail with exit status 1 or 2 and print `message` on stderr.
function(cli_error name message)
  add_test(NAME cli.error.${name}
           COMMAND ${CMAKE_COMMAND} -DDNNSIM=$<TARGET_FILE:dnnsim> "-DARGS=${ARGN}"
                   "-DEXPECT=${message}" -P ${CMAKE_CURRENT_SOURCE_DIR}/cli/expect_error.cmake
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endfunction()

include(${CMAKE_CURRENT_SOURCE_DIR}/cli/info.cmake)
include(${CMAKE_CURRENT_SOURCE_DIR}/cli/analytic.cmake)
include(${CMAKE_CURRENT_SOURCE_DIR}/cli/errors.cmake)
include(${CMAKE_CURRENT_SOURCE_DIR}/cli/simulate.cmake)
include(${CMAKE_CURRENT_SOURCE_DIR}/cli/sweep.cmake)
