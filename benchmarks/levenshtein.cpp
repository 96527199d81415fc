// Levenshtein pairs per second, one thread: emergent's bit-parallel kernel, edlib (Šošić & Šikić
// 2017, Debian's libedlib-dev; byte alphabets only) and a plain dynamic-programming loop, side by
// side on the same pairs. Workloads: random and similar pairs (about 10% of positions edited) of
// lengths 8, 64, 512 and 4096, over 50,000-symbol token ids and over bytes.
// Run: build/release/benchmarks/bench_levenshtein --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <emergent/metrics/edit_distance.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#if defined(EMERGENT_HAVE_EDLIB)
#include <edlib.h>
#endif

namespace {

template <class T>
struct pair_set {
  std::vector<std::vector<T>> a;
  std::vector<std::vector<T>> b;
};

// Pairs of length `len`: random (independent) or similar (b = a with about 10% of positions edited by
// substitution, insertion or deletion in equal parts).
template <class T>
pair_set<T> make_pairs(std::size_t len, bool similar, std::uint32_t alphabet, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::size_t count = len >= 4096 ? 8 : (len >= 512 ? 32 : 256);
  const auto draw = [&] { return static_cast<T>(rng() % alphabet); };
  pair_set<T> s;
  for (std::size_t p = 0; p < count; ++p) {
    std::vector<T> a(len);
    for (auto& x : a) x = draw();
    std::vector<T> b;
    if (similar) {
      b = a;
      const std::size_t edits = std::max<std::size_t>(1, len / 10);
      for (std::size_t e = 0; e < edits; ++e) {
        const std::size_t op = rng() % 3;
        const std::size_t pos = rng() % b.size();
        if (op == 0) {
          b[pos] = draw();
        } else if (op == 1) {
          b.insert(b.begin() + static_cast<std::ptrdiff_t>(pos), draw());
        } else if (b.size() > 1) {
          b.erase(b.begin() + static_cast<std::ptrdiff_t>(pos));
        }
      }
    } else {
      b.resize(len);
      for (auto& x : b) x = draw();
    }
    s.a.push_back(std::move(a));
    s.b.push_back(std::move(b));
  }
  return s;
}

// The plain dynamic programme: two rows, one cell per step (Wagner & Fischer 1974).
template <class T>
std::size_t plain_dp(const std::vector<T>& a, const std::vector<T>& b, std::vector<std::uint32_t>& row) {
  const std::size_t n = b.size();
  row.resize(n + 1);
  for (std::size_t j = 0; j <= n; ++j) row[j] = static_cast<std::uint32_t>(j);
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::uint32_t diag = row[0];
    row[0] = static_cast<std::uint32_t>(i + 1);
    const T x = a[i];
    for (std::size_t j = 1; j <= n; ++j) {
      const std::uint32_t up = row[j];
      const std::uint32_t sub = diag + (x == b[j - 1] ? 0U : 1U);
      row[j] = std::min({sub, up + 1, row[j - 1] + 1});
      diag = up;
    }
  }
  return row[n];
}

template <class T>
void run_emergent(benchmark::State& state, const pair_set<T>& s) {
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(emergent::levenshtein_distance(s.a[i], s.b[i]));
    i = i + 1 == s.a.size() ? 0 : i + 1;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

template <class T>
void run_plain_dp(benchmark::State& state, const pair_set<T>& s) {
  std::vector<std::uint32_t> row;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(plain_dp(s.a[i], s.b[i], row));
    i = i + 1 == s.a.size() ? 0 : i + 1;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

#if defined(EMERGENT_HAVE_EDLIB)
void run_edlib(benchmark::State& state, const pair_set<unsigned char>& s) {
  const EdlibAlignConfig config = edlibNewAlignConfig(-1, EDLIB_MODE_NW, EDLIB_TASK_DISTANCE, nullptr, 0);
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& a = s.a[i];
    const auto& b = s.b[i];
    EdlibAlignResult r = edlibAlign(reinterpret_cast<const char*>(a.data()), static_cast<int>(a.size()),
                                    reinterpret_cast<const char*>(b.data()), static_cast<int>(b.size()), config);
    benchmark::DoNotOptimize(r.editDistance);
    edlibFreeAlignResult(r);
    i = i + 1 == s.a.size() ? 0 : i + 1;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
#endif

// Every implementation must agree on every pair before anything is timed.
template <class T>
bool agree(const pair_set<T>& s) {
  std::vector<std::uint32_t> row;
  for (std::size_t i = 0; i < s.a.size(); ++i) {
    const std::size_t d = plain_dp(s.a[i], s.b[i], row);
    if (emergent::levenshtein_distance(s.a[i], s.b[i]) != d) return false;
#if defined(EMERGENT_HAVE_EDLIB)
    if constexpr (sizeof(T) == 1) {
      const EdlibAlignConfig config = edlibNewAlignConfig(-1, EDLIB_MODE_NW, EDLIB_TASK_DISTANCE, nullptr, 0);
      EdlibAlignResult r = edlibAlign(reinterpret_cast<const char*>(s.a[i].data()), static_cast<int>(s.a[i].size()),
                                      reinterpret_cast<const char*>(s.b[i].data()), static_cast<int>(s.b[i].size()), config);
      const bool same = r.editDistance == static_cast<int>(d);
      edlibFreeAlignResult(r);
      if (!same) return false;
    }
#endif
  }
  return true;
}

template <class T>
void register_all(const char* alphabet_name, std::uint32_t alphabet) {
  for (const bool similar : {false, true}) {
    for (const std::size_t len : {std::size_t{8}, std::size_t{64}, std::size_t{512}, std::size_t{4096}}) {
      // Shared by the registered lambdas for the life of the program.
      const auto* s = new pair_set<T>(make_pairs<T>(len, similar, alphabet, 1000 + len + (similar ? 1 : 0)));
      if (!agree(*s)) {
        std::fprintf(stderr, "bench_levenshtein: implementations disagree (%s, len %zu)\n", alphabet_name, len);
        std::exit(1);
      }
      const std::string suffix = std::string("/") + alphabet_name + (similar ? "/similar/" : "/random/") + std::to_string(len);
      benchmark::RegisterBenchmark(("emergent" + suffix).c_str(), [s](benchmark::State& st) { run_emergent(st, *s); });
#if defined(EMERGENT_HAVE_EDLIB)
      if constexpr (sizeof(T) == 1) {
        benchmark::RegisterBenchmark(("edlib" + suffix).c_str(), [s](benchmark::State& st) { run_edlib(st, *s); });
      }
#endif
      benchmark::RegisterBenchmark(("plain_dp" + suffix).c_str(), [s](benchmark::State& st) { run_plain_dp(st, *s); });
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all<std::uint32_t>("token_ids_50k", 50000);
  register_all<unsigned char>("bytes", 256);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
