/*! CSV serialisers (placeholder). */
