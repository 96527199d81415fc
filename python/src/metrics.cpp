// Bindings of emergent/metrics: edit distance (one pair, and batches that release the GIL over
// worker threads), exact match with normalisers, Brier / log-loss / cross-entropy on numpy arrays
// without copies, k-of-k, pass@k and multiple-choice grades.
#include "common.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "emergent/metrics/aggregates.hpp"
#include "emergent/metrics/brier.hpp"
#include "emergent/metrics/conjunction.hpp"
#include "emergent/metrics/cross_entropy.hpp"
#include "emergent/metrics/edit_distance.hpp"
#include "emergent/metrics/exact_match.hpp"
#include "emergent/metrics/multiple_choice.hpp"

namespace emergent_py {
namespace {

using emergent::input_error;

std::size_t cutoff_of(std::int64_t cutoff) {
  if (cutoff < 0) return emergent::no_score_cutoff;
  return static_cast<std::size_t>(cutoff);
}

unsigned worker_count(int workers, std::size_t jobs) {
  unsigned w = workers <= 0 ? std::max(1U, std::thread::hardware_concurrency()) : static_cast<unsigned>(workers);
  if (jobs < 64) w = 1;  // not worth a thread
  return std::max(1U, std::min<unsigned>(w, static_cast<unsigned>(std::max<std::size_t>(jobs, 1))));
}

// Runs body(i) for i in [0, n) on `workers` threads (contiguous chunks); rethrows the first exception.
template <class Body>
void parallel_for(std::size_t n, unsigned workers, Body&& body) {
  if (workers <= 1) {
    for (std::size_t i = 0; i < n; ++i) body(i);
    return;
  }
  std::vector<std::thread> threads;
  std::vector<std::exception_ptr> errors(workers);
  const std::size_t chunk = (n + workers - 1) / workers;
  for (unsigned t = 0; t < workers; ++t) {
    threads.emplace_back([&, t] {
      try {
        const std::size_t begin = t * chunk, end = std::min(n, begin + chunk);
        for (std::size_t i = begin; i < end; ++i) body(i);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

void check_offsets(std::span<const std::int64_t> offsets, std::size_t values, const char* name) {
  if (offsets.empty()) throw input_error(std::string("levenshtein_distance_batch: ") + name + ": offsets are empty (need n + 1)");
  if (offsets.front() != 0) throw input_error(std::string("levenshtein_distance_batch: ") + name + "[0]: must be 0");
  for (std::size_t i = 1; i < offsets.size(); ++i) {
    if (offsets[i] < offsets[i - 1]) {
      throw input_error(emergent::detail::describe_at("levenshtein_distance_batch", name, i, "offsets decrease"));
    }
  }
  if (static_cast<std::size_t>(offsets.back()) != values) {
    throw input_error(std::string("levenshtein_distance_batch: ") + name + ": last offset " + std::to_string(offsets.back()) +
                      " is not the number of values " + std::to_string(values));
  }
}

// Distances of pairs given in Arrow's list layout: values + offsets (n + 1 offsets per side).
template <class T>
py::array_t<std::int64_t> lev_batch_typed(std::span<const T> va, std::span<const std::int64_t> oa, std::span<const T> vb,
                                         std::span<const std::int64_t> ob, std::size_t cutoff, int workers) {
  check_offsets(oa, va.size(), "a_offsets");
  check_offsets(ob, vb.size(), "b_offsets");
  if (oa.size() != ob.size()) {
    throw input_error("levenshtein_distance_batch: a has " + std::to_string(oa.size() - 1) + " sequences but b has " +
                      std::to_string(ob.size() - 1));
  }
  const std::size_t n = oa.size() - 1;
  py::array_t<std::int64_t> out(static_cast<py::ssize_t>(n));
  std::int64_t* dst = out.mutable_data();
  {
    py::gil_scoped_release release;
    parallel_for(n, worker_count(workers, n), [&](std::size_t i) {
      const std::span<const T> a = va.subspan(static_cast<std::size_t>(oa[i]), static_cast<std::size_t>(oa[i + 1] - oa[i]));
      const std::span<const T> b = vb.subspan(static_cast<std::size_t>(ob[i]), static_cast<std::size_t>(ob[i + 1] - ob[i]));
      dst[i] = static_cast<std::int64_t>(emergent::levenshtein_distance(a, b, cutoff));
    });
  }
  return out;
}

py::array_t<std::int64_t> lev_batch(const py::array& va, const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& oa,
                                    const py::array& vb, const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& ob,
                                    std::int64_t cutoff, int workers) {
  if (va.dtype().kind() != vb.dtype().kind() || va.dtype().itemsize() != vb.dtype().itemsize()) {
    throw input_error("levenshtein_distance_batch: a and b values have different dtypes (" + std::string(py::str(va.dtype())) +
                      ", " + std::string(py::str(vb.dtype())) + ")");
  }
  const auto soa = typed_span<std::int64_t>(oa);
  const auto sob = typed_span<std::int64_t>(ob);
  return with_integer_array(va, "levenshtein_distance_batch", "a", [&](auto a) {
    using T = typename decltype(a)::value_type;
    check_vector(vb, "levenshtein_distance_batch", "b");
    if constexpr (std::is_same_v<T, bool>) {
      throw input_error("levenshtein_distance_batch: a: bool values are not symbols");
      return py::array_t<std::int64_t>();
    } else {
      return lev_batch_typed<T>(a, soa, typed_span<T>(vb), sob, cutoff_of(cutoff), workers);
    }
  });
}

py::array_t<std::int64_t> lev_batch_str(const std::vector<std::u32string>& a, const std::vector<std::u32string>& b,
                                        std::int64_t cutoff, int workers) {
  if (a.size() != b.size()) {
    throw input_error("levenshtein_distance_batch: a has " + std::to_string(a.size()) + " strings but b has " +
                      std::to_string(b.size()));
  }
  const std::size_t n = a.size();
  py::array_t<std::int64_t> out(static_cast<py::ssize_t>(n));
  std::int64_t* dst = out.mutable_data();
  const std::size_t c = cutoff_of(cutoff);
  {
    py::gil_scoped_release release;
    parallel_for(n, worker_count(workers, n),
                 [&](std::size_t i) { dst[i] = static_cast<std::int64_t>(emergent::levenshtein_distance(a[i], b[i], c)); });
  }
  return out;
}

emergent::text_normaliser make_normaliser(const std::vector<std::string>& steps) {
  namespace nz = emergent::normalise;
  emergent::text_normaliser n;
  for (const std::string& s : steps) {
    if (s == "trim") n = n | nz::trim();
    else if (s == "collapse_whitespace") n = n | nz::collapse_whitespace();
    else if (s == "case_fold") n = n | nz::case_fold();
    else if (s == "strip_punctuation") n = n | nz::strip_punctuation();
    else if (s == "strip_articles") n = n | nz::strip_articles();
    else if (s == "remove_digits") n = n | nz::remove_digits();
    else if (s == "numeric_equivalence") n = n | nz::numeric_equivalence();
    else if (s == "squad") n = n | nz::squad();
    else if (s.rfind("ignore_regex:", 0) == 0) n = n | nz::ignore_regex(std::string_view(s).substr(13));
    else {
      throw input_error("normalize: '" + s +
                        "' is not one of trim, collapse_whitespace, case_fold, strip_punctuation, strip_articles, "
                        "remove_digits, numeric_equivalence, squad, ('ignore_regex', pattern)");
    }
  }
  return n;
}

emergent::log_loss_options loss_options(double clamp_epsilon, bool allow_infinite, bool renormalize) {
  emergent::log_loss_options o;
  o.clamp_epsilon = clamp_epsilon;
  o.allow_infinite = allow_infinite;
  o.normalize = renormalize ? emergent::normalization::renormalize : emergent::normalization::require;
  return o;
}

double mean_brier_binary(const py::array& prob, const py::array& outcomes) {
  return with_float_array(prob, "brier_score", "y_prob", [&](auto p) {
    return with_integer_array(outcomes, "brier_score", "y_true", [&](auto o) {
      py::gil_scoped_release release;
      return emergent::mean_brier_score(p, o);
    });
  });
}

double mean_log_loss_binary(const py::array& prob, const py::array& outcomes, double eps, bool allow_inf) {
  const auto options = loss_options(eps, allow_inf, false);
  return with_float_array(prob, "log_loss", "y_prob", [&](auto p) {
    return with_integer_array(outcomes, "log_loss", "y_true", [&](auto o) {
      py::gil_scoped_release release;
      return emergent::mean_log_loss(p, o, options);
    });
  });
}

// Weighted means Σ w_i s_i / Σ w_i of a per-example score (scikit-learn's sample_weight).
template <class Score>
double weighted_mean(const char* function, std::span<const double> w, std::size_t n, Score&& score) {
  if (w.size() != n) {
    throw input_error(std::string(function) + ": sample_weight has " + std::to_string(w.size()) + " entries but y_true has " +
                      std::to_string(n));
  }
  if (n == 0) throw input_error(std::string(function) + ": y_true: empty (the mean of nothing)");
  double sw = 0, swx = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(std::isfinite(w[i]) && w[i] >= 0)) {
      throw input_error(emergent::detail::describe_at(function, "sample_weight", i, "must be finite and >= 0"));
    }
    sw += w[i];
    swx += w[i] * score(i);
  }
  if (!(sw > 0)) throw input_error(std::string(function) + ": sample_weight: all weights are zero");
  return swx / sw;
}

double weighted_brier(const f64_array& prob, const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& o,
                      const f64_array& weights) {
  const auto p = span_of(prob, "brier_score", "y_prob");
  const auto y = typed_span<std::int64_t>(o);
  if (y.size() != p.size()) {
    throw input_error("brier_score: y_prob has " + std::to_string(p.size()) + " entries but y_true has " + std::to_string(y.size()));
  }
  return weighted_mean("brier_score", span_of(weights, "brier_score", "sample_weight"), y.size(),
                       [&](std::size_t i) { return emergent::brier_score(p[i], y[i]); });
}

double weighted_log_loss(const f64_array& prob, const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& o,
                         const f64_array& weights, double eps, bool allow_inf) {
  const auto p = span_of(prob, "log_loss", "y_prob");
  const auto y = typed_span<std::int64_t>(o);
  if (y.size() != p.size()) {
    throw input_error("log_loss: y_prob has " + std::to_string(p.size()) + " entries but y_true has " + std::to_string(y.size()));
  }
  const auto options = loss_options(eps, allow_inf, false);
  return weighted_mean("log_loss", span_of(weights, "log_loss", "sample_weight"), y.size(),
                       [&](std::size_t i) { return emergent::log_loss(p[i], y[i], options); });
}

using f64_matrix = py::array_t<double, py::array::c_style | py::array::forcecast>;
using i64_vector = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

std::size_t matrix_rows(const f64_matrix& m, const char* function, const char* name) {
  if (m.ndim() != 2) {
    throw input_error(std::string(function) + ": " + name + ": expected a 2-D array (examples x classes), got " +
                      std::to_string(m.ndim()) + " dimensions");
  }
  return static_cast<std::size_t>(m.shape(0));
}

// Per-row scores of a matrix (one row per example) and labels, optionally weighted.
template <class RowScore>
double matrix_mean(const char* function, const f64_matrix& m, const i64_vector& labels, const py::object& weights,
                   RowScore&& score) {
  const std::size_t rows = matrix_rows(m, function, "y_prob");
  const std::size_t k = static_cast<std::size_t>(m.shape(1));
  const auto y = typed_span<std::int64_t>(labels);
  if (y.size() != rows) {
    throw input_error(std::string(function) + ": y_true has " + std::to_string(y.size()) + " labels but y_prob has " +
                      std::to_string(rows) + " rows");
  }
  auto row = [&](std::size_t i) { return score(std::span<const double>(m.data() + i * k, k), y[i]); };
  if (!weights.is_none()) {
    const auto w = weights.cast<f64_array>();
    return weighted_mean(function, span_of(w, function, "sample_weight"), rows, row);
  }
  if (rows == 0) throw input_error(std::string(function) + ": y_true: empty (the mean of nothing)");
  emergent::detail::prob::compensated_sum total;
  for (std::size_t i = 0; i < rows; ++i) total.add(row(i));
  return total.value() / static_cast<double>(rows);
}

}  // namespace

void init_metrics(py::module_& m) {
  m.def("lev_u32", [](const std::u32string& a, const std::u32string& b, std::int64_t cutoff) {
    return emergent::levenshtein_distance(a, b, cutoff_of(cutoff));
  });
  m.def("lev_bytes", [](const py::bytes& a, const py::bytes& b, std::int64_t cutoff) {
    const std::string_view x(a), y(b);
    return emergent::levenshtein_distance(x, y, cutoff_of(cutoff));
  });
  m.def("lev_int", [](const i64_vector& a, const i64_vector& b, std::int64_t cutoff) {
    return emergent::levenshtein_distance(typed_span<std::int64_t>(a), typed_span<std::int64_t>(b), cutoff_of(cutoff));
  });
  m.def("lev_batch", &lev_batch);
  m.def("lev_batch_str", &lev_batch_str);
  m.def("normalise", [](std::string_view text, const std::vector<std::string>& steps) { return make_normaliser(steps)(text); });
  m.def("exact_match", [](std::string_view p, std::string_view r, const std::vector<std::string>& steps) {
    return emergent::exact_match(p, r, make_normaliser(steps));
  });
  m.def("exact_match_many", [](const std::vector<std::string>& p, const std::vector<std::string>& r,
                               const std::vector<std::string>& steps) {
    if (p.size() != r.size()) {
      throw input_error("exact_match: references has " + std::to_string(r.size()) + " strings but predictions has " +
                        std::to_string(p.size()));
    }
    const auto n = make_normaliser(steps);
    py::array_t<bool> out(static_cast<py::ssize_t>(p.size()));
    bool* dst = out.mutable_data();
    for (std::size_t i = 0; i < p.size(); ++i) dst[i] = emergent::exact_match(p[i], r[i], n);
    return out;
  });
  m.def("mean_brier_binary", &mean_brier_binary);
  m.def("weighted_brier_binary", &weighted_brier);
  m.def("mean_log_loss_binary", &mean_log_loss_binary);
  m.def("weighted_log_loss_binary", &weighted_log_loss);
  m.def("brier_multi", [](const f64_matrix& p, const i64_vector& y, const py::object& w, bool mean_over_classes,
                          bool renormalize) {
    emergent::brier_options o;
    o.convention = mean_over_classes ? emergent::brier_convention::mean_over_classes : emergent::brier_convention::sum_over_classes;
    o.normalize = renormalize ? emergent::normalization::renormalize : emergent::normalization::require;
    return matrix_mean("brier_score", p, y, w, [&](std::span<const double> row, std::int64_t label) {
      return emergent::brier_score(row, label, o);
    });
  });
  m.def("cross_entropy_multi", [](const f64_matrix& p, const i64_vector& y, const py::object& w, bool log_space, double eps,
                                  bool allow_inf, bool renormalize) {
    const auto o = loss_options(eps, allow_inf, renormalize);
    return matrix_mean("cross_entropy", p, y, w, [&](std::span<const double> row, std::int64_t label) {
      return log_space ? emergent::cross_entropy_from_log_probabilities(row, label, o) : emergent::cross_entropy(row, label, o);
    });
  });
  m.def("k_of_k", py::vectorize([](double p, std::int64_t k) {
    if (k < 0) throw input_error("k_of_k: k: " + std::to_string(k) + " is negative");
    return emergent::k_of_k(p, static_cast<std::size_t>(k));
  }));
  m.def("pass_at_k", py::vectorize([](std::int64_t n, std::int64_t c, std::int64_t k) {
    if (n < 0 || c < 0 || k < 0) throw input_error("pass_at_k: n, c and k must be >= 0");
    return emergent::pass_at_k(static_cast<std::uint64_t>(n), static_cast<std::uint64_t>(c), static_cast<std::uint64_t>(k));
  }));
  m.def("multiple_choice_grades", [](const f64_matrix& ll, const i64_vector& gold, const py::object& lengths) {
    const std::size_t rows = matrix_rows(ll, "multiple_choice_accuracy", "log_likelihoods");
    const std::size_t k = static_cast<std::size_t>(ll.shape(1));
    const auto y = typed_span<std::int64_t>(gold);
    if (y.size() != rows) {
      throw input_error("multiple_choice_accuracy: gold has " + std::to_string(y.size()) + " labels but log_likelihoods has " +
                        std::to_string(rows) + " rows");
    }
    f64_matrix len;
    if (!lengths.is_none()) {
      len = lengths.cast<f64_matrix>();
      if (len.ndim() != 2 || static_cast<std::size_t>(len.shape(0)) != rows || static_cast<std::size_t>(len.shape(1)) != k) {
        throw input_error("multiple_choice_accuracy: lengths: must have the shape of log_likelihoods");
      }
    }
    py::array_t<double> out(static_cast<py::ssize_t>(rows));
    double* dst = out.mutable_data();
    for (std::size_t i = 0; i < rows; ++i) {
      const std::span<const double> row(ll.data() + i * k, k);
      dst[i] = lengths.is_none() ? emergent::multiple_choice_grade(row, y[i])
                                 : emergent::multiple_choice_grade(row, std::span<const double>(len.data() + i * k, k), y[i]);
    }
    return out;
  });
}

}  // namespace emergent_py
