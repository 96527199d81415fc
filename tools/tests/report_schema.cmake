# report.json written by `emergent report` on the shipped data validates against docs/report.schema.json
# (and the checks a schema cannot express: intervals contain their values, x = log10(quantity), ...).
# A deliberately broken copy must fail, so the validator can fail. Skipped without python3-jsonschema.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(python /usr/bin/python3)
if(NOT EXISTS ${python})
  message(STATUS "SKIPPED: /usr/bin/python3 not found")
  return()
endif()
execute_process(COMMAND "${EMERGENT}" report --spec "${SOURCE_DIR}/examples/data/emergence_report.json" -o "${WORK_DIR}/out" -q
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "emergent report failed (${rc}): ${err}")
endif()
set(validator "${SOURCE_DIR}/tools/tests/scripts/validate_report.py")
set(schema "${SOURCE_DIR}/docs/report.schema.json")
execute_process(COMMAND ${python} "${validator}" "${schema}" "${WORK_DIR}/out" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 77)
  message(STATUS "${out}")
  return()
endif()
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "report.json does not validate (${rc}):\n${out}\n${err}")
endif()
message(STATUS "${out}")

# The single-table form too.
execute_process(COMMAND "${EMERGENT}" report "${SOURCE_DIR}/examples/data/pythia_lambada.csv" --hard acc --n n --soft ppl
                        --soft-stderr ppl_stderr --soft-log --soft-lower-is-better --where num_fewshot=0 --series model
                        --x tokens -o "${WORK_DIR}/single" -q RESULT_VARIABLE rc ERROR_VARIABLE err)
execute_process(COMMAND ${python} "${validator}" "${schema}" "${WORK_DIR}/single" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "single-table report.json does not validate (${rc}):\n${out}\n${err}")
endif()

# Negative control: an unknown key and a wrong type must be rejected.
file(READ "${WORK_DIR}/out/report.json" json)
string(JSON json SET "${json}" tasks 0 surprise "1")
string(JSON json SET "${json}" tasks 0 series 0 points 0 hard value "\"high\"")
# the bootstrap over examples of the per-example task (winogrande): a probability above 1
string(JSON wg_id GET "${json}" tasks 10 id)
if(NOT wg_id STREQUAL "winogrande")
  message(FATAL_ERROR "task 10 of the example spec is '${wg_id}', not the per-example winogrande task")
endif()
string(JSON json SET "${json}" tasks 10 series 0 analysis example_bootstrap judgement_probability "1.5")
file(MAKE_DIRECTORY "${WORK_DIR}/broken")
file(WRITE "${WORK_DIR}/broken/report.json" "${json}")
file(COPY "${WORK_DIR}/out/" DESTINATION "${WORK_DIR}/broken" FILES_MATCHING PATTERN "*.svg")
execute_process(COMMAND ${python} "${validator}" "${schema}" "${WORK_DIR}/broken" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "the validator accepted a broken report.json (${rc}):\n${out}\n${err}")
endif()
foreach(needle "surprise" "high" "1.5")
  string(FIND "${out}" "${needle}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the validator did not name '${needle}':\n${out}")
  endif()
endforeach()
