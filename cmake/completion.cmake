# The bash completion of the CLI, configured from the reference data in
# sql/NNNN_*.sql: unit codes (INSERT INTO units), district codes (INSERT INTO
# districts) and violation categories: number and code name from the rows
# (N, 'code', '中文') of INSERT INTO violation_categories, the Chinese name
# from the latest rows (N, '中文', 'English') of an UPDATE of it (0007).
set(CG_COMPLETION_UNITS "")
set(CG_COMPLETION_DISTRICTS "")
set(CG_COMPLETION_CATEGORIES "")
foreach(sql ${CG_MIGRATIONS})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${sql})
  file(STRINGS ${sql} lines ENCODING UTF-8)
  set(table "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^(INSERT INTO|UPDATE) ([a-z_.]+)")
      set(table ${CMAKE_MATCH_2})
    elseif(NOT line MATCHES "^[ \t]*\\(" AND NOT line MATCHES "^FROM \\(VALUES")
      set(table "")
    endif()
    if(table STREQUAL "units" AND line MATCHES "^[ \t]*\\('([a-z_]+)'")
      list(APPEND CG_COMPLETION_UNITS ${CMAKE_MATCH_1})
    elseif(table STREQUAL "districts" AND line MATCHES "^[ \t]*\\('([a-z_]+)', *'([^']+)'")
      list(APPEND CG_COMPLETION_DISTRICTS ${CMAKE_MATCH_1} ${CMAKE_MATCH_2})
    elseif(table STREQUAL "violation_categories"
           AND line MATCHES "^[ \t]*\\(([0-9]+), *'([a-z_]+)', *'([^']+)'")
      set(cg_category_code_${CMAKE_MATCH_1} ${CMAKE_MATCH_2})
      set(cg_category_zh_${CMAKE_MATCH_1} ${CMAKE_MATCH_3})
    elseif(table STREQUAL "violation_categories"
           AND line MATCHES "^[ \t]*\\(([0-9]+), *'([^']+)', *'[^']*[A-Z ][^']*'")
      set(cg_category_zh_${CMAKE_MATCH_1} ${CMAKE_MATCH_2})
    endif()
  endforeach()
endforeach()
foreach(n RANGE 1 10)
  list(APPEND CG_COMPLETION_CATEGORIES ${n} ${cg_category_code_${n}} ${cg_category_zh_${n}})
endforeach()
list(JOIN CG_COMPLETION_UNITS " " CG_COMPLETION_UNITS)
list(JOIN CG_COMPLETION_DISTRICTS " " CG_COMPLETION_DISTRICTS)
list(JOIN CG_COMPLETION_CATEGORIES " " CG_COMPLETION_CATEGORIES)

file(RELATIVE_PATH CG_BUILD_REL ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})
set(CG_COMPLETION_PROGS "${CMAKE_BINARY_DIR}/chengguan ${CG_BUILD_REL}/chengguan ./${CG_BUILD_REL}/chengguan")
configure_file(${CMAKE_SOURCE_DIR}/client/completion/chengguan.bash.in
  ${CMAKE_BINARY_DIR}/chengguan.bash @ONLY)
set(CG_COMPLETION_PROGS "")
configure_file(${CMAKE_SOURCE_DIR}/client/completion/chengguan.bash.in
  ${CMAKE_BINARY_DIR}/completion/chengguan @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/completion/chengguan
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
