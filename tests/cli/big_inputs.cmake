# Huge but valid inputs: P = 10^6, a 1,000- and a 10,000-layer network, each dnnsim run
# within a peak resident memory (AddressSanitizer's shadow memory needs more). Their speed
# goal (60 s a run) is checked by `make bench`, not here.
if(DNNSIM_SANITIZE)
  set(BIG_INPUTS_MAX_RSS_MB 1500)
else()
  set(BIG_INPUTS_MAX_RSS_MB 200)
endif()
foreach(check million_procs deep_network deeper_network)
  add_test(NAME cli.big.${check}
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/cli/big_inputs.py
                   $<TARGET_FILE:dnnsim> ${check} ${BIG_INPUTS_MAX_RSS_MB}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  if(DNNSIM_SANITIZE)
    set_tests_properties(cli.big.${check} PROPERTIES ENVIRONMENT DNNSIM_SANITIZED=1)
  endif()
endforeach()
