package dev.streammod.cli.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipFile;

/**
 * The parts of Flink's REST API that submitting and moving a job need: upload a jar, run it, stop a
 * job with a savepoint and wait for it. Every failure is a {@link FlinkRestException} that names the
 * call, the address and what came back (Flink's own {@code errors}, first line each).
 */
public final class FlinkRest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);

  private final URI base;
  private final HttpClient http;

  public FlinkRest(String restUrl) {
    URI uri;
    try {
      uri = URI.create(restUrl.endsWith("/") ? restUrl : restUrl + "/");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--rest-url '" + restUrl + "' is not a URL: " + e.getMessage(), e);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "--rest-url '" + restUrl + "' must be an http(s) address, e.g. http://localhost:8081");
    }
    this.base = uri;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  public URI base() {
    return base;
  }

  /** The web UI's page of a job. */
  public URI jobPage(String jobId) {
    return base.resolve("#/job/running/" + jobId + "/overview");
  }

  /** {@code GET /overview}: the cluster answers, with its TaskManagers and slots. */
  public JsonNode overview() {
    return call("GET /overview", HttpRequest.newBuilder(base.resolve("overview")).GET());
  }

  /**
   * {@code POST /jars/upload}; returns the jar id for {@link #run}. A file that is not a jar is
   * refused here, before the cluster sees it.
   */
  public String upload(Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw new FlinkRestException("job jar " + jar + " does not exist (build it: mvn -B -DskipTests package)");
    }
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      if (zip.getEntry("META-INF/MANIFEST.MF") == null) {
        throw new FlinkRestException("job jar " + jar + " has no META-INF/MANIFEST.MF: not a job jar");
      }
    } catch (IOException e) {
      throw new FlinkRestException("job jar " + jar + " is not a jar (zip) file: " + e.getMessage());
    }
    String boundary = "streammod-" + UUID.randomUUID();
    byte[] body;
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(
          ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                  + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.write(Files.readAllBytes(jar));
      out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
      body = out.toByteArray();
    } catch (IOException e) {
      throw new FlinkRestException("cannot read job jar " + jar + ": " + e.getMessage());
    }
    JsonNode answer =
        call(
            "POST /jars/upload",
            HttpRequest.newBuilder(base.resolve("jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    String file = answer.path("filename").asText("");
    if (file.isEmpty()) {
      throw new FlinkRestException("POST /jars/upload at " + base + " gave no file name: " + answer);
    }
    return Path.of(file).getFileName().toString();
  }

  /** What {@link #run} sends: entry class, program arguments, parallelism, savepoint to start from. */
  public record RunRequest(
      String entryClass, List<String> programArgs, Integer parallelism, String savepointPath, boolean allowNonRestoredState) {}

  /** {@code POST /jars/{id}/run}; returns the job id. */
  public String run(String jarId, RunRequest request) {
    ObjectNode body = JSON.createObjectNode();
    if (request.entryClass() != null) {
      body.put("entryClass", request.entryClass());
    }
    body.putArray("programArgsList").addAll(request.programArgs().stream().map(JSON.getNodeFactory()::textNode).toList());
    if (request.parallelism() != null) {
      body.put("parallelism", request.parallelism());
    }
    if (request.savepointPath() != null) {
      body.put("savepointPath", request.savepointPath());
      body.put("allowNonRestoredState", request.allowNonRestoredState());
    }
    JsonNode answer =
        call(
            "POST /jars/" + jarId + "/run",
            HttpRequest.newBuilder(base.resolve("jars/" + jarId + "/run"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    String jobId = answer.path("jobid").asText("");
    if (jobId.isEmpty()) {
      throw new FlinkRestException("POST /jars/" + jarId + "/run at " + base + " gave no job id: " + answer);
    }
    return jobId;
  }

  /** {@code GET /jobs/{id}}: the job's state and vertices. */
  public JsonNode job(String jobId) {
    return call("GET /jobs/" + jobId, HttpRequest.newBuilder(base.resolve("jobs/" + jobId)).GET());
  }

  /**
   * {@code POST /jobs/{id}/stop} without draining, then waits for the savepoint; returns its path.
   *
   * @param targetDirectory null for the cluster's {@code execution.checkpointing.savepoint-dir}
   */
  public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout) {
    ObjectNode body = JSON.createObjectNode().put("drain", false);
    if (targetDirectory != null) {
      body.put("targetDirectory", targetDirectory);
    }
    String trigger =
        call(
                "POST /jobs/" + jobId + "/stop",
                HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "/stop"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())))
            .path("request-id")
            .asText();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode status =
          call(
              "GET /jobs/" + jobId + "/savepoints/" + trigger,
              HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "/savepoints/" + trigger)).GET());
      if ("COMPLETED".equals(status.at("/status/id").asText())) {
        JsonNode op = status.path("operation");
        if (op.has("location")) {
          return op.get("location").asText();
        }
        throw new FlinkRestException(
            "stop with savepoint of job " + jobId + " failed: " + firstLine(op.path("failure-cause").path("stack-trace").asText(op.toString())));
      }
      if (System.nanoTime() > deadline) {
        throw new FlinkRestException("stop with savepoint of job " + jobId + " not done after " + timeout);
      }
      sleep(250);
    }
  }

  private JsonNode call(String what, HttpRequest.Builder request) {
    HttpResponse<String> response;
    try {
      response = http.send(request.timeout(CALL_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new FlinkRestException(
          "cannot reach the Flink REST API at " + base + " (" + what + "): connection refused; is the cluster up?");
    } catch (HttpTimeoutException e) {
      throw new FlinkRestException("the Flink REST API at " + base + " did not answer " + what + " in time");
    } catch (IOException e) {
      throw new FlinkRestException("cannot reach the Flink REST API at " + base + " (" + what + "): " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FlinkRestException("interrupted during " + what);
    }
    JsonNode json;
    try {
      json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new FlinkRestException(
          what + " at " + base + " answered HTTP " + response.statusCode() + " with no JSON: " + firstLine(response.body())
              + " (is this a Flink REST endpoint?)");
    }
    if (response.statusCode() >= 300 || json.has("errors")) {
      StringBuilder errors = new StringBuilder();
      for (JsonNode e : json.path("errors")) {
        errors.append(errors.length() == 0 ? "" : "; ").append(causeOf(e.asText()));
      }
      throw new FlinkRestException(
          what + " at " + base + " failed (HTTP " + response.statusCode() + "): " + (errors.length() == 0 ? json : errors));
    }
    return json;
  }

  /**
   * Flink's error texts are whole stack traces. The line a user needs is what the job's main threw
   * ("The main method caused an error: ..."), else the deepest "Caused by".
   */
  static String causeOf(String error) {
    String marker = "The main method caused an error: ";
    int at = error.indexOf(marker);
    if (at >= 0) {
      return firstLine(error.substring(at + marker.length()));
    }
    String best = firstLine(error);
    for (String line : error.split("\n")) {
      String t = line.strip();
      if (t.startsWith("Caused by: ")) {
        best = t.substring("Caused by: ".length());
      }
    }
    return best;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FlinkRestException("interrupted");
    }
  }
}
