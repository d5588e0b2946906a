# Install the libraries, their public headers and an exported CMake package, so that
# `find_package(netgear CONFIG)` + `target_link_libraries(app netgear::netgear)` works,
# and netgear::video (VideoSource) with it. Each library is its own export set, so
# the package can load netgear::video (and find OpenCV's videoio for it) only when
# it is asked for: `find_package(netgear CONFIG COMPONENTS video)` or no components.
#
# Targets a user gets: netgear::netgear and netgear::video link the shared
# libraries (libnetgear.so.0, libnetgear_video.so.0), as -lnetgear does through
# pkg-config; netgear::netgear_static and netgear::video_static link the .a files.
# The same package works from the build tree: cmake -Dnetgear_DIR=<build dir>.
#
# Install components (the Debian packages of cmake/NetgearPackage.cmake):
#   runtime: the shared libraries, the `netgear` tool, the Python module;
#   dev:     headers, static libraries, .so links, CMake package, pkg-config files.
include(CMakePackageConfigHelpers)

set(_netgear_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/netgear)

install(TARGETS netgear_shared netgear EXPORT netgearTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS netgear_video_shared netgear_video EXPORT netgearVideoTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# `cmake --install --strip` and the .deb: CMake strips only executables and
# shared libraries; drop the static libraries' debug sections too (75 MB -> a few).
install(CODE "
  if(CMAKE_INSTALL_DO_STRIP)
    foreach(_a libnetgear.a libnetgear_video.a)
      execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/\${_a}\"
                      COMMAND_ERROR_IS_FATAL ANY)
    endforeach()
  endif()" COMPONENT dev)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/netgear ${PROJECT_BINARY_DIR}/include/netgear
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(EXPORT netgearTargets NAMESPACE netgear:: DESTINATION ${_netgear_cmake_dir} COMPONENT dev)
install(EXPORT netgearVideoTargets NAMESPACE netgear:: DESTINATION ${_netgear_cmake_dir} COMPONENT dev)

# One netgearConfig.cmake serves both trees: it includes the targets files that sit
# beside it (installed ones, or the build tree's from export() below).
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/netgearConfig.cmake.in
  ${PROJECT_BINARY_DIR}/netgearConfig.cmake
  INSTALL_DESTINATION ${_netgear_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/netgearConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/netgearConfig.cmake
              ${PROJECT_BINARY_DIR}/netgearConfigVersion.cmake
        DESTINATION ${_netgear_cmake_dir} COMPONENT dev)
export(EXPORT netgearTargets NAMESPACE netgear:: FILE ${PROJECT_BINARY_DIR}/netgearTargets.cmake)
export(EXPORT netgearVideoTargets NAMESPACE netgear:: FILE ${PROJECT_BINARY_DIR}/netgearVideoTargets.cmake)

# pkg-config: netgear.pc and netgear_video.pc, relocatable (prefix from the
# .pc file's own place), so a tree copied elsewhere or unpacked from the .deb works.
file(RELATIVE_PATH _netgear_pc_to_prefix /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
set(NETGEAR_PC_PREFIX "\${pcfiledir}/${_netgear_pc_to_prefix}")
set(NETGEAR_PC_AVCODEC "")
if(NETGEAR_HAVE_VIDEO_CODEC)
  set(NETGEAR_PC_AVCODEC " libavcodec libavutil libswscale")
endif()
foreach(_pc netgear netgear_video)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/${_pc}.pc.in ${PROJECT_BINARY_DIR}/pkgconfig/${_pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/${_pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)
endforeach()

# The `netgear` tool (send, recv, demo, keys), for deploying on machines without a build.
if(TARGET netgear_cli)
  install(TARGETS netgear_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
endif()

# The Python package, where Debian's /usr/bin/python3 looks: lib/python3/dist-packages
# under /usr (the .deb), lib/python3.<minor>/dist-packages under any other prefix
# (/usr/local/lib/python3.11/dist-packages is on Debian's sys.path; the former is
# not). Decided when installing, since `cmake --install --prefix` and CPack choose
# the prefix then; NETGEAR_PYTHON_INSTALL_DIR (relative to the prefix) overrides.
if(TARGET netgear_python)
  set(NETGEAR_PYTHON_INSTALL_DIR "" CACHE STRING
      "Where the netgear Python package goes, relative to the prefix (empty: Debian's place for the prefix)")
  execute_process(COMMAND ${NETGEAR_PYTHON} -c "import sys; print('%d.%d' % sys.version_info[:2])"
                  OUTPUT_VARIABLE _netgear_py_version OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
  install(CODE "
    set(_dir \"${NETGEAR_PYTHON_INSTALL_DIR}\")
    if(NOT _dir)
      if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
        set(_dir lib/python3/dist-packages)
      else()
        set(_dir lib/python${_netgear_py_version}/dist-packages)
      endif()
    endif()
    file(GLOB _py \"${PROJECT_SOURCE_DIR}/python/netgear/*.py\")
    file(INSTALL \"$<TARGET_FILE:netgear_python>\" \${_py} DESTINATION \"\${CMAKE_INSTALL_PREFIX}/\${_dir}/netgear\")
    if(CMAKE_INSTALL_DO_STRIP)
      execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-unneeded
        \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/\${_dir}/netgear/$<TARGET_FILE_NAME:netgear_python>\" COMMAND_ERROR_IS_FATAL ANY)
    endif()
  " COMPONENT runtime)
endif()

include(NetgearPackage)
