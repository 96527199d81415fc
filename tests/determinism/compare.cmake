# Builds tests/determinism/determinism.cpp with clang++ and libc++ and compares its output, byte for
# byte, with the same program built by the project's compiler (g++ and libstdc++).
# -DREFERENCE=<program built by the project> -DSOURCE=<determinism.cpp> -DCLANG=<clang++> -DINCLUDES=<;-list>
# -DWORK=<scratch dir>
set(_flags -std=c++20 -O1 -stdlib=libc++)
foreach(_dir IN LISTS INCLUDES)
  list(APPEND _flags "-I${_dir}")
endforeach()
file(MAKE_DIRECTORY "${WORK}")
execute_process(COMMAND "${CLANG}" ${_flags} "${SOURCE}" -o "${WORK}/determinism_libcxx"
                RESULT_VARIABLE _rc ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "clang++ with libc++ could not build the program:\n${_err}")
endif()
execute_process(COMMAND "${REFERENCE}" OUTPUT_VARIABLE _gnu RESULT_VARIABLE _rc1)
execute_process(COMMAND "${WORK}/determinism_libcxx" OUTPUT_VARIABLE _llvm RESULT_VARIABLE _rc2)
if(NOT _rc1 EQUAL 0 OR NOT _rc2 EQUAL 0)
  message(FATAL_ERROR "a determinism program failed (libstdc++: ${_rc1}, libc++: ${_rc2})")
endif()
string(LENGTH "${_gnu}" _len)
if(_len LESS 500)
  message(FATAL_ERROR "the determinism program printed too little:\n${_gnu}")
endif()
if(NOT _gnu STREQUAL _llvm)
  file(WRITE "${WORK}/libstdcxx.txt" "${_gnu}")
  file(WRITE "${WORK}/libcxx.txt" "${_llvm}")
  message(FATAL_ERROR "same seeds, different results under libstdc++ and libc++: diff ${WORK}/libstdcxx.txt ${WORK}/libcxx.txt")
endif()
message(STATUS "identical under libstdc++ and libc++ (${_len} bytes of seeded results)")
