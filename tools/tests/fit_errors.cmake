# `emergent fit` on bad files: each error names the file, line and column and exits 3 (parse_error).
file(MAKE_DIRECTORY "${WORK_DIR}")
function(expect_error name content args pattern)
  file(WRITE "${WORK_DIR}/${name}.csv" "${content}")
  execute_process(COMMAND "${EMERGENT}" fit ${args} "${WORK_DIR}/${name}.csv"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 3)
    message(FATAL_ERROR "${name}: expected exit 3, got ${rc}: ${out}${err}")
  endif()
  string(REPLACE "${WORK_DIR}/" "" err "${err}")
  if(NOT err MATCHES "${pattern}")
    message(FATAL_ERROR "${name}: message '${err}' does not match '${pattern}'")
  endif()
endfunction()

set(good "x,y\n1,0.1\n2,0.2\n3,0.35\n4,0.6\n5,0.7\n6,0.72\n7,0.74\n")
expect_error(missing_column "${good}" "--model;logistic;--y;accuracy" "missing_column.csv:1: accuracy: no such column \\(columns: x, y\\)")
expect_error(non_numeric "x,y\n1,0.1\n2,abc\n3,0.35\n4,0.6\n5,0.7\n" "--model;linear" "non_numeric.csv:3: y: 'abc' is not a number")
expect_error(empty_cell "x,y\n1,0.1\n2,0.2\n,0.35\n4,0.6\n" "--model;linear" "empty_cell.csv:4: x: empty cell where a number is expected")
expect_error(too_few "x,y\n1,0.1\n2,0.2\n3,0.35\n" "--model;logistic" "too_few.csv:4: y: 3 data rows but logistic has 4 parameters")
expect_error(ragged "x,y\n1,0.1\n2\n" "--model;linear" "ragged.csv:3: row has 1 cells but the header has 2")
expect_error(log_of_zero "x,y\n0,0.1\n2,0.2\n3,0.35\n" "--model;linear;--x-log10" "log_of_zero.csv:2: x: 0 is not positive")
expect_error(no_file "" "--model;linear" "no_file.csv:0: no header row")
expect_error(unterminated "x,y\n1,0.1\n2,\"0.2\n3,0.35\n" "--model;linear" "unterminated.csv:3: y: unterminated quoted cell")
# RFC 4180: a quoted cell may span lines; the row after it keeps its own line number
expect_error(multiline "x,\"y\nvalue\"\n1,0.1\n2,zz\n" "--model;linear" "multiline.csv:4: y\nvalue: 'zz' is not a number")

# A missing file is a bad input file (exit 2) naming the file.
execute_process(COMMAND "${EMERGENT}" fit --model linear "${WORK_DIR}/does_not_exist.csv"
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "does_not_exist.csv': no such file")
  message(FATAL_ERROR "missing file: exit ${rc}: ${err}")
endif()
# An unknown model is a usage error (CLI11's error mapped to exit 1).
execute_process(COMMAND "${EMERGENT}" fit --model sigmoid "${WORK_DIR}/non_numeric.csv" RESULT_VARIABLE rc ERROR_QUIET OUTPUT_QUIET)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "unknown model accepted")
endif()
