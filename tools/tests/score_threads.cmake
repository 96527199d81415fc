# `emergent score --threads N` writes byte for byte what one thread writes (per-model and
# per-example, CSV and JSON, standard error and exit code included), on the fixtures, on a generated
# 3 MB lm-eval file, and on inputs whose first error (bad record, overflow, a document twice, two
# filters) must be the one reported by one thread, with the same line numbers.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(DATA "${SOURCE_DIR}/tests/data/io")
set(CAT "${SOURCE_DIR}/tests/cli_catalogue/inputs")
find_program(PYTHON3 NAMES python3)
if(NOT PYTHON3)
  message("SKIPPED: no python3 to generate the larger input")
  return()
endif()

# Inputs: the WinoGrande CSV as mapped JSON Lines; a generated 3 MB lm-eval file; the same with a
# bad line, a duplicated document near the end, and a line whose value overflows a sum.
set(gen "${WORK_DIR}/gen")
file(MAKE_DIRECTORY "${gen}")
execute_process(COMMAND "${PYTHON3}" -c "
import csv, json, sys
for src, dst in zip(sys.argv[1::2], sys.argv[2::2]):
    rows = list(csv.DictReader(open(src)))
    with open(dst, 'w') as f:
        for r in rows: f.write(json.dumps(r) + '\\n')
" "${DATA}/winogrande_5shot_option_loglik_llama2_mistral.csv" "${gen}/wg.jsonl"
  "${CAT}/wg_huge.csv" "${gen}/wg_huge.jsonl" RESULT_VARIABLE rc)
set(big "${gen}/samples_bench_2026-01-01T00-00-00.000000.jsonl")
execute_process(COMMAND "${PYTHON3}" "${SOURCE_DIR}/benchmarks/make_rescore_input.py" "${big}" 3 RESULT_VARIABLE rc2 OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL 0 OR NOT rc2 EQUAL 0)
  message(FATAL_ERROR "could not generate the inputs")
