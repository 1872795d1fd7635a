# The HTTP server (native only): a library for the routes, storage and job queue (tested
# in-process), and the vocalmix-server executable.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
find_package(OpenSSL REQUIRED)
file(GLOB _server_src CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/server/*.cpp)
list(FILTER _server_src EXCLUDE REGEX "/main\\.cpp$")
add_library(vocalmix_server STATIC ${_server_src})
target_include_directories(vocalmix_server PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/src)
target_link_libraries(vocalmix_server PUBLIC vocalmix_render PkgConfig::HTTPLIB OpenSSL::Crypto Threads::Threads)
add_executable(vocalmix-server src/server/main.cpp)
target_link_libraries(vocalmix-server PRIVATE vocalmix_server CLI11::CLI11)
target_compile_definitions(vocalmix-server PRIVATE
  VOCALMIX_WEB_DIR="${CMAKE_CURRENT_SOURCE_DIR}/web"
  VOCALMIX_WASM_DIR="${CMAKE_CURRENT_SOURCE_DIR}/build-wasm/wasm")
