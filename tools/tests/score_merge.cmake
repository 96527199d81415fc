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
# refused(RC PATTERN ARGS...): `emergent ARGS` exits RC and says on standard error what PATTERN matches.
function(refused expected_rc pattern)
  run(${expected_rc} ${ARGN})
  if(NOT run_err MATCHES "${pattern}")
    message(FATAL_ERROR "emergent ${ARGN}: standard error does not match '${pattern}':\n${run_err}")
  endif()
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
  # The agreement with the stored scores travels in the state (version 2): the summaries are equal.
  set(single_err "${run_err}")
  if(NOT single_err MATCHES "mc_grade equals the stored acc on all")
    message(FATAL_ERROR "score does not tell the agreement with the stored acc: ${single_err}")
  endif()
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
refused(2 "different metrics" merge "${W}/a.state" "${W}/other_metrics.state")
run(0 score ${MAP} --metrics mc_grade,stored:acc --level 0.9 --save-state "${W}/other_level.state" "${W}/b.csv")
refused(2 "different confidence levels" merge "${W}/a.state" "${W}/other_level.state")
refused(2 "different metrics" merge "${W}/a.state" "${W}/ab.state")
run(0 score ${MAP} --metrics mc_grade,stored:acc --save-state "${W}/ab_rates.state" "${W}/a.csv" "${W}/b.csv")
refused(2 "1999 documents are counted in both" merge "${W}/a.state" "${W}/ab_rates.state")
file(READ "${W}/a.state" state)
string(REPLACE "\"version\": 2," "\"version\": 99," v99 "${state}")
file(WRITE "${W}/v99.state" "${v99}")
refused(2 "version: 99 is not a state version" merge "${W}/v99.state" "${W}/b.state")
refused(2 "not JSON" merge "${W}/a.csv")
file(WRITE "${W}/other.json" "{\"format\": \"something else\"}")
refused(2 "not an emergent scorer state" merge "${W}/other.json")
string(REPLACE "\"summary\"" "\"summery\"" broken "${state}")
file(WRITE "${W}/broken.state" "${broken}")
refused(2 "summary: missing" merge "${W}/broken.state")
run(2 merge "${W}/a.state" "${W}/a.state")
run(2 merge "${W}/nope.state")
run(2 merge --out "${W}/x.txt" "${W}/a.state")
run(2 merge --out "${W}/a.state" "${W}/a.state")
refused(2 "--save-state: needs per-model aggregates" score ${MAP} --per-example --save-state "${W}/x.state" "${W}/a.csv")
if(EXISTS "${W}/x.state")
  message(FATAL_ERROR "a refused run left a state")
endif()
run(2 score ${MAP} --save-state "${W}/a.csv" "${W}/a.csv")
refused(3 "overflows a double" merge --compute "${SOURCE_DIR}/tests/cli_catalogue/inputs/compute_overflow.csv" "${W}/a.state")
run(1 merge)

# 6. Text settings travel in the state (version 2): the real lm-eval MATH generations (10 records) in
# two halves, scored with --extract boxed or last-number (--normalize, --tokenize too), merged == scored in one go,
# byte for byte (CSV and JSON, whose summary has the extraction counts) and the same summary on
# standard error (the extraction failures and where they were).
execute_process(COMMAND "${PYTHON3}" -c "
import sys
lines = open(sys.argv[1], 'rb').read().splitlines(keepends=True)
assert len(lines) == 10, len(lines)
open(sys.argv[2], 'wb').write(b''.join(lines[:5]))
open(sys.argv[3], 'wb').write(b''.join(lines[5:]))
" "${DATA}/lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl" "${W}/math_a.jsonl" "${W}/math_b.jsonl"
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "splitting the MATH fixture: ${err}")
endif()
set(TEXT --format lm-eval --task math --model m --metrics exact_match,stored:exact_match)
# boxed finds no answer in these 10 generations (the model never writes \\boxed); last-number finds 9.
foreach(settings "--extract;last-number;--normalize;numeric" "--extract;boxed" "--extract;boxed;--normalize;lm-eval;--tokenize;words")
  foreach(ext csv json)
    run(0 score ${TEXT} ${settings} --out "${W}/math_single.${ext}" "${W}/math_a.jsonl" "${W}/math_b.jsonl")
    set(single_err "${run_err}")
    if(NOT single_err MATCHES "answer extraction (boxed found no answer in 10 of 10|last-number found no answer in 1 of 10) generations")
      message(FATAL_ERROR "score ${settings}: no extraction count on standard error: ${single_err}")
    endif()
    run(0 score ${TEXT} ${settings} --save-state "${W}/math_a.state" "${W}/math_a.jsonl")
    run(0 score ${TEXT} ${settings} --save-state "${W}/math_b.state" "${W}/math_b.jsonl")
    run(0 merge --out "${W}/math_merged.${ext}" "${W}/math_a.state" "${W}/math_b.state")
    same_file("${W}/math_merged.${ext}" "${W}/math_single.${ext}")
    string(REPLACE "emergent merge:" "emergent score:" merge_err "${run_err}")
    if(NOT merge_err STREQUAL single_err)
      message(FATAL_ERROR "merge ${settings}: summary '${run_err}' differs from score's '${single_err}'")
    endif()
  endforeach()
