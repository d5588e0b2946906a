# Debian packages from the tree with CPack (`make package`, or
# `cmake --build build --target package`), one per install component:
#   netgear_<version>_<arch>.deb          the shared libraries, the `netgear` tool and
#                                         the Python module (/usr/lib/python3/dist-packages);
#                                         library dependencies found by dpkg-shlibdeps.
#   libnetgear-dev_<version>_<arch>.deb   headers, static libraries, CMake package and
#                                         pkg-config files; depends on netgear (same version)
#                                         and the -dev packages the headers and the static
#                                         library need.
# Installed under /usr, so CMake, pkg-config, the loader and python3 find everything
# without settings. tests/package/check_deb.sh unpacks both and runs them.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME netgear)
set(CPACK_PACKAGE_VENDOR "netgear")
set(CPACK_PACKAGE_CONTACT "netgear maintainers <netgear@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_PREFIX /usr)
# CMAKE_INSTALL_PREFIX is /usr while CPack installs (into DESTDIR), so the
# Python module's install code picks Debian's /usr/lib/python3/dist-packages.
set(CPACK_SET_DESTDIR ON)
# Strips executables and shared libraries; the install code of
# cmake/NetgearInstall.cmake strips the static libraries' and the Python
# module's debug sections as well (CMAKE_INSTALL_DO_STRIP).
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR})

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME netgear)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
    "netgear: libraries, the netgear tool and the Python module\n Real-time video frames over ZeroMQ, wire-compatible with vidgear's NetGear.")
# The Python module is built for one python3.<minor> and uses numpy (dpkg-shlibdeps
# sees only the shared libraries it links, and the module links no libpython).
if(_netgear_py_version)
  string(REGEX REPLACE "^3\\.([0-9]+)$" "\\1" _minor ${_netgear_py_version})
  math(EXPR _next_minor "${_minor} + 1")
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS
      "python3 (>= ${_netgear_py_version}), python3 (<< 3.${_next_minor}), python3-numpy")
endif()

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libnetgear-dev)
set(_netgear_dev_avcodec "")
if(NETGEAR_HAVE_VIDEO_CODEC)  # libnetgear.a needs them at link time
  set(_netgear_dev_avcodec ", libavcodec-dev, libavutil-dev, libswscale-dev")
endif()
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "netgear: development files\n Headers, static and shared library links, CMake package (find_package(netgear))\n and pkg-config files (netgear, netgear_video).")
set(CPACK_COMPONENT_DEV_DEPENDS runtime)  # -> Depends: netgear (= <version>)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libopencv-dev, nlohmann-json3-dev, libzmq3-dev, cppzmq-dev, libspdlog-dev, libturbojpeg0-dev, pkg-config${_netgear_dev_avcodec}")
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)

include(CPack)
