// A consumer of emergent: one call through the public headers, checked by its exit code.
#include <emergent/emergent.hpp>

#include <iostream>

int main() {
  emergent::scaling_curve curve;
  curve.x = {10.0, 9.0};
  curve.y = {0.8, 0.1};
  curve.validate();
  const auto sorted = curve.sorted();
  std::cout << "emergent " << EMERGENT_VERSION_MAJOR << '.' << EMERGENT_VERSION_MINOR << ": first x = " << sorted.x[0]
            << '\n';
  return sorted.x[0] == 9.0 ? 0 : 1;
}
