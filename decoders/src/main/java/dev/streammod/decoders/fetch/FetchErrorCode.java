package dev.streammod.decoders.fetch;

/** Why a payload reference was not fetched. Stable names: they travel in dead-letter records. */
public enum FetchErrorCode {
  /** The reference is not a URI, or has user info or no host where one is needed. */
  INVALID_URI,
  /** The URI's scheme is not in {@link FetchSettings#allowedSchemes()}. */
  SCHEME_NOT_ALLOWED,
  /** The host (and port) is not in {@link FetchSettings#allowedHosts()}. */
  HOST_NOT_ALLOWED,
  /**
   * The path is under none of {@link FetchSettings#allowedPathPrefixes()}, has dot segments, or
   * (for {@code file:}) leads outside them through a symbolic link.
   */
  PATH_NOT_ALLOWED,
  /** The payload is larger than {@link FetchSettings#maxBytes()} (announced or while reading). */
  TOO_LARGE,
  /** The fetch took longer than {@link FetchSettings#timeout()} (or connecting, its own timeout). */
  TIMEOUT,
  /** The file does not exist, or the server answered 404 or 410. */
  NOT_FOUND,
  /** The server answered another non-2xx status, or a redirect that was not followed. */
  HTTP_ERROR,
  /** The connection or the file read failed. */
  IO_ERROR
}
