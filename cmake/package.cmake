# `cpack -G DEB` in the build directory: three packages from the install
# components of cmake/install.cmake, for Debian 12 (docs/operations.md,
# "Installing from the packages").
#   chengguand        the server, its unit, user, man pages and sample config
#   chengguan         libchengguan.so.N and the CLI
#   libchengguan-dev  headers, libchengguan-proto.a, pkg-config, CMake config
set(CPACK_PACKAGE_NAME chengguan)
set(CPACK_PACKAGE_VENDOR "chengguan")
set(CPACK_PACKAGE_CONTACT "chengguan maintainers <chengguan@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "city server of the enforcement-enters-compounds programme")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL server client dev)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
# Programs built against this release run with any later one of the same
# SONAME (docs/integration.md, "The library's ABI").
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Debian ships binaries stripped (the build tree keeps the debug info that
# abi.check reads).
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME chengguand)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_SERVER_PACKAGE_RECOMMENDS "postgresql (>= 15), openssl")
set(CPACK_COMPONENT_SERVER_DESCRIPTION "chengguan city server (chengguand)
 The server of the enforcement-enters-residential-compounds programme: it
 owns a PostgreSQL database and speaks protobuf over mutual TLS. Ships a
 systemd unit that starts once certificates are in /etc/chengguan/tls.")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
  ${CMAKE_SOURCE_DIR}/packaging/debian/postinst
  ${CMAKE_SOURCE_DIR}/packaging/debian/prerm
  ${CMAKE_SOURCE_DIR}/packaging/debian/postrm
  ${CMAKE_SOURCE_DIR}/packaging/debian/conffiles)

set(CPACK_DEBIAN_CLIENT_PACKAGE_NAME chengguan)
# ldconfig through dpkg's trigger, not from maintainer scripts.
set(CPACK_DEBIAN_CLIENT_PACKAGE_CONTROL_EXTRA ${CMAKE_SOURCE_DIR}/packaging/debian/triggers)
set(CPACK_COMPONENT_CLIENT_DESCRIPTION "chengguan command-line client and client library
 chengguan, the command-line client of the chengguan city server, and
 libchengguan, the C client library it is built on.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libchengguan-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
  "chengguan (= ${PROJECT_VERSION}), libprotobuf-c-dev, libssl-dev, libjansson-dev, pkg-config")
set(CPACK_COMPONENT_DEV_DESCRIPTION "chengguan client library: development files
 Headers, the generated protobuf-c message code (libchengguan-proto.a), the
 pkg-config file, the CMake package config and the .proto files.")

include(CPack)
