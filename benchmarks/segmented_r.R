# R side of the segmented benchmark: the same 25 points as benchmarks/segmented.cpp, timed with
# segmented() at its default settings (seg.control(): n.boot = 10 bootstrap restarts) and with
# davies.test(k = 10). Prints microseconds per call (median of 5 repetitions of a timed loop).
suppressPackageStartupMessages(library(segmented))
x <- 1:25
y <- 2 + 0.5 * x + 1.5 * pmax(x - 14.3, 0) + 0.8 * sin(3.7 * x)
fit0 <- lm(y ~ x)
per_call <- function(f, reps) {
  times <- replicate(5, system.time(for (i in 1:reps) f())[["elapsed"]])
  median(times) / reps * 1e6
}
seg_us <- per_call(function() segmented(fit0, seg.Z = ~x), 40)
dav_us <- per_call(function() davies.test(fit0, seg.Z = ~x), 100)
o <- segmented(fit0, seg.Z = ~x)
cat(sprintf("r_segmented_us %.3f\n", seg_us))
cat(sprintf("r_davies_us %.3f\n", dav_us))
cat(sprintf("r_psi %.10f\n", o$psi[, "Est."]))
cat(sprintf("r_davies_p %.12g\n", davies.test(fit0, seg.Z = ~x)$p.value))
