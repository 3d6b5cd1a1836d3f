# The R peers of the projection benchmark: Rtsne 0.16 and uwot 0.1.14, on the same states and
# the same thread count as rnnscope. Base R reads no .npy, so bench/projection/run.sh hands over
# the matrix as raw float32, row-major (numpy's tofile).
#
#   Rscript bench/projection/peers.R METHOD X.f32 ROWS COLS OUT.f32 THREADS SEED ITERATIONS
#
# METHOD: rtsne or uwot. Writes the layout as raw float32 [ROWS, 2], row-major, and prints
# {"seconds": fit time}. The time covers the fit alone, not R's start-up or reading the file.
args <- commandArgs(trailingOnly = TRUE)
method <- args[1]
rows <- as.integer(args[3])
cols <- as.integer(args[4])
threads <- as.integer(args[6])
set.seed(as.integer(args[7]))
iterations <- as.integer(args[8])
x <- matrix(readBin(args[2], "numeric", n = rows * cols, size = 4), nrow = rows, ncol = cols,
            byrow = TRUE)
if (method == "rtsne") {
  suppressMessages(library(Rtsne))
  # pca = FALSE: project the states themselves, not Rtsne's default 50-dimensional PCA of them
  # (the other tools see all dimensions too).
  seconds <- system.time(y <- Rtsne(x, dims = 2, perplexity = 30, theta = 0.5, pca = FALSE,
                                    check_duplicates = FALSE, max_iter = iterations,
                                    num_threads = threads)$Y)[["elapsed"]]
} else if (method == "uwot") {
  suppressMessages(library(uwot))
  seconds <- system.time(y <- umap(x, n_components = 2, n_neighbors = 15, min_dist = 0.1,
                                   n_threads = threads, n_sgd_threads = threads))[["elapsed"]]
} else {
  stop(paste("unknown method", method))
}
writeBin(as.vector(t(y)), args[5], size = 4)
cat(sprintf("{\"seconds\": %.4f}\n", seconds))
