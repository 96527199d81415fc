/// @file
/// @brief Internal: the one Boost.Math policy of emergent. Every Boost.Math distribution in the
///        library is instantiated with `emergent::detail::math_policy` (normal, Student t, beta,
///        chi-squared), so all headers agree on the instantiations (no one-definition-rule trap from
///        `BOOST_MATH_*` policy macros that differ between translation units: emergent defines none).
///
/// The policy turns off Boost.Math's default promotion of `float` and `double` arguments to
/// `long double` inside the special functions. On x86-64 that promotion runs the incomplete-beta
/// inverse in 80-bit x87 arithmetic; without it the same algorithms run in SSE2 `double`, several
/// times faster (Clopper–Pearson: see docs/performance.md) and still within the tested agreement with
/// SciPy (1e-12 relative for the direct quantiles, tests/stats/test_intervals.cpp). The error
/// handling stays Boost.Math's default (domain and overflow errors throw).
#pragma once

#include <boost/math/policies/policy.hpp>

namespace emergent::detail {

/// Boost.Math policy without long-double promotion; pass it as the second template argument of
/// every distribution, e.g. `boost::math::beta_distribution<double, detail::math_policy>`.
using math_policy = boost::math::policies::policy<boost::math::policies::promote_float<false>,
                                                  boost::math::policies::promote_double<false>>;

}  // namespace emergent::detail
