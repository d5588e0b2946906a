# Install the libraries, their public headers and an exported CMake package, so that
# `find_package(netgear CONFIG)` + `target_link_libraries(app netgear::netgear)` works,
# and netgear::video (VideoSource) with it. Each library is its own export set, so
# the package can load netgear::video (and find OpenCV's videoio for it) only when
# it is asked for: `find_package(netgear CONFIG COMPONENTS video)` or no components.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS netgear EXPORT netgearTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/netgear
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT netgearTargets NAMESPACE netgear::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/netgear)
install(TARGETS netgear_video EXPORT netgearVideoTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT netgearVideoTargets NAMESPACE netgear::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/netgear)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/netgearConfig.cmake.in
  ${PROJECT_BINARY_DIR}/netgearConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/netgear)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/netgearConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/netgearConfig.cmake
              ${PROJECT_BINARY_DIR}/netgearConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/netgear)

# The `netgear` tool (send, recv, demo, keys), for deploying on machines without a build.
if(TARGET netgear_cli)
  install(TARGETS netgear_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# The Python package, where Debian's python3 looks (lib/python3/dist-packages).
if(TARGET netgear_python)
  set(NETGEAR_PYTHON_INSTALL_DIR lib/python3/dist-packages/netgear CACHE STRING
      "Where the netgear Python package is installed, relative to the prefix")
  install(TARGETS netgear_python LIBRARY DESTINATION ${NETGEAR_PYTHON_INSTALL_DIR})
  install(FILES ${PROJECT_SOURCE_DIR}/python/netgear/__init__.py DESTINATION ${NETGEAR_PYTHON_INSTALL_DIR})
endif()
