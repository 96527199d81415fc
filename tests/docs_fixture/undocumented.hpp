/// @file
/// @brief A header with one undocumented public function: the docs check must reject it.
#pragma once
namespace emergent_fixture {
int undocumented_function(int x);
}
