# `emergent score`: per-model aggregates on the WinoGrande option log-likelihoods equal the golden
# table tests/data/io/winogrande_per_model.csv, which tests/io/test_score_roundtrip.cpp checks against
# the library's accumulators on the same records (the round trip); per-example columns; exit code 3
# on a malformed record; --skip-bad keeps read = scored + skipped.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(DATA "${SOURCE_DIR}/tests/data/io")

function(run_score expected_rc)
  execute_process(COMMAND "${EMERGENT}" score ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL expected_rc)
    message(FATAL_ERROR "emergent score ${ARGN}: exit ${rc}, expected ${expected_rc}\nstdout: ${out}\nstderr: ${err}")
  endif()
  set(score_out "${out}" PARENT_SCOPE)
  set(score_err "${err}" PARENT_SCOPE)
endfunction()

# 1. Per-model aggregates with intervals equal the golden table.
run_score(0 --format csv --map-file "${DATA}/winogrande_mapping.conf" --task winogrande --metrics mc_grade,brier,log_loss
          --compute "${DATA}/winogrande_compute.csv" --per-model --out "${WORK_DIR}/per_model.csv"
          "${DATA}/winogrande_5shot_option_loglik_llama2_mistral.csv")
file(READ "${WORK_DIR}/per_model.csv" got)
file(READ "${DATA}/winogrande_per_model.csv" want)
if(NOT got STREQUAL want)
  message(FATAL_ERROR "per-model aggregates differ from the golden table:\n${got}\nexpected:\n${want}")
endif()
if(NOT score_err MATCHES "read 3801, scored 3801, skipped 0")
  message(FATAL_ERROR "unexpected summary: ${score_err}")
endif()
if(NOT score_err MATCHES "6\\*N\\*D")
  message(FATAL_ERROR "the derived FLOPs are not reported: ${score_err}")
endif()

# 2. Per-example CSV: the documented columns, one row per example.
run_score(0 --format csv --map-file "${DATA}/winogrande_mapping.conf" --task winogrande --metrics mc_grade,brier,stored:acc
          --per-example --out "${WORK_DIR}/per_example.csv" "${DATA}/winogrande_5shot_option_loglik_llama2_mistral.csv")
file(STRINGS "${WORK_DIR}/per_example.csv" lines)
list(LENGTH lines n)
list(GET lines 0 header)
if(NOT header STREQUAL "source,line,model,task,example_id,mc_grade,brier,stored:acc" OR NOT n EQUAL 3802)
  message(FATAL_ERROR "per-example output: header '${header}', ${n} lines")
endif()
# mc_grade equals the acc the tool stored on every row.
foreach(line IN LISTS lines)
  if(line MATCHES ",([01]),[^,]*,([01])$" AND NOT CMAKE_MATCH_1 STREQUAL CMAKE_MATCH_2)
    message(FATAL_ERROR "re-scored mc_grade differs from the stored acc: ${line}")
  endif()
endforeach()

# 3. lm-eval samples, per-example JSON.
run_score(0 --format lm-eval --metrics exact_match,edit_distance,stored:exact_match --per-example
          --out "${WORK_DIR}/gen.json" "${DATA}/lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl")
file(READ "${WORK_DIR}/gen.json" json)
string(JSON count LENGTH "${json}" records)
string(JSON scored GET "${json}" summary scored)
string(JSON em GET "${json}" records 0 exact_match)
if(NOT count EQUAL 10 OR NOT scored EQUAL 10 OR NOT em EQUAL 0)
  message(FATAL_ERROR "lm-eval per-example JSON: ${count} records, ${scored} scored, em ${em}")
endif()

# 4. A malformed record stops the run with file:line: field: message and exit code 3.
file(WRITE "${WORK_DIR}/bad.csv" "model,doc_id,gold_option,loglik_option0,loglik_option1,acc\nm,0,0,-1,-2,1\nm,1,0,0.5,-2,1\nm,2,1,-1,-2,0\n")
run_score(3 --format csv --map-file "${DATA}/winogrande_mapping.conf" --task wg --metrics mc_grade "${WORK_DIR}/bad.csv")
if(NOT score_err MATCHES "bad.csv:3: loglik_option0: log-probability 0.5 is positive")
  message(FATAL_ERROR "unexpected error message: ${score_err}")
endif()
# 5. --skip-bad: skipped, counted, listed; read = scored + skipped.
run_score(0 --format csv --map-file "${DATA}/winogrande_mapping.conf" --task wg --metrics mc_grade --skip-bad "${WORK_DIR}/bad.csv")
if(NOT score_err MATCHES "read 3, scored 2, skipped 1" OR NOT score_err MATCHES "skipped: [^\n]*bad.csv:3")
  message(FATAL_ERROR "unexpected summary: ${score_err}")
endif()
# 6. Unknown metrics and a missing mapping are input errors (2); a .eval archive given as a JSON log is a
#    parse error (3) that names the archive format.
run_score(2 --format csv --map-file "${DATA}/winogrande_mapping.conf" --metrics nonsense "${WORK_DIR}/bad.csv")
run_score(2 --format csv --metrics mc_grade "${WORK_DIR}/bad.csv")
run_score(3 --format inspect "${DATA}/inspect/mmlu-summary-choices.eval")
if(NOT score_err MATCHES "--format inspect-eval")
  message(FATAL_ERROR "unexpected .eval message: ${score_err}")
endif()

# 7. HELM run folder: exact_match_stripped and mc_grade give HELM's own exact_match mean (3 of 10).
run_score(0 --format helm --metrics exact_match_stripped,mc_grade --per-model --out "${WORK_DIR}/helm.json"
          "${DATA}/helm/hellaswag_pythia-1b-v0")
file(READ "${WORK_DIR}/helm.json" json)
string(JSON em GET "${json}" aggregates 0 value)
string(JSON grade GET "${json}" aggregates 1 value)
string(JSON n GET "${json}" aggregates 0 n)
if(NOT n EQUAL 10 OR NOT em MATCHES "^0\\.29999999999999999$|^0\\.3$" OR NOT grade STREQUAL em)
  message(FATAL_ERROR "HELM aggregates: n ${n}, exact_match_stripped ${em}, mc_grade ${grade}")
endif()
