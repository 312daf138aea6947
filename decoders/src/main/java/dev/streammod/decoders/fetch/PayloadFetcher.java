package dev.streammod.decoders.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fetches a segment's bytes by reference ({@code https://...}, {@code file:///...}) when, and only
 * when, the reference passes the allowlist of its {@link FetchSettings}; everything else comes back
 * as a typed {@link FetchFailure} that names the URI and the rule. Plain JDK: {@link HttpClient}
 * for http(s), {@link Files} for {@code file:}.
 *
 * <p>Safe by construction: the allowlist is checked before any connection or file access, and
 * again for every redirect target (redirects are not followed unless {@link
 * FetchSettings#maxRedirects()} allows); paths with dot segments are refused, and {@code file:}
 * paths are checked again after symbolic links are resolved. Sizes are capped from the {@code
 * Content-Length} header and again while reading; the whole fetch has one deadline. Query strings
 * (often signed tokens) never appear in messages.
 *
 * <p>Thread-safe; share one per JVM or per operator. {@link #close()} stops its HTTP threads.
 */
public final class PayloadFetcher implements AutoCloseable {

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final FetchSettings settings;
  private final ExecutorService executor;
  private final HttpClient client;
  private volatile boolean closed;

  public PayloadFetcher(FetchSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    boolean network =
        settings.allowedSchemes().contains("http") || settings.allowedSchemes().contains("https");
    if (network) {
      executor =
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "payload-fetcher-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      client =
          HttpClient.newBuilder()
              .followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(settings.connectTimeout())
              .executor(executor)
              .build();
    } else {
      executor = null;
      client = null;
    }
  }

  public FetchSettings settings() {
    return settings;
  }

  /**
   * Fetches the bytes behind {@code uri}. Never throws for a bad, refused or unreachable
   * reference.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public FetchResult fetch(String uri) {
    if (closed) {
      throw new IllegalStateException("PayloadFetcher.fetch() called after close()");
    }
    long start = System.nanoTime();
    long deadline = start + settings.timeout().toNanos();
    try {
      if (uri == null || uri.isBlank()) {
        return new FetchFailure(
            FetchErrorCode.INVALID_URI, "payload reference is " + (uri == null ? "null" : "blank"));
      }
      URI u;
      try {
        u = new URI(uri.trim());
      } catch (URISyntaxException e) {
        return new FetchFailure(
            FetchErrorCode.INVALID_URI,
            "payload reference \"" + redactRaw(uri) + "\" is not a URI: " + e.getReason());
      }
      FetchFailure refused = check(u);
      if (refused != null) {
        return refused;
      }
      if ("file".equals(u.getScheme().toLowerCase(Locale.ROOT))) {
        return readFile(u, start, deadline);
      }
      return readHttp(u, start, deadline);
    } catch (RuntimeException e) {
      return new FetchFailure(
          FetchErrorCode.IO_ERROR,
          "fetching \"" + redactRaw(uri) + "\" failed unexpectedly: " + e);
    }
  }

  // ---- the allowlist ----------------------------------------------------------------------------

  /** The rule that refuses {@code u}, or null when it may be fetched. */
  private FetchFailure check(URI u) {
    String shown = redact(u);
    String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
    if (scheme == null) {
      return new FetchFailure(
          FetchErrorCode.INVALID_URI, shown + " has no scheme; use an absolute URI");
    }
    if (!settings.allowedSchemes().contains(scheme)) {
      return new FetchFailure(
          FetchErrorCode.SCHEME_NOT_ALLOWED,
          shown
              + ": scheme \""
              + scheme
              + "\" is not in allowedSchemes="
              + sorted(settings.allowedSchemes()));
    }
    if (u.isOpaque()) {
      return new FetchFailure(
          FetchErrorCode.INVALID_URI,
          shown + " is opaque (no \"//\" or absolute path after the scheme)");
    }
    if (u.getRawUserInfo() != null) {
      return new FetchFailure(
          FetchErrorCode.INVALID_URI,
          shown + " carries user info: credentials do not belong in a payload reference");
    }
    if (scheme.equals("file")) {
      String host = u.getHost();
      if (u.getRawAuthority() != null && !"localhost".equalsIgnoreCase(host)) {
        return new FetchFailure(
            FetchErrorCode.INVALID_URI,
            shown + " names a remote file host; file: URIs must be file:///absolute/path");
      }
    } else {
      String host = u.getHost();
      if (host == null) {
        return new FetchFailure(FetchErrorCode.INVALID_URI, shown + " has no host");
      }
      int port = u.getPort() != -1 ? u.getPort() : scheme.equals("https") ? 443 : 80;
      if (!hostAllowed(host.toLowerCase(Locale.ROOT), port)) {
        return new FetchFailure(
            FetchErrorCode.HOST_NOT_ALLOWED,
            shown
                + ": host \""
                + host
                + "\" port "
                + port
                + " is not in allowedHosts="
                + sorted(settings.allowedHosts()));
      }
    }
    String path = u.getPath() == null || u.getPath().isEmpty() ? "/" : u.getPath();
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return new FetchFailure(
            FetchErrorCode.PATH_NOT_ALLOWED,
            shown + ": path \"" + path + "\" has dot segments (\".\" or \"..\")");
      }
    }
    if (path.indexOf('\\') >= 0 || path.indexOf('\0') >= 0) {
      return new FetchFailure(
          FetchErrorCode.PATH_NOT_ALLOWED,
          shown + ": path has a backslash or NUL character");
    }
    if (!settings.allowedPathPrefixes().isEmpty() && !underPrefix(path)) {
      return new FetchFailure(
          FetchErrorCode.PATH_NOT_ALLOWED,
          shown
              + ": path \""
              + path
              + "\" is under none of allowedPathPrefixes="
              + settings.allowedPathPrefixes());
    }
    return null;
  }

  private boolean hostAllowed(String host, int port) {
    for (String entry : settings.allowedHosts()) {
      String h = entry;
      int p = -1;
      int colon = entry.lastIndexOf(':');
      if (colon > 0 && entry.indexOf(']') < colon) {
        h = entry.substring(0, colon);
        p = Integer.parseInt(entry.substring(colon + 1));
      }
      if (p != -1 && p != port) {
        continue;
      }
      if (h.startsWith("*.") ? host.endsWith(h.substring(1)) : host.equals(h)) {
        return true;
      }
    }
    return false;
  }

  private boolean underPrefix(String path) {
    for (String prefix : settings.allowedPathPrefixes()) {
      if (prefix.endsWith("/")
          ? path.startsWith(prefix)
          : path.equals(prefix) || path.startsWith(prefix + "/")) {
        return true;
      }
    }
    return false;
  }

  // ---- file: ------------------------------------------------------------------------------------

  private FetchResult readFile(URI u, long start, long deadline) {
    String shown = redact(u);
    Path path;
    try {
      path = Path.of(new URI("file", null, u.getPath(), null)).normalize();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return new FetchFailure(
          FetchErrorCode.INVALID_URI, shown + " is not a file path: " + e.getMessage());
    }
    Path real;
    try {
      real = path.toRealPath();
    } catch (NoSuchFileException e) {
      return new FetchFailure(FetchErrorCode.NOT_FOUND, shown + ": no such file " + path);
    } catch (IOException e) {
      return new FetchFailure(
          FetchErrorCode.IO_ERROR, shown + ": resolving " + path + " failed: " + e);
    }
    if (!realPathAllowed(real)) {
      return new FetchFailure(
          FetchErrorCode.PATH_NOT_ALLOWED,
          shown
              + ": resolves through a symbolic link to "
              + real
              + ", under none of allowedPathPrefixes="
              + settings.allowedPathPrefixes());
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      return new FetchFailure(
          FetchErrorCode.IO_ERROR, shown + ": " + real + " is not a regular file");
    }
    try {
      long size = Files.size(real);
      if (size > settings.maxBytes()) {
        return tooLarge(shown, size + " bytes on disk");
      }
      byte[] buffer = new byte[(int) Math.min(size + 1, settings.maxBytes() + 1)];
      int n = 0;
      try (InputStream in = Files.newInputStream(real)) {
        while (true) {
          if (System.nanoTime() - deadline > 0) {
            return timeout(shown, start, "after reading " + n + " bytes of the file");
          }
          if (n == buffer.length) {
            if (n > settings.maxBytes()) {
              return tooLarge(shown, "more than " + settings.maxBytes() + " bytes (file grew)");
            }
            buffer = Arrays.copyOf(buffer, (int) Math.min(settings.maxBytes() + 1, n * 2L + 1));
          }
          int r = in.read(buffer, n, buffer.length - n);
          if (r < 0) {
            break;
          }
          n += r;
        }
      }
      if (n > settings.maxBytes()) {
        return tooLarge(shown, "more than " + settings.maxBytes() + " bytes (file grew)");
      }
      return new FetchedPayload(shown, Arrays.copyOf(buffer, n), millisSince(start));
    } catch (ClosedByInterruptException e) {
      Thread.currentThread().interrupt();
      return new FetchFailure(FetchErrorCode.IO_ERROR, shown + ": interrupted while reading");
    } catch (IOException e) {
      return new FetchFailure(FetchErrorCode.IO_ERROR, shown + ": reading failed: " + e);
    }
  }

  private boolean realPathAllowed(Path real) {
    for (String prefix : settings.allowedPathPrefixes()) {
      Path root = Path.of(prefix).normalize();
      try {
        root = root.toRealPath();
      } catch (IOException e) {
        // A root that does not exist (yet) can only hold paths that do not exist either.
      }
      if (real.startsWith(root)) {
        return true;
      }
    }
    return false;
  }

  // ---- http(s): ---------------------------------------------------------------------------------

  private FetchResult readHttp(URI first, long start, long deadline) {
    URI u = first;
    for (int hop = 0; ; hop++) {
      String shown = redact(u);
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return timeout(shown, start, "before the request");
      }
      HttpRequest request =
          HttpRequest.newBuilder(u)
              .GET()
              // Cleartext http: no h2c upgrade. The JDK client holds further requests to an
              // origin while an upgrade is pending, so one slow fetch would serialize the rest.
              // https still negotiates HTTP/2 through ALPN.
              .version(
                  "http".equalsIgnoreCase(u.getScheme())
                      ? HttpClient.Version.HTTP_1_1
                      : HttpClient.Version.HTTP_2)
              .timeout(Duration.ofNanos(remaining))
              .header("User-Agent", "streammod-decoders")
              .build();
      CompletableFuture<HttpResponse<byte[]>> future =
          client.sendAsync(request, this::bodySubscriber);
      HttpResponse<byte[]> response;
      try {
        response = future.get(remaining, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        future.cancel(true);
        return timeout(shown, start, "waiting for the response");
      } catch (InterruptedException e) {
        future.cancel(true);
        Thread.currentThread().interrupt();
        return new FetchFailure(FetchErrorCode.IO_ERROR, shown + ": interrupted");
      } catch (ExecutionException e) {
        return httpFailure(shown, start, e.getCause());
      }
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        return new FetchedPayload(shown, response.body(), millisSince(start));
      }
      if (status == 404 || status == 410) {
        return new FetchFailure(
            FetchErrorCode.NOT_FOUND, shown + ": the server answered HTTP " + status);
      }
      if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
        String location = response.headers().firstValue("location").orElse(null);
        if (location == null) {
          return new FetchFailure(
              FetchErrorCode.HTTP_ERROR,
              shown + ": the server answered HTTP " + status + " without a Location header");
        }
        URI next;
        try {
          next = u.resolve(new URI(location.trim()));
        } catch (URISyntaxException | IllegalArgumentException e) {
          return new FetchFailure(
              FetchErrorCode.HTTP_ERROR,
              shown + ": HTTP " + status + " redirect to an invalid Location");
        }
        if (hop >= settings.maxRedirects()) {
          return new FetchFailure(
              FetchErrorCode.HTTP_ERROR,
              shown
                  + ": HTTP "
                  + status
                  + " redirect to "
                  + redact(next)
                  + " not followed (maxRedirects="
                  + settings.maxRedirects()
                  + ")");
        }
        FetchFailure refused = check(next);
        if (refused != null) {
          return new FetchFailure(
              refused.code(), "redirect from " + shown + " refused: " + refused.message());
        }
        if (next.getScheme().equalsIgnoreCase("file")) {
          return new FetchFailure(
              FetchErrorCode.SCHEME_NOT_ALLOWED,
              "redirect from " + shown + " to a file: URI refused");
        }
        u = next;
        continue;
      }
      return new FetchFailure(
          FetchErrorCode.HTTP_ERROR, shown + ": the server answered HTTP " + status);
    }
  }

  private BodySubscriber<byte[]> bodySubscriber(HttpResponse.ResponseInfo info) {
    if (info.statusCode() < 200 || info.statusCode() >= 300) {
      return BodySubscribers.replacing(new byte[0]);
    }
    OptionalLong length = info.headers().firstValueAsLong("content-length");
    return new LimitedBody(settings.maxBytes(), length.orElse(-1));
  }

  private FetchFailure httpFailure(String shown, long start, Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof TooLargeException e) {
        return tooLarge(shown, e.getMessage());
      }
      if (t instanceof HttpConnectTimeoutException) {
        return timeout(
            shown, start, "connecting (connectTimeout=" + settings.connectTimeout() + ")");
      }
      if (t instanceof HttpTimeoutException) {
        return timeout(shown, start, "waiting for the response headers");
      }
      if (t instanceof ConnectException) {
        return new FetchFailure(
            FetchErrorCode.IO_ERROR, shown + ": connection refused or unreachable: " + t);
      }
    }
    return new FetchFailure(FetchErrorCode.IO_ERROR, shown + ": request failed: " + cause);
  }

  // ---- messages ---------------------------------------------------------------------------------

  private FetchFailure tooLarge(String shown, String size) {
    return new FetchFailure(
        FetchErrorCode.TOO_LARGE,
        shown + ": payload of " + size + " exceeds maxBytes=" + settings.maxBytes());
  }

  private FetchFailure timeout(String shown, long start, String during) {
    return new FetchFailure(
        FetchErrorCode.TIMEOUT,
        shown
            + ": gave up "
            + during
            + " after "
            + Math.round(millisSince(start))
            + " ms (timeout="
            + settings.timeout().toMillis()
            + " ms)");
  }

  /**
   * {@code uri} as fetch messages show it: without user info, its query redacted and its fragment
   * dropped; a string that is not a URI is cut at its query. For messages about references that
   * were not fetched at all.
   */
  public static String redacted(String uri) {
    if (uri == null) {
      return "null";
    }
    try {
      return redact(new URI(uri.trim()));
    } catch (URISyntaxException e) {
      return redactRaw(uri);
    }
  }

  /** The URI without user info and with its query and fragment redacted. */
  static String redact(URI u) {
    StringBuilder b = new StringBuilder();
    if (u.getScheme() != null) {
      b.append(u.getScheme()).append(':');
    }
    if (u.isOpaque()) {
      return b.append("<opaque>").toString();
    }
    if (u.getRawAuthority() != null || "file".equalsIgnoreCase(u.getScheme())) {
      b.append("//");
      if (u.getHost() != null) {
        b.append(u.getHost());
        if (u.getPort() != -1) {
          b.append(':').append(u.getPort());
        }
      }
    }
    b.append(u.getRawPath() == null ? "" : u.getRawPath());
    if (u.getRawQuery() != null) {
      b.append("?<query redacted>");
    }
    return b.toString();
  }

  private static String redactRaw(String raw) {
    String s = raw;
    int q = s.indexOf('?');
    if (q >= 0) {
      s = s.substring(0, q) + "?<query redacted>";
    }
    // Credentials in an authority that did not parse: "scheme://user:secret@host/...".
    s = s.replaceFirst("^([^:/?#]*://)[^/?#]*@", "$1<user info redacted>@");
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  private static List<String> sorted(java.util.Collection<String> values) {
    return values.stream().sorted().toList();
  }

  private static double millisSince(long start) {
    return (System.nanoTime() - start) / 1e6;
  }

  /** Stops the HTTP client's threads; idempotent. Later {@link #fetch} calls throw. */
  @Override
  public void close() {
    closed = true;
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  /** A body larger than allowed: announced by Content-Length or found while reading. */
  private static final class TooLargeException extends IOException {
    TooLargeException(String message) {
      super(message);
    }
  }

  /** Collects the body up to {@code max} bytes, cancelling the download beyond. */
  private static final class LimitedBody implements BodySubscriber<byte[]> {
    private final long max;
    private final long announced;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private byte[] buffer;
    private int size;

    LimitedBody(long max, long announced) {
      this.max = max;
      this.announced = announced;
      this.buffer = new byte[(int) Math.min(max, announced >= 0 ? announced : 64 * 1024)];
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (announced > max) {
        s.cancel();
        result.completeExceptionally(
            new TooLargeException(announced + " bytes (Content-Length)"));
        return;
      }
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : items) {
        int n = b.remaining();
        if ((long) size + n > max) {
          subscription.cancel();
          result.completeExceptionally(
              new TooLargeException("more than " + max + " bytes (read while downloading)"));
          return;
        }
        if (size + n > buffer.length) {
          buffer = Arrays.copyOf(buffer, (int) Math.min(max, Math.max(size + n, buffer.length * 2L)));
        }
        b.get(buffer, size, n);
        size += n;
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(size == buffer.length ? buffer : Arrays.copyOf(buffer, size));
    }
  }
}
