# Every C++ file of sim/ and tests/ is formatted as .clang-format says (clang-format
# --dry-run -Werror): `clang-format -i FILE` fixes one that is not.
file(GLOB_RECURSE files ${SOURCE_DIR}/sim/*.cpp ${SOURCE_DIR}/sim/*.hpp ${SOURCE_DIR}/tests/*.cpp
     ${SOURCE_DIR}/tests/*.hpp)
execute_process(COMMAND ${CLANG_FORMAT} --dry-run -Werror ${files} RESULT_VARIABLE status
                ERROR_VARIABLE errors)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "not formatted (run clang-format -i on these files):\n${errors}")
endif()
