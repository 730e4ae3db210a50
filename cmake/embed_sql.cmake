# cg_embed_migrations(OUTPUT files...)
# Generates a C file holding every migration (version, name, SQL text), so
# chengguand knows the newest schema it understands without reading sql/.
function(cg_embed_migrations output)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output} "-DFILES=${ARGN}"
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_sql_run.cmake
    DEPENDS ${ARGN} ${CMAKE_SOURCE_DIR}/cmake/embed_sql_run.cmake
    COMMENT "embedding SQL migrations"
    VERBATIM)
endfunction()
