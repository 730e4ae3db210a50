# cg_embed_sql(OUTPUT MIGRATIONS files... API files...)
# Generates a C file holding every numbered migration (version, name, SQL
# text) and the repeatable API set (name, SQL text, and the set's checksum),
# so chengguand knows the schema it needs without reading sql/.
function(cg_embed_sql output)
  cmake_parse_arguments(ARG "" "" "MIGRATIONS;API" ${ARGN})
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output} "-DFILES=${ARG_MIGRATIONS}" "-DAPI=${ARG_API}"
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_sql_run.cmake
    DEPENDS ${ARG_MIGRATIONS} ${ARG_API} ${CMAKE_SOURCE_DIR}/cmake/embed_sql_run.cmake
    COMMENT "embedding SQL migrations and the API set"
    VERBATIM)
endfunction()
