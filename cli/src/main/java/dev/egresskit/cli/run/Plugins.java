package dev.egresskit.cli.run;

import dev.egresskit.cli.output.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The plug-in class path: the jars found in the {@code --plugin} folders, behind one
 * {@link URLClassLoader} whose parent is the application class loader. A service counts as a
 * plug-in when its class was defined by that loader, so built-in services are never bound twice.
 *
 * @param loader the class loader to look services up with (the application loader when there
 *               are no plug-ins)
 * @param jars   the plug-in jars, in load order
 */
record Plugins(ClassLoader loader, List<Path> jars) implements AutoCloseable {

  Plugins {
    jars = List.copyOf(jars);
  }

  /** No plug-ins: services come from the application class path only. */
  static Plugins none() {
    return new Plugins(Plugins.class.getClassLoader(), List.of());
  }

  /**
   * Opens the jars in {@code dirs} (each folder's {@code *.jar} files, sorted by name).
   *
   * @throws BadInputException if a folder does not exist, is not a folder, or holds no jar
   */
  static Plugins load(List<Path> dirs) {
    if (dirs.isEmpty()) {
      return none();
    }
    List<Path> jars = new ArrayList<>();
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        throw new BadInputException("--plugin " + dir + ": not a folder (expected a folder of"
            + " plug-in .jar files)");
      }
      try (Stream<Path> files = Files.list(dir)) {
        List<Path> found = files
            .filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
            .sorted()
            .toList();
        if (found.isEmpty()) {
          throw new BadInputException("--plugin " + dir + ": holds no .jar files");
        }
        jars.addAll(found);
      } catch (IOException e) {
        throw new BadInputException("--plugin " + dir + ": cannot list the folder: " + e, e);
      }
    }
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = jars.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new BadInputException("--plugin: cannot use " + jars.get(i) + ": " + e, e);
      }
    }
    ClassLoader loader =
        new URLClassLoader("egresskit-plugins", urls, Plugins.class.getClassLoader());
    return new Plugins(loader, jars);
  }

  @Override
  public void close() {
    if (loader instanceof URLClassLoader urls) {
      try {
        urls.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
