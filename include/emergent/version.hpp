/// @file
/// @brief The version of emergent, as three integers; CMake reads the version from this file.
#pragma once

/// Major version: incremented on incompatible API changes (0 while the API settles).
#define EMERGENT_VERSION_MAJOR 0
/// Minor version: incremented when features are added.
#define EMERGENT_VERSION_MINOR 1
/// Patch version: incremented for fixes.
#define EMERGENT_VERSION_PATCH 0

/// The version as one integer, MAJOR * 10000 + MINOR * 100 + PATCH, for preprocessor comparisons.
#define EMERGENT_VERSION \
  (EMERGENT_VERSION_MAJOR * 10000 + EMERGENT_VERSION_MINOR * 100 + EMERGENT_VERSION_PATCH)
