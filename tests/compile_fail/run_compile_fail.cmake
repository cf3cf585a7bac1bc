# Compiles SOURCE twice with CXX (-fsyntax-only, C++20, INCLUDE_DIR): with
# -DKSTREAMS_COMPILE_FAIL_CONTROL it must compile; without, it must fail and
# the FIRST error must contain EXPECTED.
set(flags -std=c++20 -fsyntax-only -I${INCLUDE_DIR})
execute_process(COMMAND ${CXX} ${flags} -DKSTREAMS_COMPILE_FAIL_CONTROL ${SOURCE}
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc)
  message(FATAL_ERROR "the control variant of ${SOURCE} does not compile:\n${err}")
endif()
execute_process(COMMAND ${CXX} ${flags} ${SOURCE} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc)
  message(FATAL_ERROR "${SOURCE} compiled, but it must not")
endif()
string(REGEX MATCH "error: [^\n]*" first_error "${err}")
string(FIND "${first_error}" "${EXPECTED}" at)
if(at EQUAL -1)
  message(FATAL_ERROR
    "the first error does not say '${EXPECTED}':\n${first_error}\n\nfull output:\n${err}")
endif()
message(STATUS "first error, as expected: ${first_error}")
