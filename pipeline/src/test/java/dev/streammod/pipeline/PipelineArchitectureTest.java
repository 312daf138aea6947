package dev.streammod.pipeline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;


import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Decisions live in plain classes; only the job package touches Flink. The job jar is built from
 * this module, so nothing here may need what only the command line or the tests have.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipelineArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.streammod.pipeline");
  }

  @Test
  void decisionLogicIsFreeOfFlink() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.streammod.pipeline.moderation..",
            "dev.streammod.pipeline.policy..",
            "dev.streammod.pipeline.config..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.flink..")
        .because(
            "moderation, policy and configuration decide in plain classes that unit tests run"
                + " without a cluster; only the job package's thin operators adapt them to Flink")
        .check(classes);
  }

  @Test
  void theJobNeedsNothingThatOnlyTheCommandLineOrTheTestsHave() {
    noClasses()
        .that()
        .resideInAPackage("dev.streammod.pipeline..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.streammod.cli..",
            "dev.streammod.connectors.embedded..",
            "dev.streammod.decoders.synthetic..",
            "dev.streammod.models.testing..",
            "dev.streammod.models.onnx..",
            "dev.streammod.models.convert..",
            "kafka..",
            "org.apache.kafka.common.test..",
            "io.javalin..",
            "org.eclipse.jetty..",
            "org.apache.logging.log4j.core..",
            "org.apache.flink.runtime.minicluster..",
            "org.apache.flink.client..")
        .because("the job jar carries only what a cluster lacks: no broker, HTTP server or fixtures")
        .check(classes);
  }

  @Test
  void theJobNeverExitsTheJvm() {
    // A cluster runs the job's main inside its JobManager: System.exit there would take it down.
    noClasses()
        .that()
        .resideInAPackage("dev.streammod.pipeline..")
        .should()
        .callMethod(System.class, "exit", int.class)
        .orShould()
        .callMethod(Runtime.class, "exit", int.class)
        .orShould()
        .callMethod(Runtime.class, "halt", int.class)
        .because("the job's code runs inside Flink's JobManager and TaskManager processes")
        .check(classes);
  }
}
