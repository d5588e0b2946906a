# netgear_warnings(<target>): the warning set every netgear target is built with.
function(netgear_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE
      -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
      -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
  endif()
endfunction()
