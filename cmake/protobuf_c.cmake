# cg_protobuf_c_generate(SRCS_VAR HDRS_VAR ROOT dir OUT dir PROTOS files...)
# Runs protoc-c on each .proto at build time, writing into OUT.
function(cg_protobuf_c_generate srcs_var hdrs_var)
  cmake_parse_arguments(ARG "" "ROOT;OUT" "PROTOS" ${ARGN})
  set(srcs)
  set(hdrs)
  foreach(proto ${ARG_PROTOS})
    file(RELATIVE_PATH rel ${ARG_ROOT} ${proto})
    string(REGEX REPLACE "\\.proto$" "" stem ${rel})
    set(c ${ARG_OUT}/${stem}.pb-c.c)
    set(h ${ARG_OUT}/${stem}.pb-c.h)
    add_custom_command(
      OUTPUT ${c} ${h}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${ARG_OUT}
      COMMAND ${PROTOC_C} --c_out=${ARG_OUT} -I ${ARG_ROOT} ${proto}
      DEPENDS ${proto}
      COMMENT "protoc-c ${rel}"
      VERBATIM)
    list(APPEND srcs ${c})
    list(APPEND hdrs ${h})
  endforeach()
  set(${srcs_var} ${srcs} PARENT_SCOPE)
  set(${hdrs_var} ${hdrs} PARENT_SCOPE)
endfunction()
