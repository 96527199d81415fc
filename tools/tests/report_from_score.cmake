# The pipeline from an evaluation dump to the report: `emergent score --per-model` on the WinoGrande option
# log-likelihoods of three models (tests/data/io), then `emergent report` on its long per-model table.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(data "${SOURCE_DIR}/tests/data/io")
if(NOT EXISTS "${data}/winogrande_mapping.conf")
  message(STATUS "SKIPPED: tests/data/io is not there")
  return()
endif()
execute_process(COMMAND "${EMERGENT}" score --format csv --map-file "${data}/winogrande_mapping.conf" --task winogrande
                        --metrics mc_grade,brier --compute "${data}/winogrande_compute.csv" --out "${WORK_DIR}/scores.csv"
                        "${data}/winogrande_5shot_option_loglik_llama2_mistral.csv"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "emergent score failed (${rc}):\n${out}\n${err}")
endif()
execute_process(COMMAND "${EMERGENT}" report "${WORK_DIR}/scores.csv" --hard mc_grade --soft brier --soft-lower-is-better
                        --series task --x params -o "${WORK_DIR}/report"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "emergent report failed (${rc}):\n${out}\n${err}")
endif()
file(READ "${WORK_DIR}/report/report.json" json)
string(JSON npoints LENGTH "${json}" tasks 0 series 0 points)
if(NOT npoints EQUAL 3)
  message(FATAL_ERROR "expected 3 models in the report, found ${npoints}")
endif()
# The accuracies stored by the harness: 0.738 (7B), 0.7616 (13B), 0.7814 (Mistral 7B), in order of params.
set(models Llama-2-7b-hf Mistral-7B-v0.1 Llama-2-13b-hf)
set(accuracies "^0\\.7379" "^0\\.7813" "^0\\.7616")
foreach(i 0 1 2)
  string(JSON model GET "${json}" tasks 0 series 0 points ${i} model)
  string(JSON acc GET "${json}" tasks 0 series 0 points ${i} hard value)
  string(JSON interval GET "${json}" tasks 0 series 0 points ${i} hard interval)
  list(GET models ${i} want_model)
  list(GET accuracies ${i} want_acc)
  if(NOT model STREQUAL want_model OR NOT acc MATCHES "${want_acc}" OR NOT interval STREQUAL "given")
    message(FATAL_ERROR "point ${i}: ${model} ${acc} ${interval}, expected ${want_model} ${want_acc} given")
  endif()
endforeach()
