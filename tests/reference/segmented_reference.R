# Reference values for tests/analysis/test_segmented.cpp: break estimates, standard errors, Wald
# intervals, RSS, Davies and pseudo-score p-values computed by R `segmented` (Debian r-cran-segmented)
# with its default settings. Run from the repository root:
#   Rscript tests/reference/segmented_reference.R
# It writes tests/reference/segmented_reference.txt next to itself (data included, full precision).
suppressPackageStartupMessages(library(segmented))
out <- file("tests/reference/segmented_reference.txt", "w")
fmt <- function(v) paste(sprintf("%.17g", v), collapse = " ")
emit <- function(name, x, y, npsi = 1) {
  fit0 <- lm(y ~ x)
  o <- segmented(fit0, seg.Z = ~x, npsi = npsi)
  ci <- confint(o, digits = 17)
  d <- davies.test(fit0, seg.Z = ~x)
  s <- pscore.test(fit0, seg.Z = ~x)
  writeLines(paste("dataset", name), out)
  writeLines(paste("x", fmt(x)), out)
  writeLines(paste("y", fmt(y)), out)
  writeLines(paste("npsi", npsi), out)
  writeLines(paste("psi", fmt(o$psi[, "Est."])), out)
  writeLines(paste("se", fmt(o$psi[, "St.Err"])), out)
  writeLines(paste("ci_low", fmt(ci[, 2])), out)
  writeLines(paste("ci_high", fmt(ci[, 3])), out)
  writeLines(paste("rss", fmt(sum(residuals(o)^2))), out)
  writeLines(paste("slopes", fmt(slope(o, digits = 17)$x[, "Est."])), out)
  writeLines(paste("davies_p", fmt(d$p.value)), out)
  writeLines(paste("davies_best", fmt(d$statistic)), out)
  writeLines(paste("score_stat", fmt(s$statistic)), out)
  writeLines(paste("score_p", fmt(s$p.value)), out)
  if (npsi == 1) {
    m <- pscore.test(o, seg.Z = ~x, more.break = TRUE)
    writeLines(paste("score_more_stat", fmt(m$statistic)), out)
    writeLines(paste("score_more_p", fmt(m$p.value)), out)
  }
}
# 1. one clear break in slope
set.seed(101); x <- seq(1, 25, by = 1); y <- 2 + 0.5 * x + 1.5 * pmax(x - 14.3, 0) + rnorm(25, sd = 1)
emit("one_break", x, y)
# 2. flat at chance level, then a jump (emergence shape), log10 compute axis
set.seed(102); x <- seq(18, 24, length.out = 20); y <- 0.25 + 0.6 * pmax(x - 22.1, 0) + rnorm(20, sd = 0.02)
emit("flat_then_jump", x, y)
# 3. no break: a straight line with noise
set.seed(103); x <- seq(0, 10, length.out = 30); y <- 1 + 0.3 * x + rnorm(30, sd = 0.5)
emit("no_break", x, y)
# 4. smooth power law (on log axes: y = a * 10^(b x)), which fools straight-line tests
set.seed(104); x <- seq(19, 24, length.out = 15); y <- 0.02 * 10^(0.25 * (x - 19)) + rnorm(15, sd = 0.005)
emit("power_law", x, y)
# 5. sharp logistic in log compute
set.seed(105); x <- seq(20, 25, length.out = 18); y <- 0.1 + 0.8 / (1 + exp(-6 * (x - 22.7))) + rnorm(18, sd = 0.02)
emit("sharp_logistic", x, y)
# 6. few points (6 models)
set.seed(106); x <- c(19.2, 20.1, 21.0, 21.8, 22.9, 23.7); y <- c(0.02, 0.03, 0.025, 0.06, 0.31, 0.55)
emit("few_points", x, y)
# 7. two breaks
set.seed(107); x <- seq(0, 30, length.out = 40); y <- 1 + 0.1 * x + 0.8 * pmax(x - 10, 0) - 1.2 * pmax(x - 21, 0) + rnorm(40, sd = 0.4)
emit("two_breaks", x, y, npsi = 2)
close(out)
