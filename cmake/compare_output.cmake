# Runs PROGRAM in WORKING_DIRECTORY and compares its standard output with the file EXPECTED.
# With -DUPDATE=ON it rewrites EXPECTED instead (used by scripts/update-expected.sh).
execute_process(COMMAND "${PROGRAM}" WORKING_DIRECTORY "${WORKING_DIRECTORY}"
                OUTPUT_VARIABLE _out ERROR_VARIABLE _err RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${_rc}\nstderr:\n${_err}")
endif()
if(UPDATE)
  file(WRITE "${EXPECTED}" "${_out}")
  return()
endif()
file(READ "${EXPECTED}" _expected)
if(NOT _out STREQUAL _expected)
  file(WRITE "${EXPECTED}.actual" "${_out}")
  message(FATAL_ERROR "output of ${PROGRAM} differs from ${EXPECTED} (actual output written to ${EXPECTED}.actual):\n${_out}")
endif()