endif()
execute_process(COMMAND "${PYTHON3}" -c "
import sys
lines = open(sys.argv[1]).read().split('\\n')[:-1]
n = len(lines)
def write(name, edit):
    out = list(lines); edit(out)
    open(sys.argv[2] + '/samples_' + name + '_2026-01-01T00-00-00.000000.jsonl', 'w').write('\\n'.join(out) + '\\n')
def bad(out): out[2 * n // 3] = '{\"doc_id\": 1, oops'; out[n - 5] = '{broken'
# The lines of the two bad records (in the third of three ranges, the second of two), for the checks below.
open(sys.argv[2] + '/bad_lines.txt', 'w').write('%d;%d' % (2 * n // 3 + 1, n - 4))
def dup(out): out[n - 3] = out[n // 2]
def filters(out): out[n // 4 + 1] = out[n // 4 + 1].replace('\"filter\": \"none\"', '\"filter\": \"other\"')
write('bad', bad); write('dup', dup); write('filters', filters)
" "${big}" "${gen}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "could not write the edited inputs")
endif()

set(cases 0)
function(same_output name)
  set(ref "")
  foreach(threads 1 2 3 7)
    file(REMOVE "${WORK_DIR}/o.csv" "${WORK_DIR}/o.json")
    set(args ${ARGN})
    list(TRANSFORM args REPLACE "^OUT\\.(csv|json)$" "${WORK_DIR}/o.\\1")
    execute_process(COMMAND "${EMERGENT}" score ${args} --threads ${threads}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    set(file "")
    foreach(f o.csv o.json)
      if(EXISTS "${WORK_DIR}/${f}")
        file(READ "${WORK_DIR}/${f}" file)
      endif()
    endforeach()
    set(got "exit ${rc}\n--- stdout\n${out}\n--- stderr\n${err}\n--- file\n${file}")
    if(threads EQUAL 1)
      set(ref "${got}")
    elseif(NOT got STREQUAL ref)
      file(WRITE "${WORK_DIR}/${name}_1.txt" "${ref}")
      file(WRITE "${WORK_DIR}/${name}_${threads}.txt" "${got}")
      message(FATAL_ERROR "${name}: --threads ${threads} differs from one thread (see ${WORK_DIR}/${name}_*.txt)")
    endif()
  endforeach()
  math(EXPR n "${cases} + 1")
  set(cases ${n} PARENT_SCOPE)
  set(last_ref "${ref}" PARENT_SCOPE)
endfunction()

set(MAP --format jsonl --map-file "${DATA}/winogrande_mapping.conf" --task wg)
same_output(jsonl_model ${MAP} --metrics mc_grade,brier,log_loss,stored:acc --compute "${DATA}/winogrande_compute.csv" "${gen}/wg.jsonl")
same_output(jsonl_model_json ${MAP} --out OUT.json "${gen}/wg.jsonl")
same_output(jsonl_example ${MAP} --per-example "${gen}/wg.jsonl")
same_output(jsonl_example_json ${MAP} --per-example --out OUT.json "${gen}/wg.jsonl")
set(LM --format lm-eval --model bench --metrics exact_match,edit_distance,brier,mc_grade,log_loss)
same_output(big_model ${LM} "${big}")
same_output(big_model_json ${LM} --out OUT.json "${big}")
same_output(big_example ${LM} --per-example --out OUT.csv "${big}")
same_output(big_example_json ${LM} --per-example --out OUT.json "${big}")
same_output(big_auto --format lm-eval --model bench "${big}")
if(NOT last_ref MATCHES "exit 0" OR NOT last_ref MATCHES "exact_match")
  message(FATAL_ERROR "the generated file was not scored: ${last_ref}")
endif()
same_output(two_files ${LM} "${big}" "${gen}/wg.jsonl" --task t)
file(READ "${gen}/bad_lines.txt" bad_lines)
list(GET bad_lines 0 bad_line1)
list(GET bad_lines 1 bad_line2)
same_output(bad_first_error ${LM} "${gen}/samples_bad_2026-01-01T00-00-00.000000.jsonl")
if(NOT last_ref MATCHES "exit 3" OR NOT last_ref MATCHES "samples_bad_[^:]*:${bad_line1}: ")
  message(FATAL_ERROR "the bad record is not reported with its line (${bad_line1}): ${last_ref}")
endif()
# Skipped records in later ranges are not read again on one thread: their lines are renumbered at the merge.
same_output(bad_skipped ${LM} --skip-bad --per-example --out OUT.json "${gen}/samples_bad_2026-01-01T00-00-00.000000.jsonl")
if(NOT last_ref MATCHES "skipped 2" OR NOT last_ref MATCHES "skipped: [^\n]*samples_bad_[^:]*:${bad_line1}: "
   OR NOT last_ref MATCHES "skipped: [^\n]*samples_bad_[^:]*:${bad_line2}: ")
  message(FATAL_ERROR "--skip-bad: two records should be skipped, on lines ${bad_line1} and ${bad_line2}: ${last_ref}")
endif()
same_output(bad_skipped_csv ${LM} --skip-bad --per-example "${gen}/samples_bad_2026-01-01T00-00-00.000000.jsonl")
math(EXPR after_bad "${bad_line2} + 1")
if(NOT last_ref MATCHES "\n[^,\n]*samples_bad_[^,]*,${after_bad},")
  message(FATAL_ERROR "--skip-bad --per-example: the record after the second bad one should be on line ${after_bad}: ${last_ref}")
endif()
same_output(bad_skipped_model ${LM} --skip-bad "${gen}/samples_bad_2026-01-01T00-00-00.000000.jsonl")
same_output(duplicate ${LM} "${gen}/samples_dup_2026-01-01T00-00-00.000000.jsonl")
if(NOT last_ref MATCHES "exit 3" OR NOT last_ref MATCHES "duplicated example id")
  message(FATAL_ERROR "the duplicated document is not reported: ${last_ref}")
endif()
same_output(duplicate_skipped ${LM} --skip-bad "${gen}/samples_dup_2026-01-01T00-00-00.000000.jsonl")
same_output(two_filters ${LM} "${gen}/samples_filters_2026-01-01T00-00-00.000000.jsonl")
if(NOT last_ref MATCHES "exit 2" OR NOT last_ref MATCHES "documents under the filter")
  message(FATAL_ERROR "the two filters are not reported: ${last_ref}")
endif()
same_output(same_doc_two_files --format lm-eval "${CAT}/samples_mc_2026-01-01T00-00-00.000000.jsonl"
            "${CAT}/samples_mc_2026-01-02T00-00-00.000000.jsonl")
same_output(overflow --format jsonl --map-file "${CAT}/m.conf" --task wg --metrics log_likelihood "${gen}/wg_huge.jsonl")
if(NOT last_ref MATCHES "exit 3" OR NOT last_ref MATCHES "overflow")
  message(FATAL_ERROR "the overflow is not reported: ${last_ref}")
endif()
same_output(mixed --format lm-eval --metrics exact_match,mc_grade --per-example
            "${CAT}/samples_mixed_2026-01-01T00-00-00.000000.jsonl")
same_output(bom --format lm-eval "${CAT}/samples_bom_2026-01-01T00-00-00.000000.jsonl")
message("${cases} cases: --threads 2, 3 and 7 write what one thread writes")
