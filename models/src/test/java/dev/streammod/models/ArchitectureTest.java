package dev.streammod.models;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ArchitectureTest {
  private static JavaClasses production;

  @BeforeAll
  static void importClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.streammod.models");
  }

  @Test
  void modelsNeverDependOnFlink() {
    noClasses()
        .that()
        .resideInAPackage("dev.streammod.models..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.flink..")
        .check(production);
  }

  @Test
  void modelsDependOnlyOnTheJdkOnnxRuntimeJacksonAndSlf4j() {
    classes()
        .that()
        .resideInAPackage("dev.streammod.models..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "dev.streammod.models..",
            "java..",
            "ai.onnxruntime..",
            "com.fasterxml.jackson..",
            "org.slf4j..")
        .check(production);
  }

  @Test
  void onlyTheRootPackageTouchesOnnxRuntime() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.streammod.models.preprocess..",
            "dev.streammod.models.onnx..",
            "dev.streammod.models.batching..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("ai.onnxruntime..")
        .check(production);
  }
}
