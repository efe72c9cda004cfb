# The house rules, checked: modules depend one way and files stay short (docs/design.md,
# "Modules"), the code is formatted, and the documents' example outputs are what dnnsim
# prints (tests/docs/check_examples.py; `--update` rewrites them after a deliberate change).
add_test(NAME design.modules
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/design/check_modules.py
                 ${CMAKE_SOURCE_DIR})
find_program(CLANG_FORMAT NAMES clang-format clang-format-14 REQUIRED)
add_test(NAME design.clang_format
         COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DCLANG_FORMAT=${CLANG_FORMAT}
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/design/check_format.cmake)
add_test(NAME docs.examples
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/docs/check_examples.py
                 $<TARGET_FILE:dnnsim> ${CMAKE_SOURCE_DIR} --without import)
add_test(NAME docs.examples_import
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/docs/check_examples.py
                 $<TARGET_FILE:dnnsim> ${CMAKE_SOURCE_DIR} --with import)
set_tests_properties(docs.examples_import PROPERTIES LABELS "import;no-sanitizer")
