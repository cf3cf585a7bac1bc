# ctest bench_smoke: kstreams_bench runs the whole suite quickly, exits 0 and
# writes valid JSON with one sane row per runnable workload. Never asserts
# speed. Usage: cmake -DBENCH=<kstreams_bench> -DJSON=<file> -P smoke_test.cmake
file(REMOVE "${JSON}")
execute_process(
  COMMAND "${BENCH}" --workload all --mode inprocess --records 20000 --json "${JSON}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "kstreams_bench exited with ${rc}")
endif()
if(NOT EXISTS "${JSON}")
  message(FATAL_ERROR "kstreams_bench wrote no ${JSON}")
endif()
file(READ "${JSON}" json)
string(JSON count ERROR_VARIABLE error LENGTH "${json}" results)
if(error)
  message(FATAL_ERROR "invalid JSON in ${JSON}: ${error}\n${json}")
endif()
if(count LESS 2)
  message(FATAL_ERROR "expected at least passthrough and filter_map, got ${count} results")
endif()
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  foreach(field workload mode records seconds records_per_sec mb_per_sec ratio_to_ceiling
                peak_rss_kb output_records output_bytes)
    string(JSON value ERROR_VARIABLE error GET "${json}" results ${i} ${field})
    if(error)
      message(FATAL_ERROR "result ${i} has no '${field}': ${error}")
    endif()
    set(${field} "${value}")
  endforeach()
  if(NOT records EQUAL 20000 OR NOT mode STREQUAL "inprocess" OR output_records LESS 1
     OR peak_rss_kb LESS 1)
    message(FATAL_ERROR "result ${i} (${workload}) is not sane:\n${json}")
  endif()
endforeach()
string(JSON passthrough_out GET "${json}" results 0 output_records)
if(NOT passthrough_out EQUAL 20000)
  message(FATAL_ERROR "passthrough must write every record, wrote ${passthrough_out}")
endif()

# Modes that need the runtime must refuse instead of printing numbers.
execute_process(COMMAND "${BENCH}" --workload passthrough --mode embedded --records 10
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "not available yet")
  message(FATAL_ERROR "--mode embedded should fail with 'not available yet', got ${rc}: ${out}${err}")
endif()
