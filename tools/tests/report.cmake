# `emergent report`: on the shipped data it writes report.json, index.html and one SVG per task and prints
# a summary; the single-table form works; bad input exits with 2 (input_error) or 3 (parse_error) and a
# message naming the problem.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(run_ok)
  execute_process(COMMAND "${EMERGENT}" ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "emergent ${ARGN} exited with ${rc}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

function(run_fails expected_rc expected_message)
  execute_process(COMMAND "${EMERGENT}" ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL expected_rc)
    message(FATAL_ERROR "emergent ${ARGN}: expected exit ${expected_rc}, got ${rc}\n${out}\n${err}")
  endif()
  string(FIND "${err}" "${expected_message}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "emergent ${ARGN}: expected '${expected_message}' on stderr, got:\n${err}")
  endif()
endfunction()

# 1. The README's main job on the shipped data.
run_ok(report --spec "${SOURCE_DIR}/examples/data/emergence_report.json" -o "${WORK_DIR}/main")
foreach(needle "pythia-addition" "lambada" "obsscaling-2-digit-addition" "winogrande" "Qwen/Qwen1.5-110B" "11 figures")
  string(FIND "${out}" "${needle}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "summary lacks '${needle}':\n${out}")
  endif()
endforeach()
file(READ "${WORK_DIR}/main/report.json" json)
string(JSON ntasks LENGTH "${json}" tasks)
if(NOT ntasks EQUAL 11)
  message(FATAL_ERROR "report.json has ${ntasks} tasks, expected 11")
endif()
math(EXPR last "${ntasks} - 1")
foreach(i RANGE ${last})
  string(JSON figure GET "${json}" tasks ${i} figure)
  if(NOT EXISTS "${WORK_DIR}/main/${figure}")
    message(FATAL_ERROR "figure ${figure} is listed in report.json but was not written")
  endif()
  file(READ "${WORK_DIR}/main/${figure}" svg LIMIT 200)
  string(FIND "${svg}" "<svg xmlns=\"http://www.w3.org/2000/svg\"" at)
  if(NOT at EQUAL 0)
    message(FATAL_ERROR "${figure} does not start with an <svg> element")
  endif()
endforeach()
# The Pythia 2-shot addition point of the 2.8B model: 3583 of 5000 correct.
string(JSON label GET "${json}" tasks 0 series 1 label)
string(JSON acc GET "${json}" tasks 0 series 1 points 4 hard value)
string(JSON model GET "${json}" tasks 0 series 1 points 4 model)
if(NOT label STREQUAL "2-shot" OR NOT model STREQUAL "EleutherAI/pythia-2.8b-deduped" OR NOT acc MATCHES "^0\\.71")
  message(FATAL_ERROR "unexpected Pythia 2-shot 2.8B point: ${label} ${model} ${acc}")
endif()
file(READ "${WORK_DIR}/main/index.html" html)
string(FIND "${html}" "<img src=\"pythia-addition.svg\"" at)
if(at EQUAL -1)
  message(FATAL_ERROR "index.html does not show pythia-addition.svg")
endif()

# 2. Single-table form.
run_ok(report "${SOURCE_DIR}/examples/data/pythia_lambada.csv" --hard acc --n n --correct correct --soft ppl
       --soft-stderr ppl_stderr --soft-lower-is-better --soft-log --where num_fewshot=0 --where checkpoint_step=143000
       -o "${WORK_DIR}/single")
if(NOT EXISTS "${WORK_DIR}/single/task.svg" OR NOT EXISTS "${WORK_DIR}/single/index.html")
  message(FATAL_ERROR "single-table report did not write task.svg and index.html")
endif()

# 3. Errors.
run_fails(3 "no such column" report "${SOURCE_DIR}/examples/data/pythia_lambada.csv" --hard accuracy -o "${WORK_DIR}/e1")
run_fails(2 "missing.csv': no such file" report "${WORK_DIR}/missing.csv" --hard acc -o "${WORK_DIR}/e2")
run_fails(2 "is not COLUMN=VALUE" report "${SOURCE_DIR}/examples/data/pythia_lambada.csv" --hard acc --where num_fewshot
          -o "${WORK_DIR}/e3")
run_fails(3 "appears twice at the same x" report "${SOURCE_DIR}/examples/data/pythia_lambada.csv" --hard acc -o "${WORK_DIR}/e4")
file(WRITE "${WORK_DIR}/bad_spec.json" "{\"tasks\": [{\"id\": \"a\", \"table\": \"x.csv\", \"hard\": {\"column\": \"acc\"}, \"colour\": 1}]}")
run_fails(2 "unknown key 'colour'" report --spec "${WORK_DIR}/bad_spec.json" -o "${WORK_DIR}/e5")
file(WRITE "${WORK_DIR}/bad.csv" "model,family,params,acc\nm1,f,1e9,0.5\nm2,f,2e9,1.5\n")
run_fails(3 "bad.csv:3: acc: " report "${WORK_DIR}/bad.csv" --hard acc --n 100 --x params -o "${WORK_DIR}/e6")
run_fails(2 "no rows left" report "${WORK_DIR}/bad.csv" --hard acc --x params --where family=g -o "${WORK_DIR}/e7")
file(WRITE "${WORK_DIR}/ragged.csv" "model,params,acc\nm1,1e9\n")
run_fails(3 "ragged.csv:2: row has 2 cells but the header has 3" report "${WORK_DIR}/ragged.csv" --hard acc --x params -o "${WORK_DIR}/e10")

# 4. The long per-model table of `emergent score --per-model` (one row per model and metric) is pivoted;
#    its intervals are used as given.
file(WRITE "${WORK_DIR}/long.csv"
"model,task,metric,n,value,lower,upper,stderr,interval,params,tokens,flops,flops_derived
m1,t,mc_grade,100,0.25,0.17,0.34,0.043,wilson,1e8,2e10,,true
m1,t,brier,100,0.4,0.35,0.45,0.025,t,1e8,2e10,,true
m2,t,mc_grade,100,0.27,0.19,0.36,0.044,wilson,4e8,2e10,,true
m2,t,brier,100,0.38,0.33,0.43,0.025,t,4e8,2e10,,true
m3,t,mc_grade,100,0.30,0.22,0.40,0.046,wilson,1.6e9,2e10,,true
m3,t,brier,100,0.3,0.25,0.35,0.025,t,1.6e9,2e10,,true
m4,t,mc_grade,100,0.80,0.71,0.87,0.04,wilson,6.4e9,2e10,,true
m4,t,brier,100,0.2,0.15,0.25,0.025,t,6.4e9,2e10,,true
")
run_ok(report "${WORK_DIR}/long.csv" --hard mc_grade --soft brier --soft-lower-is-better -o "${WORK_DIR}/long")
file(READ "${WORK_DIR}/long/report.json" json)
string(JSON lower GET "${json}" tasks 0 series 0 points 3 hard lower)
string(JSON interval GET "${json}" tasks 0 series 0 points 3 hard interval)
string(JSON soft_upper GET "${json}" tasks 0 series 0 points 0 soft upper)
string(JSON quantity GET "${json}" tasks 0 series 0 points 0 quantity)
if(NOT lower EQUAL 0.71 OR NOT interval STREQUAL "given" OR NOT soft_upper EQUAL 0.45 OR NOT quantity EQUAL 1.2e19)
  message(FATAL_ERROR "long table: lower ${lower} interval ${interval} soft upper ${soft_upper} quantity ${quantity}")
endif()
file(WRITE "${WORK_DIR}/long_bad.csv" "model,metric,value,lower,upper,params\nm1,acc,0.5,0.6,0.7,1e9\n")
run_fails(3 "does not contain the value 0.5" report "${WORK_DIR}/long_bad.csv" --hard acc --x params -o "${WORK_DIR}/e8")
file(WRITE "${WORK_DIR}/long_dup.csv" "model,metric,value,params\nm1,acc,0.5,1e9\nm1,acc,0.6,1e9\n")
run_fails(3 "'acc' appears twice for the same model" report "${WORK_DIR}/long_dup.csv" --hard acc --x params -o "${WORK_DIR}/e9")
