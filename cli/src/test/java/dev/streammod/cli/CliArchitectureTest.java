package dev.streammod.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.streammod.cli.classify.Classifier;
import dev.streammod.cli.dashboard.StatsStore;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The dashboard and {@code classify} are plain Java: neither needs Flink. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CliArchitectureTest {
  @Test
  void dashboardAndClassifyAreFreeOfFlink() throws URISyntaxException {
    // Import the package folders only, and take referenced classes by name: scanning the whole
    // classpath (Flink, Kafka, FFmpeg, ONNX Runtime jars) takes many seconds.
    ArchConfiguration config = ArchConfiguration.get();
    boolean resolve = config.resolveMissingDependenciesFromClassPath();
    JavaClasses classes;
    try {
      config.setResolveMissingDependenciesFromClassPath(false);
      classes =
          new ClassFileImporter()
              .importPaths(packageDir(StatsStore.class), packageDir(Classifier.class));
    } finally {
      config.setResolveMissingDependenciesFromClassPath(resolve);
    }
    assertThat(classes.contain(StatsStore.class)).isTrue();
    assertThat(classes.contain(Classifier.class)).isTrue();
    noClasses()
        .that()
        .resideInAnyPackage("dev.streammod.cli.dashboard..", "dev.streammod.cli.classify..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.flink..")
        .because(
            "the dashboard and classify run outside any Flink job, and their plain classes are"
                + " unit-tested without a cluster")
        .check(classes);
  }

  private static Path packageDir(Class<?> type) throws URISyntaxException {
    Path root = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    return root.resolve(type.getPackageName().replace('.', '/'));
  }
}
