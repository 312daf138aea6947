package dev.streammod.models.batching;

/**
 * The scores of one submitted request, {@code scores[frame][label]} in submission order, with its
 * timings. {@code inferMillis} sums the runs (preprocess + session) of the batches the request took
 * part in; {@code queueMillis} is the rest of the time from submit to completion, blocked-on-room
 * time included. {@code batchSize} is the size of the largest batch the request ran in.
 */
public record InferenceResult(
    float[][] scores, double queueMillis, double inferMillis, int batchSize) {}
