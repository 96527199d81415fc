# `emergent score --save-state` and `emergent merge`: shards scored separately and merged give the
# table of one `score` over all shards (byte for byte for rates, counts and means; the standard
# error and t interval of a mean to 1e-12 relative, since M2 is merged by Chan et al.'s formula);
# one state of all files merges to exactly the one-pass table; a state written with --threads 2 is
# the state of one thread; states of other metrics, levels or versions, the same document in two
# states and files that are not states are refused with exit 2.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(DATA "${SOURCE_DIR}/tests/data/io")
find_program(PYTHON3 NAMES python3)
if(NOT PYTHON3)
  message("SKIPPED: no python3")
  return()
endif()

# Two shards of the WinoGrande CSV (rows 1-1999 and the rest), as CSV and as mapped JSON Lines.
file(STRINGS "${DATA}/winogrande_5shot_option_loglik_llama2_mistral.csv" rows)
list(GET rows 0 header)
list(SUBLIST rows 1 1999 part_a)
list(SUBLIST rows 2000 -1 part_b)
string(REPLACE ";" "\n" a "${part_a}")
string(REPLACE ";" "\n" b "${part_b}")
file(WRITE "${WORK_DIR}/a.csv" "${header}\n${a}\n")
file(WRITE "${WORK_DIR}/b.csv" "${header}\n${b}\n")

function(run expected_rc)
  execute_process(COMMAND "${EMERGENT}" ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL expected_rc)
    message(FATAL_ERROR "emergent ${ARGN}: exit ${rc}, expected ${expected_rc}\nstdout: ${out}\nstderr: ${err}")
  endif()
  set(run_out "${out}" PARENT_SCOPE)
  set(run_err "${err}" PARENT_SCOPE)
endfunction()
function(same_file x y)
  file(READ "${x}" got)
  file(READ "${y}" want)
  if(NOT got STREQUAL want)
    message(FATAL_ERROR "${x} differs from ${y}:\n${got}\n---\n${want}")
  endif()
endfunction()

set(MAP --format csv --map-file "${DATA}/winogrande_mapping.conf" --task wg)
set(W "${WORK_DIR}")

# 1. Rates (mc_grade, stored 0/1 acc): byte-identical CSV and JSON, summary line included.
foreach(ext csv json)
  run(0 score ${MAP} --metrics mc_grade,stored:acc --out "${W}/single.${ext}" "${W}/a.csv" "${W}/b.csv")
  # The agreement with the stored scores is told by score from the records; a state does not carry it (yet).
  string(REGEX REPLACE "emergent score: [^\n]* equals the stored [^\n]*\n" "" single_err "${run_err}")
  run(0 score ${MAP} --metrics mc_grade,stored:acc --save-state "${W}/a.state" "${W}/a.csv")
  run(0 score ${MAP} --metrics mc_grade,stored:acc --save-state "${W}/b.state" "${W}/b.csv")
  run(0 merge --out "${W}/merged.${ext}" "${W}/a.state" "${W}/b.state")
  same_file("${W}/merged.${ext}" "${W}/single.${ext}")
  string(REPLACE "emergent merge:" "emergent score:" merge_err "${run_err}")
  if(NOT merge_err STREQUAL single_err)
    message(FATAL_ERROR "merge summary '${run_err}' differs from score's '${single_err}'")
  endif()
endforeach()

