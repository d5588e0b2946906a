# NETGEAR_FUZZ: the libFuzzer build (`make fuzz`, clang only). Every target is
# built with coverage for libFuzzer plus ASan and UBSan (UBSan aborting at the
# first report), so the library under the fuzz targets is checked as well as
# the harnesses; fuzz/CMakeLists.txt links the targets with -fsanitize=fuzzer.
# Included before add_subdirectory(src) so that the library gets the flags too.
if(NETGEAR_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "NETGEAR_FUZZ=ON needs clang: configure with CXX=clang++ "
                        "(or -DCMAKE_CXX_COMPILER=clang++) in a fresh build directory")
  endif()
  if(NETGEAR_SANITIZE)
    message(FATAL_ERROR "NETGEAR_FUZZ=ON brings its own sanitizers: leave NETGEAR_SANITIZE empty")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
