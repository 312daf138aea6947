package dev.streammod.it.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from the system packages (Debian's {@code chromium} and {@code
 * chromium-driver}, which {@code .ci/run} installs), driven by Selenium with both paths given, so
 * Selenium Manager never tries to download a browser or a driver.
 */
final class Chromium {
  private static final List<String> BROWSERS =
      List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
  private static final List<String> DRIVERS =
      List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

  private Chromium() {}

  /** Why the browser test cannot run here, or empty when it can. */
  static Optional<String> missing() {
    if (browser().isEmpty()) {
      return Optional.of("no Chromium at " + BROWSERS + ": install Debian's chromium and chromium-driver (.ci/run does)");
    }
    if (driver().isEmpty()) {
      return Optional.of("no chromedriver at " + DRIVERS + ": install Debian's chromium-driver (.ci/run does)");
    }
    return Optional.empty();
  }

  static ChromeDriver start(Path userDataDir) throws IOException {
    Files.createDirectories(userDataDir);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser().orElseThrow());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1600,1000",
        "--user-data-dir=" + userDataDir.toAbsolutePath());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(Path.of(driver().orElseThrow()).toFile())
            .usingAnyFreePort()
            .withTimeout(Duration.ofSeconds(30))
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(10));
    return driver;
  }

  private static Optional<String> browser() {
    return BROWSERS.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst();
  }

  private static Optional<String> driver() {
    return DRIVERS.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst();
  }
}
