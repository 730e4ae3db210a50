# Message catalogues of the CLI (GNU gettext, Debian's gettext package).
#
#   cg_gettext(DOMAIN SOURCES...) compiles every po/LANG.po into
#   ${CMAKE_BINARY_DIR}/locale/LANG/LC_MESSAGES/DOMAIN.mo (where the CLI finds
#   it in the build tree), installs it under CMAKE_INSTALL_LOCALEDIR, and adds
#   the target `po-update`: xgettext over SOURCES into po/DOMAIN.pot, then
#   msgmerge into each po/LANG.po.
find_program(MSGFMT msgfmt REQUIRED)
find_program(XGETTEXT xgettext)
find_program(MSGMERGE msgmerge)

function(cg_gettext domain)
  file(GLOB po_files CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/po/*.po)
  set(mo_files)
  foreach(po ${po_files})
    get_filename_component(lang ${po} NAME_WE)
    set(dir ${CMAKE_BINARY_DIR}/locale/${lang}/LC_MESSAGES)
    set(mo ${dir}/${domain}.mo)
    add_custom_command(OUTPUT ${mo}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
      COMMAND ${MSGFMT} --check --statistics -o ${mo} ${po}
      DEPENDS ${po}
      COMMENT "msgfmt ${lang}.po")
    install(FILES ${mo} DESTINATION ${CMAKE_INSTALL_LOCALEDIR}/${lang}/LC_MESSAGES)
    list(APPEND mo_files ${mo})
  endforeach()
  add_custom_target(${domain}-mo ALL DEPENDS ${mo_files})

  if(XGETTEXT AND MSGMERGE)
    set(pot ${CMAKE_SOURCE_DIR}/po/${domain}.pot)
    add_custom_target(po-update
      COMMAND ${XGETTEXT} --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=NC_:1c,2
              --add-comments=TRANSLATORS: --package-name=${domain} --no-location --sort-output
              -o ${pot} ${ARGN}
      COMMAND ${CMAKE_COMMAND} -DPOT=${pot} -DPO_DIR=${CMAKE_SOURCE_DIR}/po -DMSGMERGE=${MSGMERGE}
              -P ${CMAKE_SOURCE_DIR}/cmake/gettext_merge.cmake
      WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
      COMMENT "xgettext into po/${domain}.pot, msgmerge into po/*.po")
  endif()
endfunction()
