# What `cmake --install` puts where. Three components, one .deb each
# (cmake/package.cmake): server (chengguand, its man pages, sample config,
# systemd unit and system user), client (libchengguan.so.N and the CLI),
# dev (headers, libchengguan-proto.a, pkg-config file, CMake package config,
# the .proto files).
include(CMakePackageConfigHelpers)

install(TARGETS chengguand RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR} COMPONENT server)
install(TARGETS chengguan-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT client)
install(TARGETS libchengguan cg_proto EXPORT chengguanTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT client NAMELINK_COMPONENT dev
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  PUBLIC_HEADER DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/chengguan COMPONENT dev)
install(FILES ${CMAKE_SOURCE_DIR}/include/chengguan/adapters/libuv.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/chengguan/adapters COMPONENT dev)
install(FILES ${CG_PROTO_HDRS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/chengguan/v1 COMPONENT dev)
install(FILES ${CG_PROTOS} DESTINATION ${CMAKE_INSTALL_DATADIR}/chengguan/proto/chengguan/v1
  COMPONENT dev)
install(FILES ${CMAKE_BINARY_DIR}/libchengguan.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
  COMPONENT dev)

# find_package(chengguan): chengguan::chengguan (the shared library) and
# chengguan::proto (the message code a program compiles in).
set(CG_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/chengguan)
install(EXPORT chengguanTargets NAMESPACE chengguan:: DESTINATION ${CG_CMAKE_DIR} COMPONENT dev)
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/chengguanConfig.cmake.in
  ${CMAKE_BINARY_DIR}/chengguanConfig.cmake INSTALL_DESTINATION ${CG_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/chengguanConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/chengguanConfig.cmake ${CMAKE_BINARY_DIR}/chengguanConfigVersion.cmake
  DESTINATION ${CG_CMAKE_DIR} COMPONENT dev)

# Man pages (gzipped, as Debian installs them) and the sample config: the lists of options, commands and
# settings in them are made from the programs' --help and from the settings
# table of docs/operations.md (man/generate.sh), so they cannot drift.
set(CG_GEN ${CMAKE_SOURCE_DIR}/man/generate.sh)
set(CG_OPS_DOC ${CMAKE_SOURCE_DIR}/docs/operations.md)
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/man/chengguan.1 ${CMAKE_BINARY_DIR}/man/chengguan.1.gz
  COMMAND ${CG_GEN} help $<TARGET_FILE:chengguan-cli> ${CMAKE_SOURCE_DIR}/man/chengguan.1.in
    ${CMAKE_BINARY_DIR}/man/chengguan.1
  COMMAND gzip -9nf -k ${CMAKE_BINARY_DIR}/man/chengguan.1
  DEPENDS chengguan-cli ${CG_GEN} ${CMAKE_SOURCE_DIR}/man/chengguan.1.in)
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/man/chengguand.8 ${CMAKE_BINARY_DIR}/man/chengguand.8.gz
  COMMAND ${CG_GEN} help $<TARGET_FILE:chengguand> ${CMAKE_SOURCE_DIR}/man/chengguand.8.in
    ${CMAKE_BINARY_DIR}/man/chengguand.8
  COMMAND gzip -9nf -k ${CMAKE_BINARY_DIR}/man/chengguand.8
  DEPENDS chengguand ${CG_GEN} ${CMAKE_SOURCE_DIR}/man/chengguand.8.in)
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/man/chengguand.conf.5 ${CMAKE_BINARY_DIR}/man/chengguand.conf.5.gz
  COMMAND ${CG_GEN} settings-roff ${CG_OPS_DOC} ${CMAKE_SOURCE_DIR}/man/chengguand.conf.5.in
    ${CMAKE_BINARY_DIR}/man/chengguand.conf.5
  COMMAND gzip -9nf -k ${CMAKE_BINARY_DIR}/man/chengguand.conf.5
  DEPENDS ${CG_GEN} ${CG_OPS_DOC} ${CMAKE_SOURCE_DIR}/man/chengguand.conf.5.in)
# @SYSCONFDIR@ is left for install time (cmake/install_server.cmake).
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/packaging/chengguand.conf.in
  COMMAND ${CG_GEN} settings-ini ${CG_OPS_DOC} ${CMAKE_SOURCE_DIR}/packaging/chengguand.conf.in
    ${CMAKE_BINARY_DIR}/packaging/chengguand.conf.in
    listen=0.0.0.0:7443
    tls_cert=@SYSCONFDIR@/chengguan/tls/server.crt
    tls_key=@SYSCONFDIR@/chengguan/tls/server.key
    tls_ca=@SYSCONFDIR@/chengguan/tls/ca.crt
    database=dbname=chengguan
  DEPENDS ${CG_GEN} ${CG_OPS_DOC} ${CMAKE_SOURCE_DIR}/packaging/chengguand.conf.in)
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/man ${CMAKE_BINARY_DIR}/packaging)
add_custom_target(man ALL DEPENDS ${CMAKE_BINARY_DIR}/man/chengguan.1.gz
  ${CMAKE_BINARY_DIR}/man/chengguand.8.gz ${CMAKE_BINARY_DIR}/man/chengguand.conf.5.gz
  ${CMAKE_BINARY_DIR}/packaging/chengguand.conf.in)
install(FILES ${CMAKE_BINARY_DIR}/man/chengguan.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
  COMPONENT client)
install(FILES ${CMAKE_BINARY_DIR}/man/chengguand.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8
  COMPONENT server)
install(FILES ${CMAKE_BINARY_DIR}/man/chengguand.conf.5.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man5
  COMPONENT server)

# /usr/share/doc/PACKAGE/copyright in each package, as Debian expects.
foreach(pair server:chengguand client:chengguan dev:libchengguan-dev)
  string(REPLACE ":" ";" pair ${pair})
  list(GET pair 0 component)
  list(GET pair 1 package)
  install(FILES ${CMAKE_SOURCE_DIR}/packaging/debian/copyright
    DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${package} COMPONENT ${component})
endforeach()

# The sample config and the systemd unit name paths that depend on the
# prefix given at install time (/usr: /etc and /usr/sbin; a scratch prefix:
# its own etc/ and sbin/), so they are written then.
install(CODE "set(CG_SOURCE_DIR \"${CMAKE_SOURCE_DIR}\")
  set(CG_BINARY_DIR \"${CMAKE_BINARY_DIR}\")
  set(CG_SBINDIR \"${CMAKE_INSTALL_SBINDIR}\")
  include(\"${CMAKE_SOURCE_DIR}/cmake/install_server.cmake\")" COMPONENT server)
