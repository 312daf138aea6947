package dev.streammod.pipeline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Decisions live in plain classes; only the job, demo and command-line packages touch Flink. */
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
            "dev.streammod.pipeline.classify..",
            "dev.streammod.pipeline.config..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.flink..")
        .because("operators adapt, plain classes decide (style.md, lesson 1)")
        .check(classes);
  }
}
