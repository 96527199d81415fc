// emergent._core: the compiled core of the Python package. Each layer is bound in its own
// translation unit (metrics.cpp, stats.cpp, fit.cpp, analysis.cpp, io.cpp, score.cpp); this file registers
// them and translates the library's exceptions into the package's Python exceptions
// (emergent.errors: InputError, ParseError, NumericalError; FileNotFoundError for a missing file).
#include "common.hpp"

#include <cerrno>
#include <exception>
#include <filesystem>
#include <string>

#include "emergent/version.hpp"

namespace {

namespace py = pybind11;

void raise(const char* name, const py::tuple& args) {
  py::object cls = py::module_::import("emergent.errors").attr(name);
  py::object instance = cls(*args);
  PyErr_SetObject(cls.ptr(), instance.ptr());
}

void translate(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const emergent::parse_error& e) {
    if (e.line() == 0 && e.field().empty() && !e.file().empty() && !std::filesystem::exists(e.file())) {
      py::object cls = py::module_::import("builtins").attr("FileNotFoundError");
      py::object instance = cls(ENOENT, std::string("No such file: ") + e.what(), e.file());
      PyErr_SetObject(cls.ptr(), instance.ptr());
      return;
    }
    raise("ParseError", py::make_tuple(std::string(e.what()), e.file(), e.line(), e.field()));
  } catch (const emergent::input_error& e) {
    raise("InputError", py::make_tuple(std::string(e.what())));
  } catch (const emergent::numerical_error& e) {
    raise("NumericalError", py::make_tuple(std::string(e.what())));
  }
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "emergent's compiled core (bindings of the C++ headers); use the emergent package, not this module";
  m.attr("__version__") = std::to_string(EMERGENT_VERSION_MAJOR) + "." + std::to_string(EMERGENT_VERSION_MINOR) + "." +
                          std::to_string(EMERGENT_VERSION_PATCH);
  py::register_exception_translator(&translate);
  emergent_py::init_metrics(m);
  emergent_py::init_stats(m);
  emergent_py::init_fit(m);
  emergent_py::init_analysis(m);
  emergent_py::init_io(m);
  emergent_py::init_score(m);
}
