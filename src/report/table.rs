/*! Terminal summary table (placeholder). */
