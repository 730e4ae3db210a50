# Run by `cmake --install` (cmake/install.cmake): writes the server's sample
# config, systemd unit and sysusers.d entry with the paths of the prefix
# being installed to (file(INSTALL) adds DESTDIR itself). Under /usr (the packages) the config lives in /etc;
# under any other prefix in PREFIX/etc.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(SYSCONFDIR /etc)
else()
  set(SYSCONFDIR ${CMAKE_INSTALL_PREFIX}/etc)
endif()
set(SBINDIR ${CMAKE_INSTALL_PREFIX}/${CG_SBINDIR})
set(out ${CG_BINARY_DIR}/packaging/install)
configure_file(${CG_BINARY_DIR}/packaging/chengguand.conf.in ${out}/chengguand.conf @ONLY)
configure_file(${CG_SOURCE_DIR}/packaging/chengguand.service.in ${out}/chengguand.service @ONLY)
file(INSTALL ${out}/chengguand.conf DESTINATION ${SYSCONFDIR}/chengguan)
file(INSTALL ${out}/chengguand.service
  DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
file(INSTALL ${CG_SOURCE_DIR}/packaging/chengguand.sysusers
  DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/sysusers.d RENAME chengguand.conf)
