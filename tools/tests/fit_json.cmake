# `emergent fit --json` on a clean logistic curve: exit 0, one JSON object with the documented keys,
# and the midpoint recovered. Run with -DEMERGENT=<program> -DWORK_DIR=<scratch dir>.
file(MAKE_DIRECTORY "${WORK_DIR}")
set(csv "${WORK_DIR}/logistic.csv")
set(content "log_compute,accuracy,sigma\n")
# y = 0.1 + 0.7/(1 + exp(-3(x - 21))) at x = 18, 18.3, ..., 24 (computed once in Python).
set(ys 0.10009 0.10021 0.10052 0.10128 0.10315 0.10769 0.11862 0.14408 0.19930 0.30234 0.45000 0.59766
       0.70070 0.75592 0.78138 0.79231 0.79685 0.79872 0.79948 0.79979 0.79991)
set(i 0)
foreach(y IN LISTS ys)
  math(EXPR xm "1800 + 30 * ${i}")
  math(EXPR xi "${xm} / 100")
  math(EXPR xf "${xm} % 100")
  if(xf LESS 10)
    set(xf "0${xf}")
  endif()
  string(APPEND content "${xi}.${xf},${y},0.01\n")
  math(EXPR i "${i} + 1")
endforeach()
file(WRITE "${csv}" "${content}")

execute_process(COMMAND "${EMERGENT}" fit --model logistic --json "${csv}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "exit ${rc}: ${err}")
endif()
foreach(key model status params std_errors rss aicc n flags)
  string(JSON _v ERROR_VARIABLE jerr GET "${out}" ${key})
  if(jerr)
    message(FATAL_ERROR "JSON output lacks '${key}': ${out}")
  endif()
endforeach()
string(JSON model GET "${out}" model)
string(JSON status GET "${out}" status)
string(JSON x0 GET "${out}" params x0)
string(JSON nflags LENGTH "${out}" flags)
if(NOT model STREQUAL "logistic" OR NOT status STREQUAL "converged" OR NOT nflags EQUAL 0)
  message(FATAL_ERROR "unexpected fit: ${out}")
endif()
if(x0 LESS 20.95 OR x0 GREATER 21.05)
  message(FATAL_ERROR "x0 = ${x0}, expected 21: ${out}")
endif()

# Named columns, weights and a robust loss; the table output names the parameters.
execute_process(COMMAND "${EMERGENT}" fit --model logistic --x log_compute --y accuracy --weights sigma
                        --loss huber --loss-scale 0.05 "${csv}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "status: converged" OR NOT out MATCHES "\nx0 +2[01]")
  message(FATAL_ERROR "table output (exit ${rc}): ${out}${err}")
endif()

# A logistic on a straight line: flagged, not converged.
set(line "x,y\n")
foreach(i RANGE 0 15)
  math(EXPR yv "100 + 7 * ${i}")
  string(APPEND line "${i},0.${yv}\n")
endforeach()
file(WRITE "${WORK_DIR}/line.csv" "${line}")
execute_process(COMMAND "${EMERGENT}" fit --model logistic --json "${WORK_DIR}/line.csv"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(JSON status GET "${out}" status)
if(NOT rc EQUAL 0 OR NOT status STREQUAL "not_identifiable" OR NOT out MATCHES "\"not_identifiable\"")
  message(FATAL_ERROR "line fit (exit ${rc}): ${out}${err}")
endif()
