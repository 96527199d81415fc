// Shared helpers of the compiled core: numpy array views without copies, argument checks that name
// the argument, and the registration functions of the translation units.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "emergent/core/error.hpp"

namespace emergent_py {

namespace py = pybind11;

void init_metrics(py::module_& m);
void init_stats(py::module_& m);
void init_fit(py::module_& m);
void init_analysis(py::module_& m);
void init_io(py::module_& m);
void init_score(py::module_& m);

// A one-dimensional, C-contiguous float64 array; a float64 input is viewed, not copied.
using f64_array = py::array_t<double, py::array::c_style | py::array::forcecast>;

inline std::span<const double> span_of(const f64_array& a, const char* function, const char* name) {
  if (a.ndim() != 1) {
    throw emergent::input_error(std::string(function) + ": " + name + ": expected a 1-D array, got " +
                                std::to_string(a.ndim()) + " dimensions");
  }
  return {a.data(), static_cast<std::size_t>(a.shape(0))};
}

// A 1-D contiguous array of T (the caller has checked the dtype).
template <class T>
std::span<const T> typed_span(const py::array& a) {
  return {static_cast<const T*>(a.data()), static_cast<std::size_t>(a.shape(0))};
}

inline void check_vector(const py::array& a, const char* function, const char* name) {
  if (a.ndim() != 1) {
    throw emergent::input_error(std::string(function) + ": " + name + ": expected a 1-D array, got " +
                                std::to_string(a.ndim()) + " dimensions");
  }
  if (!(a.flags() & py::array::c_style)) {
    throw emergent::input_error(std::string(function) + ": " + name + ": the array is not contiguous");
  }
}

// Calls f with a typed span of an integer (or bool) array: int8/16/32/64, uint8/16/32/64, bool.
template <class F>
decltype(auto) with_integer_array(const py::array& a, const char* function, const char* name, F&& f) {
  check_vector(a, function, name);
  const char kind = a.dtype().kind();
  const auto size = a.dtype().itemsize();
  if (kind == 'b') return f(typed_span<bool>(a));
  if (kind == 'i') {
    switch (size) {
      case 1: return f(typed_span<std::int8_t>(a));
      case 2: return f(typed_span<std::int16_t>(a));
      case 4: return f(typed_span<std::int32_t>(a));
      case 8: return f(typed_span<std::int64_t>(a));
      default: break;
    }
  }
  if (kind == 'u') {
    switch (size) {
      case 1: return f(typed_span<std::uint8_t>(a));
      case 2: return f(typed_span<std::uint16_t>(a));
      case 4: return f(typed_span<std::uint32_t>(a));
      case 8: return f(typed_span<std::uint64_t>(a));
      default: break;
    }
  }
  throw emergent::input_error(std::string(function) + ": " + name + ": expected an integer or bool array, got dtype " +
                              std::string(py::str(a.dtype())));
}

// Calls f with a typed span of a float32 or float64 array.
template <class F>
decltype(auto) with_float_array(const py::array& a, const char* function, const char* name, F&& f) {
  check_vector(a, function, name);
  if (a.dtype().kind() == 'f' && a.dtype().itemsize() == 8) return f(typed_span<double>(a));
  if (a.dtype().kind() == 'f' && a.dtype().itemsize() == 4) return f(typed_span<float>(a));
  throw emergent::input_error(std::string(function) + ": " + name + ": expected a float32 or float64 array, got dtype " +
                              std::string(py::str(a.dtype())));
}

}  // namespace emergent_py
