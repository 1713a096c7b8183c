package io.riffle.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Packs {@link FakeRiffle} from the test classes into a runnable jar. */
final class FakeJar {
  private FakeJar() {}

  static Path write(Path dir) throws IOException {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeRiffle.class.getName());
    Path jar = dir.resolve("fake-riffle.jar");
    try (OutputStream os = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(os, m)) {
      String entry = FakeRiffle.class.getName().replace('.', '/') + ".class";
      out.putNextEntry(new JarEntry(entry));
      try (InputStream in = FakeRiffle.class.getClassLoader().getResourceAsStream(entry)) {
        in.transferTo(out);
      }
      out.closeEntry();
    }
    return jar;
  }
}
