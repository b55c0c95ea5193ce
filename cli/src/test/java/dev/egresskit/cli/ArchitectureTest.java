package dev.egresskit.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module and package rules of the architecture, checked on the compiled main classes of
 * every module the CLI assembles (core, both bindings, transport, the proxy, the sink, the HTTP
 * server, the library facade, the CLI). The composition root is the facade ({@code embed}) and
 * the CLI's own assembly on top of it ({@code cli.run}): only they import Guice.
 */
@AnalyzeClasses(packages = "dev.egresskit", importOptions = {
    ImportOption.DoNotIncludeTests.class, ArchitectureTest.MainClassesOnly.class})
class ArchitectureTest {

  /** Leaves out test classes that come in jars (the {@code tests} classifier). */
  static final class MainClassesOnly implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("-tests.jar") && !location.contains("/test-classes/");
    }
  }

  @ArchTest
  static final ArchRule noPackageCycles = slices().matching("dev.egresskit.(**)")
      .should().beFreeOfCycles();

  @ArchTest
  static final ArchRule coreImportsNoBindingTransportNettyOrGuice = noClasses()
      .that().resideInAPackage("dev.egresskit.core..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "dev.egresskit.lua..", "dev.egresskit.js..", "dev.egresskit.transport..",
          "dev.egresskit.proxy..", "dev.egresskit.sink..", "dev.egresskit.http..",
          "dev.egresskit.embed..", "dev.egresskit.cli..",
          "io.netty..", "com.google.inject..");

  @ArchTest
  static final ArchRule luaImportsNeitherJavaScriptNorTransport = noClasses()
      .that().resideInAPackage("dev.egresskit.lua..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "dev.egresskit.js..", "dev.egresskit.transport..");

  @ArchTest
  static final ArchRule javaScriptImportsNeitherLuaNorTransport = noClasses()
      .that().resideInAPackage("dev.egresskit.js..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "dev.egresskit.lua..", "dev.egresskit.transport..");

  @ArchTest
  static final ArchRule onlyTheCompositionRootImportsGuice = noClasses()
      .that().resideOutsideOfPackages("dev.egresskit.embed..", "dev.egresskit.cli.run..")
      .should().dependOnClassesThat().resideInAPackage("com.google.inject..");
}
