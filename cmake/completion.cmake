# The bash completion of the CLI, configured from the reference data in
# sql/NNNN_*.sql: unit codes (INSERT INTO units), district codes (INSERT INTO
# districts) and violation categories (number, Chinese name, English code
# rows of an INSERT INTO a table named *categor*); without categories in the
# SQL, the numbers 1-10.
set(CG_COMPLETION_UNITS "")
set(CG_COMPLETION_DISTRICTS "")
set(CG_COMPLETION_CATEGORIES "")
foreach(sql ${CG_MIGRATIONS})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${sql})
  file(STRINGS ${sql} lines ENCODING UTF-8)
  set(table "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^INSERT INTO ([a-z_.]+)")
      set(table ${CMAKE_MATCH_1})
    elseif(NOT line MATCHES "^[ \t]*\\(")
      set(table "")
    endif()
    if(table STREQUAL "units" AND line MATCHES "^[ \t]*\\('([a-z_]+)'")
      list(APPEND CG_COMPLETION_UNITS ${CMAKE_MATCH_1})
    elseif(table STREQUAL "districts" AND line MATCHES "^[ \t]*\\('([a-z_]+)', *'([^']+)'")
      list(APPEND CG_COMPLETION_DISTRICTS ${CMAKE_MATCH_1} ${CMAKE_MATCH_2})
    elseif(table MATCHES "categor" AND line MATCHES "^[ \t]*\\(([0-9]+), *'([^']+)', *'([a-z_]+)'")
      list(APPEND CG_COMPLETION_CATEGORIES ${CMAKE_MATCH_1} ${CMAKE_MATCH_2} ${CMAKE_MATCH_3})
    endif()
  endforeach()
endforeach()
if(NOT CG_COMPLETION_CATEGORIES)
  set(CG_COMPLETION_CATEGORIES 1 2 3 4 5 6 7 8 9 10)
endif()
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
