package dev.streammod.decoders.fetch;

/**
 * Outcome of {@link PayloadFetcher#fetch}: either {@link FetchedPayload} or a {@link FetchFailure}
 * with a typed code. Fetching never throws for a bad, refused or unreachable reference.
 */
public sealed interface FetchResult permits FetchedPayload, FetchFailure {

  /** True for {@link FetchedPayload}. */
  default boolean isSuccess() {
    return this instanceof FetchedPayload;
  }
}
