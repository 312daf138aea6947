package dev.streammod.cli.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The dashboard's HTTP side, on Javalin (Jetty 12): the page and its two assets, and a JSON API.
 *
 * <ul>
 *   <li>{@code GET /} the page; {@code /assets/dashboard.js}, {@code /assets/dashboard.css}
 *   <li>{@code GET /api/streams?sort=&order=&q=&status=&page=&size=} one page of streams
 *   <li>{@code GET /api/summary} totals, feed and job state
 * </ul>
 *
 * With a token, the page and the API answer 401 unless the request carries it ({@code
 * Authorization: Bearer <token>}, {@code X-Dashboard-Token} or {@code ?token=}); the two assets are
 * constant files from the jar and hold no data, so they are served to anyone who can connect. Bound
 * to a loopback address, requests must name a loopback host (DNS-rebinding guard). Stream ids are
 * data: the page only ever writes them with {@code textContent}, and a strict
 * Content-Security-Policy forbids inline script.
 */
public final class DashboardHttp implements AutoCloseable {
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
          + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  private static final Set<String> LOOPBACK_HOSTS =
      Set.of("localhost", "127.0.0.1", "[::1]", "::1");

  /**
   * @param bind address to listen on; 127.0.0.1 by default
   * @param port 0 for a free port
   * @param token null or empty for none
   */
  public record Options(String bind, int port, String token) {
    public Options {
      bind = bind == null || bind.isBlank() ? "127.0.0.1" : bind.trim();
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be within 0-65535, got " + port);
      }
      token = token == null || token.isEmpty() ? null : token;
    }
  }

  private final ObjectMapper json =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
  private final Options options;
  private final StatsStore store;
  private final Supplier<Map<String, Object>> status;
  private final boolean loopback;
  private final byte[] tokenBytes;
  private final Map<String, byte[]> assets = new HashMap<>();
  private final Javalin app;

  private DashboardHttp(Options options, StatsStore store, Supplier<Map<String, Object>> status) {
    this.options = options;
    this.store = Objects.requireNonNull(store, "store");
    this.status = status == null ? Map::of : status;
    this.loopback = isLoopback(options.bind());
    this.tokenBytes =
        options.token() == null ? null : options.token().getBytes(StandardCharsets.UTF_8);
    for (String name : List.of("index.html", "dashboard.js", "dashboard.css")) {
      assets.put(name, resource("dashboard/" + name));
    }
    this.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.jetty.host = options.bind();
              config.jetty.port = options.port();
              config.routes.before(this::guard);
              config.routes.get("/", ctx -> asset(ctx, "index.html", "text/html; charset=utf-8"));
              config.routes.get(
                  "/assets/dashboard.js",
                  ctx -> asset(ctx, "dashboard.js", "text/javascript; charset=utf-8"));
              config.routes.get(
                  "/assets/dashboard.css",
                  ctx -> asset(ctx, "dashboard.css", "text/css; charset=utf-8"));
              config.routes.get("/favicon.ico", ctx -> ctx.status(204));
              config.routes.get("/api/streams", this::streams);
              config.routes.get("/api/summary", this::summary);
              config.routes.get("/api/evidence", this::evidence);
              config.routes.exception(
                  Denied.class, (e, ctx) -> error(ctx, e.status, e.getMessage()));
              config.routes.exception(
                  IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            });
  }

  /** Starts serving; {@link #port()} tells the port when 0 was asked for. */
  public static DashboardHttp start(
      Options options, StatsStore store, Supplier<Map<String, Object>> status) {
    DashboardHttp h = new DashboardHttp(options, store, status);
    h.app.start();
    return h;
  }

  public int port() {
    return app.port();
  }

  /** The page's address, without the token. */
  public String url() {
    String host = options.bind();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = "127.0.0.1";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port() + "/";
  }

  /**
   * The newest flagged thumbnail of one stream, same-origin only: {@code stream} is looked up,
   * never used in a path; only bytes that start as a JPEG are served, as image/jpeg with nosniff.
   */
  private void evidence(io.javalin.http.Context ctx) {
    String stream = ctx.queryParam("stream");
    if (stream == null || stream.isEmpty()) {
      throw new IllegalArgumentException("stream must be given: /api/evidence?stream=ID");
    }
    byte[] jpeg = store.evidence(stream).orElse(null);
    if (jpeg == null) {
      error(ctx, 404, "no evidence thumbnail for that stream");
      return;
    }
    // Its URL names the flag's sequence, so it may be kept a while.
    ctx.header("Cache-Control", "private, max-age=600");
    ctx.contentType("image/jpeg").result(jpeg);
  }

  private void guard(Context ctx) {
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("Cache-Control", "no-store");
    if (loopback && !LOOPBACK_HOSTS.contains(hostName(ctx.header("Host")))) {
      throw new Denied(403, "this dashboard answers to localhost only");
    }
    String path = ctx.path();
    if (tokenBytes == null || path.startsWith("/assets/") || path.equals("/favicon.ico")) {
      return;
    }
    String given = tokenOf(ctx);
    if (given == null
        || !MessageDigest.isEqual(tokenBytes, given.getBytes(StandardCharsets.UTF_8))) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"streammod dashboard\"");
      throw new Denied(401, given == null ? "token required" : "wrong token");
    }
  }

  private static String tokenOf(Context ctx) {
    String auth = ctx.header("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return auth.substring(7).trim();
    }
    String header = ctx.header("X-Dashboard-Token");
    if (header != null) {
      return header;
    }
    return ctx.queryParam("token");
  }

  private void streams(Context ctx) throws JsonProcessingException {
    Map<String, String> params = new HashMap<>();
    for (String name : List.of("sort", "order", "q", "status", "page", "size")) {
      params.put(name, ctx.queryParam(name));
    }
    writeJson(ctx, 200, store.query(StreamQuery.fromParams(params)));
  }

  private void summary(Context ctx) throws JsonProcessingException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("totals", store.summary());
    body.putAll(status.get());
    body.put("generated_at_ms", System.currentTimeMillis());
    writeJson(ctx, 200, body);
  }

  private void asset(Context ctx, String name, String type) {
    ctx.contentType(type).result(assets.get(name));
  }

  private void writeJson(Context ctx, int code, Object body) throws JsonProcessingException {
    ctx.status(code).contentType("application/json").result(json.writeValueAsBytes(body));
  }

  private void error(Context ctx, int code, String message) {
    try {
      writeJson(ctx, code, Map.of("error", message == null ? "" : message));
    } catch (JsonProcessingException e) {
      ctx.status(code).result(String.valueOf(message));
    }
  }

  static String hostName(String hostHeader) {
    if (hostHeader == null) {
      return "";
    }
    String h = hostHeader.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(0, end + 1);
    }
    int colon = h.lastIndexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }

  private static boolean isLoopback(String bind) {
    try {
      return InetAddress.getByName(bind).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("bind address '" + bind + "' does not resolve", e);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = DashboardHttp.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("dashboard asset " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dashboard asset " + name, e);
    }
  }

  @Override
  public void close() {
    app.stop();
  }

  /** A request refused before it reached a route. */
  static final class Denied extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    Denied(int status, String message) {
      super(message);
      this.status = status;
    }
  }
}
