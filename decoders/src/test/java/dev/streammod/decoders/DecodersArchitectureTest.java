package dev.streammod.decoders;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The decoders module is plain Java over FFmpeg: Flink operators adapt it, never the reverse. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DecodersArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    // Rules look at package names only; resolving FFmpeg's huge bindings from jars is slow.
    ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
    // Import this module's compiled main classes only, not the whole class path.
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPath(mainClassesDirectory());
  }

  private static Path mainClassesDirectory() {
    try {
      return Path.of(
          SegmentDecoder.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void rulesSeeTheModulesRealDependencies() {
    assertThat(classes.contain(SegmentDecoder.class)).isTrue();
    // The synthetic encoder is a test kit of its own (decoders/synthetic), not in the decoders jar.
    assertThat(classes.contain(SyntheticSegments.class)).isFalse();
    // Guards against a vacuous import: the same kind of rule does fire on a real dependency.
    assertThatThrownBy(
            () ->
                noClasses()
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage("org.bytedeco.ffmpeg..")
                    .check(classes))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("SegmentDecoder");
  }

  @Test
  void nothingDependsOnFlink() {
    noClasses()
        .that()
        .resideInAPackage("dev.streammod.decoders..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.flink..")
        .because("decoders must run and be tested without Flink")
        .check(classes);
  }

  @Test
  void nothingDependsOnOtherModulesOrTheirLibraries() {
    noClasses()
        .that()
        .resideInAPackage("dev.streammod.decoders..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.streammod.models..",
            "dev.streammod.pipeline..",
            "dev.streammod.connectors..",
            "ai.onnxruntime..",
            "org.apache.kafka..",
            "org.apache.avro..")
        .check(classes);
  }

  @Test
  void fetchingIsPlainJdk() {
    noClasses()
        .that()
        .resideInAPackage("dev.streammod.decoders.fetch..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages("java..", "javax..", "dev.streammod.decoders.fetch..")
        .because("the payload fetcher uses java.net.http and java.nio.file only")
        .check(classes);
  }

  @Test
  void decodingDoesNotNeedTheSyntheticEncoder() {
    noClasses()
        .that()
        .resideInAPackage("dev.streammod.decoders..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.streammod.decoders.synthetic..")
        .check(classes);
  }
}