# 2. Means: n and value byte-identical, stderr and interval ends to 1e-12 relative.
set(M mc_grade,brier,log_loss,log_likelihood)
run(0 score ${MAP} --metrics ${M} --compute "${DATA}/winogrande_compute.csv" --out "${W}/single_m.csv" "${W}/a.csv" "${W}/b.csv")
run(0 score ${MAP} --metrics ${M} --save-state "${W}/a_m.state" "${W}/a.csv")
run(0 score ${MAP} --metrics ${M} --save-state "${W}/b_m.state" "${W}/b.csv")
run(0 merge --compute "${DATA}/winogrande_compute.csv" --out "${W}/merged_m.csv" "${W}/a_m.state" "${W}/b_m.state")
execute_process(COMMAND "${PYTHON3}" -c "
import csv, sys
a = list(csv.DictReader(open(sys.argv[1]))); b = list(csv.DictReader(open(sys.argv[2])))
assert len(a) == len(b) == 12, (len(a), len(b))
for x, y in zip(a, b):
    for k in x:
        if k in ('lower', 'upper', 'stderr') and x['interval'] in ('t', 't-log', 't-logit'):
            assert abs(float(x[k]) - float(y[k])) <= 1e-12 * abs(float(x[k])), (k, x, y)
        else:
            assert x[k] == y[k], (k, x, y)
" "${W}/single_m.csv" "${W}/merged_m.csv" RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "merged means differ from one pass: ${err}")
endif()

# 3. One state of both files merges to exactly the one-pass table (means included).
run(0 score ${MAP} --metrics ${M} --compute "${DATA}/winogrande_compute.csv" --save-state "${W}/ab.state" "${W}/a.csv" "${W}/b.csv")
run(0 merge --compute "${DATA}/winogrande_compute.csv" --out "${W}/merged_ab.csv" "${W}/ab.state")
same_file("${W}/merged_ab.csv" "${W}/single_m.csv")

# 4. A state written with --threads 2 is the state of one thread (JSON Lines input).
execute_process(COMMAND "${PYTHON3}" -c "
import csv, json, sys
with open(sys.argv[2], 'w') as f:
    for r in csv.DictReader(open(sys.argv[1])): f.write(json.dumps(r) + '\\n')
" "${DATA}/winogrande_5shot_option_loglik_llama2_mistral.csv" "${W}/wg.jsonl")
set(JMAP --format jsonl --map-file "${DATA}/winogrande_mapping.conf" --task wg --metrics ${M})
run(0 score ${JMAP} --save-state "${W}/t1.state" "${W}/wg.jsonl")
run(0 score ${JMAP} --threads 2 --save-state "${W}/t2.state" "${W}/wg.jsonl")
same_file("${W}/t2.state" "${W}/t1.state")

# 5. Refusals (exit 2, saying why).
run(0 score ${MAP} --metrics mc_grade --save-state "${W}/other_metrics.state" "${W}/b.csv")
run(2 merge "${W}/a.state" "${W}/other_metrics.state")
if(NOT run_err MATCHES "different metrics")
  message(FATAL_ERROR "other metrics: ${run_err}")
endif()
run(0 score ${MAP} --metrics mc_grade,stored:acc --level 0.9 --save-state "${W}/other_level.state" "${W}/b.csv")
run(2 merge "${W}/a.state" "${W}/other_level.state")
if(NOT run_err MATCHES "different confidence levels")
  message(FATAL_ERROR "other level: ${run_err}")
endif()
run(2 merge "${W}/a.state" "${W}/ab.state")
if(NOT run_err MATCHES "different metrics")
  message(FATAL_ERROR "other metrics (2): ${run_err}")
endif()
run(0 score ${MAP} --metrics mc_grade,stored:acc --save-state "${W}/ab_rates.state" "${W}/a.csv" "${W}/b.csv")
run(2 merge "${W}/a.state" "${W}/ab_rates.state")
if(NOT run_err MATCHES "1999 documents are counted in both")
  message(FATAL_ERROR "the same documents in two states: ${run_err}")
endif()
file(READ "${W}/a.state" state)
string(REPLACE "\"version\": 1," "\"version\": 99," v99 "${state}")
file(WRITE "${W}/v99.state" "${v99}")
run(2 merge "${W}/v99.state" "${W}/b.state")
if(NOT run_err MATCHES "version: 99 is not a state version")
  message(FATAL_ERROR "version 99: ${run_err}")
endif()
run(2 merge "${W}/a.csv")
if(NOT run_err MATCHES "not JSON")
  message(FATAL_ERROR "not a state: ${run_err}")
endif()
file(WRITE "${W}/other.json" "{\"format\": \"something else\"}")
run(2 merge "${W}/other.json")
if(NOT run_err MATCHES "not an emergent scorer state")
  message(FATAL_ERROR "another JSON: ${run_err}")
endif()
string(REPLACE "\"summary\"" "\"summery\"" broken "${state}")
file(WRITE "${W}/broken.state" "${broken}")
run(2 merge "${W}/broken.state")
if(NOT run_err MATCHES "summary: missing")
  message(FATAL_ERROR "a missing field: ${run_err}")
endif()
run(2 merge "${W}/a.state" "${W}/a.state")
run(2 merge "${W}/nope.state")
run(2 merge --out "${W}/x.txt" "${W}/a.state")
run(2 merge --out "${W}/a.state" "${W}/a.state")
run(2 score ${MAP} --per-example --save-state "${W}/x.state" "${W}/a.csv")
if(NOT run_err MATCHES "--save-state: needs per-model aggregates")
  message(FATAL_ERROR "--save-state with --per-example: ${run_err}")
endif()
if(EXISTS "${W}/x.state")
  message(FATAL_ERROR "a refused run left a state")
endif()
run(2 score ${MAP} --save-state "${W}/a.csv" "${W}/a.csv")
run(1 merge)
message("merge: rates byte-identical, means to 1e-12, refusals checked")
