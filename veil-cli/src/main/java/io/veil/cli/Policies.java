package io.veil.cli;

import io.veil.core.Policy;
import io.veil.core.PolicyException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the policy named on the command line ({@code --policy FILE}), or the built-in default.
 *
 * <p>Failure: a missing, unreadable or invalid file throws {@link CliException} (exit code 2) naming
 * the file and, for an invalid policy, the field; {@link PolicyException} messages never quote allow-
 * or deny-list terms.
 */
final class Policies {
  private Policies() {}

  static Policy load(Path file) {
    if (file == null) {
      return Policy.defaults();
    }
    if (!Files.isRegularFile(file)) {
      throw new CliException(file + ": no such policy file");
    }
    if (!Files.isReadable(file)) {
      throw new CliException(file + ": cannot read the policy file (permission denied)");
    }
    try {
      return Policy.load(file);
    } catch (PolicyException e) {
      throw new CliException(file + ": invalid policy: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
