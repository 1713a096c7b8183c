package io.riffle.load;

import java.io.IOException;
import java.nio.file.Path;

/** Test-only access to {@link FakeJar} from other packages. */
public final class FakeJarAccess {
  private FakeJarAccess() {}

  public static Path write(Path dir) throws IOException {
    return FakeJar.write(dir);
  }
}
