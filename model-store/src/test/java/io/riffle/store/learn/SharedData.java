package io.riffle.store.learn;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds {@code shared/data/<name>} beside the project root (or any ancestor of the working dir).
 */
final class SharedData {
  private SharedData() {}

  static Optional<Path> find(String name) {
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      Path candidate = p.resolve("shared").resolve("data").resolve(name);
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
      p = p.getParent();
    }
    return Optional.empty();
  }
}
