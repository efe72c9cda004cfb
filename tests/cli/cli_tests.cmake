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

# bad_input(name message [NO_FILE path] command...): a command that must fail with exit
# status 1 or 2 and print `message`, literally (not a regular expression), on stderr. With
# NO_FILE, the failed run must leave no such file, nor a temporary file beside it.
set(BAD_OUTPUTS ${CMAKE_CURRENT_BINARY_DIR}/bad-outputs)
file(MAKE_DIRECTORY ${BAD_OUTPUTS})
function(bad_input name message)
  cmake_parse_arguments(T "" "NO_FILE" "" ${ARGN})
  set(no_file "")
  if(T_NO_FILE)
    set(no_file "-DNO_FILE=${T_NO_FILE}")
  endif()
  add_test(NAME cli.bad.${name}
           COMMAND ${CMAKE_COMMAND} -DDNNSIM=$<TARGET_FILE:dnnsim>
                   "-DARGS=${T_UNPARSED_ARGUMENTS}" "-DLITERAL=${message}" ${no_file}
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/cli/expect_error.cmake
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endfunction()

include(${CMAKE_CURRENT_SOURCE_DIR}/cli/info.cmake)
include(${CMAKE_CURRENT_SOURCE_DIR}/cli/analytic.cmake)
include(${CMAKE_CURRENT_SOURCE_DIR}/cli/errors.cmake)
include(${CMAKE_CURRENT_SOURCE_DIR}/cli/bad_inputs.cmake)
include(${CMAKE_CURRENT_SOURCE_DIR}/cli/big_inputs.cmake)
include(${CMAKE_CURRENT_SOURCE_DIR}/cli/simulate.cmake)
include(${CMAKE_CURRENT_SOURCE_DIR}/cli/sweep.cmake)
