# ctest bench_smoke: kstreams_bench runs the in-process suite and, on the
# embedded broker, raw_pipe, passthrough, count_uncached, stream_table_join
# (a preloaded table), stream_stream_join (two inputs, end markers),
# restore and three_stores (the memory row's topology) with a few records; each exits 0 and writes valid JSON with one
# sane row per workload. Never asserts speed (the embedded runs themselves
# check their output exactly, or fail). Usage:
#   cmake -DBENCH=<kstreams_bench> -DJSON=<file prefix> -P smoke_test.cmake

# Runs kstreams_bench with ARGN and leaves the JSON document in ${out_var}.
function(run_bench json out_var)
  file(REMOVE "${json}")
  execute_process(COMMAND "${BENCH}" ${ARGN} --json "${json}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "kstreams_bench ${ARGN} exited with ${rc}")
  endif()
  if(NOT EXISTS "${json}")
    message(FATAL_ERROR "kstreams_bench wrote no ${json}")
  endif()
  file(READ "${json}" doc)
  string(JSON count ERROR_VARIABLE error LENGTH "${doc}" results)
  if(error)
    message(FATAL_ERROR "invalid JSON in ${json}: ${error}\n${doc}")
  endif()
  set(${out_var} "${doc}" PARENT_SCOPE)
endfunction()

# Every row has every field, the mode and the record count asked for, and
# wrote output. Sets ${workloads_var} to the rows' workload names, in order.
function(check_rows doc mode records workloads_var)
  string(JSON count LENGTH "${doc}" results)
  math(EXPR last "${count} - 1")
  set(names "")
  foreach(i RANGE ${last})
    foreach(field workload mode records seconds records_per_sec mb_per_sec ratio_to_ceiling
                  cpu_ratio_to_ceiling peak_rss_kb startup_seconds output_records output_bytes)
      string(JSON value ERROR_VARIABLE error GET "${doc}" results ${i} ${field})
      if(error)
        message(FATAL_ERROR "result ${i} has no '${field}': ${error}")
      endif()
      set(${field} "${value}")
    endforeach()
    if(NOT records EQUAL ${records} OR NOT mode STREQUAL "${mode}" OR output_records LESS 1
       OR peak_rss_kb LESS 1)
      message(FATAL_ERROR "result ${i} (${workload}) is not sane:\n${doc}")
    endif()
    # Every embedded row has a startup time, and a ratio unless it restores.
    if(mode STREQUAL "embedded" AND (startup_seconds STREQUAL ""
       OR (ratio_to_ceiling STREQUAL "" AND NOT workload STREQUAL "restore")))
      message(FATAL_ERROR "embedded result ${i} (${workload}) lacks its ratio or startup:\n${doc}")
    endif()
    list(APPEND names "${workload}")
  endforeach()
  set(${workloads_var} "${names}" PARENT_SCOPE)
endfunction()

run_bench("${JSON}-inprocess.json" doc --workload all --mode inprocess --records 20000)
check_rows("${doc}" inprocess 20000 names)
set(all_workloads "passthrough;filter_map;repartition;kv_store;kv_store_uncached;count;count_uncached;windowed_count;stream_table_join;stream_stream_join;table_table_join;three_stores;sql_filter_project;dsl_json_filter_project;sql_windowed_count;dsl_json_windowed_count;restore")
if(NOT names STREQUAL "${all_workloads}")
  message(FATAL_ERROR "expected every workload (${all_workloads}), got ${names}")
endif()
string(JSON passthrough_out GET "${doc}" results 0 output_records)
if(NOT passthrough_out EQUAL 20000)
  message(FATAL_ERROR "passthrough must write every record, wrote ${passthrough_out}")
endif()

run_bench("${JSON}-embedded.json" doc
          --workload passthrough,count_uncached,stream_table_join,stream_stream_join,restore,three_stores
          --mode embedded --records 2000)
check_rows("${doc}" embedded 2000 names)
if(NOT names STREQUAL "raw_pipe;passthrough;count_uncached;stream_table_join;stream_stream_join;restore;three_stores")
  message(FATAL_ERROR "expected raw_pipe, passthrough, count_uncached, stream_table_join, "
                      "stream_stream_join, restore, three_stores; got ${names}")
endif()
# One output per record (stream_table_join: one per stream record, the
# preloaded table's own records not counted).
foreach(i 0 1 2 3)
  string(JSON out GET "${doc}" results ${i} output_records)
  if(NOT out EQUAL 2000)
    message(FATAL_ERROR "row ${i} read back ${out} output records, expected 2000:\n${doc}")
  endif()
endforeach()

# Bad arguments are refused before anything runs.
execute_process(COMMAND "${BENCH}" --mode broker --records 10
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "needs --bootstrap-servers")
  message(FATAL_ERROR "--mode broker without servers should exit 2, got ${rc}: ${out}${err}")
endif()
