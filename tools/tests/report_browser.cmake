# Browser check of `emergent report`: opens index.html in headless Chromium, requires that every figure
# loads (the page's inline script sets the title to "ok N/N", N = the number of figures in report.json)
# and that nothing is written to the console, and saves a screenshot (WORK_DIR/screenshot.png) for a
# person to look at. Skipped (prints "SKIPPED:") when no Chromium is installed.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
find_program(CHROMIUM NAMES chromium chromium-browser google-chrome-stable google-chrome)
if(NOT CHROMIUM)
  message(STATUS "SKIPPED: no chromium found (Debian package chromium, scripts/install-deps.sh test)")
  return()
endif()

execute_process(COMMAND "${EMERGENT}" report --spec "${SOURCE_DIR}/examples/data/emergence_report.json" -o "${WORK_DIR}/out" -q
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "emergent report failed (${rc}): ${err}")
endif()
file(READ "${WORK_DIR}/out/report.json" json)
string(JSON nfigures LENGTH "${json}" tasks)

set(flags --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
          --disable-component-update --disable-sync --hide-scrollbars --virtual-time-budget=10000)
set(url "file://${WORK_DIR}/out/index.html")

execute_process(COMMAND "${CHROMIUM}" ${flags} "--user-data-dir=${WORK_DIR}/profile-dom" --enable-logging=stderr --v=0
                        --dump-dom "${url}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE dom ERROR_VARIABLE log TIMEOUT 120)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "chromium --dump-dom exited with ${rc}:\n${log}")
endif()
file(WRITE "${WORK_DIR}/dom.html" "${dom}")
file(WRITE "${WORK_DIR}/chromium.log" "${log}")
string(REGEX MATCHALL "[^\n]*:CONSOLE[^\n]*" console "${log}")
if(console)
  message(FATAL_ERROR "console messages in index.html:\n${console}")
endif()
string(REGEX MATCH "<title>([^<]*)</title>" _ "${dom}")
if(NOT CMAKE_MATCH_1 STREQUAL "ok ${nfigures}/${nfigures}")
  message(FATAL_ERROR "figures did not all load: title is '${CMAKE_MATCH_1}', expected 'ok ${nfigures}/${nfigures}'")
endif()

execute_process(COMMAND "${CHROMIUM}" ${flags} "--user-data-dir=${WORK_DIR}/profile-shot" --window-size=1280,2000
                        "--screenshot=${WORK_DIR}/screenshot.png" "${url}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE log TIMEOUT 120)
if(NOT rc EQUAL 0 OR NOT EXISTS "${WORK_DIR}/screenshot.png")
  message(FATAL_ERROR "chromium --screenshot failed (${rc}):\n${log}")
endif()
file(SIZE "${WORK_DIR}/screenshot.png" size)
if(size LESS 10000)
  message(FATAL_ERROR "screenshot is suspiciously small (${size} bytes)")
endif()
message(STATUS "all ${nfigures} figures loaded, no console messages; screenshot: ${WORK_DIR}/screenshot.png")
