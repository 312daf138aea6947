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
            "com.sun.management..", // the JDK's process CPU time, for the benchmark
            "ai.onnxruntime..",
            "com.fasterxml.jackson..",
            "org.slf4j..")
        .check(production);
  }

  @Test
  void onlyTheRootPackageAndTheBenchmarkTouchOnnxRuntime() {
    // The benchmark's baseline is a bare ONNX Runtime session, so it calls the runtime itself.
    noClasses()
        .that()
        .resideInAPackage("dev.streammod.models..")
        .and()
        .resideOutsideOfPackages("dev.streammod.models", "dev.streammod.models.bench")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("ai.onnxruntime..")
        .check(production);
  }
}
