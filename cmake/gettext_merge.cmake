# cmake -DPOT=... -DPO_DIR=... -DMSGMERGE=... -P gettext_merge.cmake
# Brings every PO_DIR/*.po up to date with POT (msgmerge --update, no fuzzy matching).
file(GLOB po_files ${PO_DIR}/*.po)
foreach(po ${po_files})
  execute_process(COMMAND ${MSGMERGE} --quiet --update --backup=none --no-fuzzy-matching
                          --no-location --sort-output ${po} ${POT}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "msgmerge ${po} failed")
  endif()
endforeach()
