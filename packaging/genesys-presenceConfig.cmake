# CMake package of genesys-presence: find_package(genesys-presence) gives the
# imported target genesys-presence::genesys-presence (the shared library and its
# header), located relative to this file, so the install tree may be moved.
get_filename_component(_gp_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET genesys-presence::genesys-presence)
  add_library(genesys-presence::genesys-presence SHARED IMPORTED)
  set_target_properties(genesys-presence::genesys-presence PROPERTIES
    IMPORTED_LOCATION "${_gp_prefix}/lib/libgenesys_presence.so"
    IMPORTED_SONAME "libgenesys_presence.so.0"
    INTERFACE_INCLUDE_DIRECTORIES "${_gp_prefix}/include")
endif()
unset(_gp_prefix)
