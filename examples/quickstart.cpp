// Quickstart: a scaling curve in, its points sorted by compute out.
#include <emergent/emergent.hpp>

#include <cstdio>

int main() {
  emergent::scaling_curve curve;
  curve.quantity = "parameters";
  curve.x = {9.0, 8.0, 10.0};  // log10(parameters)
  curve.y = {0.05, 0.01, 0.71};
  curve.labels = {"1.4B", "160M", "12B"};
  curve.validate();
  for (std::size_t i = 0; const double x : curve.sorted().x) {
    std::printf("point %zu: log10(%s) = %.1f\n", i++, curve.quantity.c_str(), x);
  }
}
