package dev.streammod.pipeline.stats;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stream statistics' arithmetic is plain Java: the only Flink code for it is the thin operator
 * in {@code job/}. (The dashboard's rule is in the cli module.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatsArchitectureTest {
  @Test
  void statsAreFreeOfFlink() throws URISyntaxException {
    // Import the package folder only, and take referenced classes by name: scanning the
    // whole classpath (Flink, Kafka, FFmpeg, ONNX Runtime jars) takes many seconds.
    ArchConfiguration config = ArchConfiguration.get();
    boolean resolve = config.resolveMissingDependenciesFromClassPath();
    JavaClasses classes;
    try {
      config.setResolveMissingDependenciesFromClassPath(false);
      classes = new ClassFileImporter().importPaths(packageDir(StreamWindow.class));
    } finally {
      config.setResolveMissingDependenciesFromClassPath(resolve);
    }
    assertThat(classes.contain(StreamWindow.class)).isTrue();
    noClasses()
        .that()
        .resideInAnyPackage("dev.streammod.pipeline.stats..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.flink..")
        .because(
            "the statistics' arithmetic is plain Java that unit tests run without a cluster; only"
                + " the thin operator in the job package adapts it to Flink")
        .check(classes);
  }

  private static Path packageDir(Class<?> type) throws URISyntaxException {
    Path root = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    return root.resolve(type.getPackageName().replace('.', '/'));
  }
}
