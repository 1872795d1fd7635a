# Third-party libraries for both homes of the engine. Defines:
#   PkgConfig::SNDFILE, PkgConfig::EBUR128   libsndfile and libebur128
#   nlohmann_json::nlohmann_json             header-only JSON
#   vocalmix_kissfft                         KissFFT (float)
#
# Natively they come from the system (pkg-config, Debian's -dev packages). Under Emscripten,
# libsndfile and libebur128 come from the prefix that scripts/wasm-deps.sh builds from Debian's
# source packages: -DVOCALMIX_WASM_DEPS=<prefix>, or the first CMAKE_PREFIX_PATH entry holding
# them, or .cache/wasm-deps/prefix. nlohmann_json is header-only and is taken from the host's
# /usr/include through a one-header-folder symlink (never -I/usr/include into a WASM compile).
#
# KissFFT is compiled from its Debian source package by THIS project, with the project's flags,
# for both targets. Reason: Debian's libkissfft-float is built with -ffast-math (kissfft's own
# CMakeLists adds it), so its FFT differs from a strict-IEEE build in the last bits — measured:
# the same source built without fast-math agrees bit for bit between g++ and em++, the system
# library does not. The parity promise (ARCHITECTURE.md) needs the same FFT code with the same
# flags on both sides. The source is fetched by scripts/deb-source.sh (called by setup.sh and
# wasm-deps.sh) into .cache/; natively, without it, the build falls back to the system library
# and says that native and WASM output will then differ.

set(VOCALMIX_KISSFFT_SOURCE_DIR "" CACHE PATH
    "KissFFT source tree (Debian's kissfft source package); empty: the newest .cache/wasm-deps/src/kissfft-*/unpacked")
option(VOCALMIX_SYSTEM_KISSFFT "Link Debian's libkissfft-float (built with -ffast-math: breaks native/WASM parity)" OFF)

set(_vm_kiss_src "${VOCALMIX_KISSFFT_SOURCE_DIR}")
if(NOT _vm_kiss_src)
  file(GLOB _vm_kiss_dirs LIST_DIRECTORIES true
       "${CMAKE_CURRENT_SOURCE_DIR}/.cache/wasm-deps/src/kissfft-*/unpacked")
  if(_vm_kiss_dirs)
    list(SORT _vm_kiss_dirs)
    list(GET _vm_kiss_dirs -1 _vm_kiss_src)
  endif()
endif()
if(_vm_kiss_src AND NOT EXISTS "${_vm_kiss_src}/kiss_fftr.c")
  message(FATAL_ERROR "VOCALMIX_KISSFFT_SOURCE_DIR='${_vm_kiss_src}' holds no kiss_fftr.c")
endif()

if(_vm_kiss_src AND NOT VOCALMIX_SYSTEM_KISSFFT)
  add_library(vocalmix_kissfft STATIC "${_vm_kiss_src}/kiss_fft.c" "${_vm_kiss_src}/kiss_fftr.c")
  target_include_directories(vocalmix_kissfft SYSTEM PUBLIC "${_vm_kiss_src}")
  target_compile_definitions(vocalmix_kissfft PUBLIC kiss_fft_scalar=float)
  target_compile_options(vocalmix_kissfft PRIVATE -w)  # third-party code: its warnings are not ours
  if(NOT EMSCRIPTEN)
    target_link_libraries(vocalmix_kissfft PRIVATE m)
  endif()
  message(STATUS "KissFFT: compiled from ${_vm_kiss_src} with the project's flags")
  set(VOCALMIX_KISSFFT_FROM_SOURCE ON)
elseif(EMSCRIPTEN)
  message(FATAL_ERROR "KissFFT source not found: run scripts/wasm-deps.sh (or set VOCALMIX_KISSFFT_SOURCE_DIR)")
else()
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(KISSFFT REQUIRED IMPORTED_TARGET kissfft-float)
  add_library(vocalmix_kissfft INTERFACE)
  target_link_libraries(vocalmix_kissfft INTERFACE PkgConfig::KISSFFT)
  message(WARNING "KissFFT: using the system libkissfft-float, which Debian builds with "
                  "-ffast-math. The native denoiser will NOT match the WASM build bit for bit. "
                  "Run scripts/deb-source.sh kissfft (setup.sh does) and reconfigure.")
  set(VOCALMIX_KISSFFT_FROM_SOURCE OFF)
endif()

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
