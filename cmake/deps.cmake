# Third-party libraries for both homes of the engine. Defines:
#   PkgConfig::SNDFILE, PkgConfig::EBUR128   libsndfile and libebur128
#   nlohmann_json::nlohmann_json             header-only JSON
#
# Natively they come from the system (pkg-config, Debian's -dev packages). Under Emscripten,
# libsndfile and libebur128 come from the prefix that scripts/wasm-deps.sh builds from Debian's
# source packages: -DVOCALMIX_WASM_DEPS=<prefix>, or the first CMAKE_PREFIX_PATH entry holding
# them, or .cache/wasm-deps/prefix. nlohmann_json is header-only and is taken from the host's
# /usr/include through a one-header-folder symlink (never -I/usr/include into a WASM compile).
#
# The FFT is the project's own (src/dsp/real_fft.cpp): no FFT library is needed.

if(EMSCRIPTEN)
  set(VOCALMIX_WASM_DEPS "" CACHE PATH "Prefix of the WASM builds of libsndfile and libebur128 (scripts/wasm-deps.sh)")
  set(_vm_prefix "${VOCALMIX_WASM_DEPS}")
  if(NOT _vm_prefix)
    foreach(_p IN LISTS CMAKE_PREFIX_PATH)
      if(EXISTS "${_p}/lib/libsndfile.a" AND EXISTS "${_p}/lib/libebur128.a")
        set(_vm_prefix "${_p}")
        break()
      endif()
    endforeach()
  endif()
  if(NOT _vm_prefix AND EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/.cache/wasm-deps/prefix/lib/libsndfile.a")
    set(_vm_prefix "${CMAKE_CURRENT_SOURCE_DIR}/.cache/wasm-deps/prefix")
  endif()
  if(NOT _vm_prefix)
    message(FATAL_ERROR "WASM builds of libsndfile/libebur128 not found: run scripts/wasm-deps.sh "
                        "and pass -DVOCALMIX_WASM_DEPS=<the prefix it prints>")
  endif()
  foreach(_lib SNDFILE:sndfile EBUR128:ebur128)
    string(REPLACE ":" ";" _pair "${_lib}")
    list(GET _pair 0 _name)
    list(GET _pair 1 _file)
    if(NOT EXISTS "${_vm_prefix}/lib/lib${_file}.a")
      message(FATAL_ERROR "${_vm_prefix}/lib/lib${_file}.a is missing: run scripts/wasm-deps.sh")
    endif()
    add_library(PkgConfig::${_name} STATIC IMPORTED)
    set_target_properties(PkgConfig::${_name} PROPERTIES
      IMPORTED_LOCATION "${_vm_prefix}/lib/lib${_file}.a"
      INTERFACE_INCLUDE_DIRECTORIES "${_vm_prefix}/include")
  endforeach()
  message(STATUS "WASM dependencies: ${_vm_prefix}")

  find_path(VOCALMIX_NLOHMANN_INCLUDE_DIR nlohmann/json.hpp
            PATHS /usr/include /usr/local/include NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
  if(NOT VOCALMIX_NLOHMANN_INCLUDE_DIR)
    message(FATAL_ERROR "nlohmann/json.hpp not found (apt-get install nlohmann-json3-dev)")
  endif()
  set(_vm_host_inc "${CMAKE_BINARY_DIR}/host-include")
  file(MAKE_DIRECTORY "${_vm_host_inc}")
  file(CREATE_LINK "${VOCALMIX_NLOHMANN_INCLUDE_DIR}/nlohmann" "${_vm_host_inc}/nlohmann" SYMBOLIC)
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  set_target_properties(nlohmann_json::nlohmann_json PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_vm_host_inc}")
else()
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(SNDFILE REQUIRED IMPORTED_TARGET sndfile)
  pkg_check_modules(EBUR128 REQUIRED IMPORTED_TARGET libebur128)
  find_package(nlohmann_json 3.10 REQUIRED)
endif()