endforeach()
file(READ "${W}/math_a.state" math_state)
foreach(want "\"version\": 2," "\"extract\": \"boxed\"" "\"normalize\": \"lm-eval\"" "\"tokenize\": \"words\"" "\"format\": \"lm-eval\"")
  string(FIND "${math_state}" "${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the state does not record ${want}:\n${math_state}")
  endif()
endforeach()
# Other settings are refused, naming the option and both values (exit 2).
run(0 score ${TEXT} --extract gsm8k --save-state "${W}/math_gsm8k.state" "${W}/math_b.jsonl")
refused(2 "cannot merge scores made with different --extract \\('boxed' and 'gsm8k'\\)" merge "${W}/math_a.state" "${W}/math_gsm8k.state")
run(0 score ${TEXT} --extract boxed --tokenize words --save-state "${W}/math_words.state" "${W}/math_b.jsonl")
refused(2 "different --normalize \\('lm-eval' and \\(the format's own\\)\\)" merge "${W}/math_a.state" "${W}/math_words.state")
run(0 score ${TEXT} --extract boxed --normalize lm-eval --save-state "${W}/math_chars.state" "${W}/math_b.jsonl")
refused(2 "different --tokenize \\('words' and 'chars'\\)" merge "${W}/math_a.state" "${W}/math_chars.state")
file(READ "${W}/math_b.state" math_b_state)
string(REPLACE "\"format\": \"lm-eval\"" "\"format\": \"helm\"" helm_b "${math_b_state}")
file(WRITE "${W}/math_b_helm.state" "${helm_b}")
refused(2 "different --format \\('lm-eval' and 'helm'\\)" merge "${W}/math_a.state" "${W}/math_b_helm.state")

# 7. The log-probability audit travels: HELM's 0.0 token log-probabilities (placeholders) scored
# with --force-logprobs give the same warning after the merge; the same state without
# --force-logprobs is refused by merge as by score (exit 2).
run(0 score --format helm --model gpt2 --metrics exact_match,kofk --force-logprobs --out "${W}/helm_single.csv"
    "${DATA}/helm/narrative_qa_gpt2")
set(single_err "${run_err}")
if(NOT single_err MATCHES "kofk scored from log-probabilities that are placeholders \\(all 209 token")
  message(FATAL_ERROR "score --force-logprobs: ${single_err}")
endif()
run(0 score --format helm --model gpt2 --metrics exact_match,kofk --force-logprobs --save-state "${W}/helm_forced.state"
    "${DATA}/helm/narrative_qa_gpt2")
run(0 merge --out "${W}/helm_merged.csv" "${W}/helm_forced.state")
same_file("${W}/helm_merged.csv" "${W}/helm_single.csv")
string(REPLACE "emergent merge:" "emergent score:" merge_err "${run_err}")
if(NOT merge_err STREQUAL single_err)
  message(FATAL_ERROR "merge of the HELM state: summary '${run_err}' differs from score's '${single_err}'")
endif()
file(READ "${W}/helm_forced.state" helm_state)
string(FIND "${helm_state}" "\"token_values\": 209, \"token_zeros\": 209" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the state does not hold the audit counts (209 token log-probabilities, all 0):\n${helm_state}")
endif()
string(REPLACE "\"force_logprobs\": true" "\"force_logprobs\": false" unforced "${helm_state}")
file(WRITE "${W}/helm_unforced.state" "${unforced}")
refused(2 "merge: model 'gpt2', task 'narrativeqa': kofk read log-probabilities, but all 209 token log-probabilities of 5 records are exactly 0" merge "${W}/helm_unforced.state")
refused(2 "cannot merge scores made with and without --force-logprobs" merge "${W}/helm_forced.state" "${W}/helm_unforced.state")

# 8. A version-1 state (written by the previous build: no settings, audits or extraction counts) is
# still read: the rates of test 1, merged from a version-1 and a version-2 state, are the one-pass table.
string(REGEX REPLACE ",\n \"settings\".*\"auto_reason\": \"[^\"]*\"" "" v1_state "${state}")
string(REPLACE "\"version\": 2," "\"version\": 1," v1_state "${v1_state}")
string(FIND "${v1_state}" "audits" at)
if(NOT at EQUAL -1)
  message(FATAL_ERROR "the version-1 state still has the version-2 fields:\n${v1_state}")
endif()
file(WRITE "${W}/a_v1.state" "${v1_state}")
run(0 merge --out "${W}/merged_v1.json" "${W}/a_v1.state" "${W}/b.state")
same_file("${W}/merged_v1.json" "${W}/single.json")
message("merge: rates byte-identical, means to 1e-12, text settings and audits carried, version 1 read, refusals checked")
