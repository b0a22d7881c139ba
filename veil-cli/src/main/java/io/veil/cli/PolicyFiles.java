package io.veil.cli;

import io.veil.core.Policy;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the policy a command was given with {@code --policy}, or the default policy.
 *
 * <p>{@code Policy.load(Path)} is being written in veil-core at the same time as this command; until it
 * is on the classpath this class finds it by reflection and says plainly when it is missing. Once it
 * has landed, the reflective call is to be replaced by a direct one.
 */
final class PolicyFiles {
  private PolicyFiles() {}

  static Policy load(Path file) {
    if (file == null) {
      return Policy.defaults();
    }
    String name = file.toString();
    if (!Files.isRegularFile(file)) {
      throw InputException.at(name, 0, "no such policy file");
    }
    if (!Files.isReadable(file)) {
      throw InputException.at(name, 0, "cannot read the policy file (permission denied)");
    }
    Method load;
    try {
      load = Policy.class.getMethod("load", Path.class);
    } catch (NoSuchMethodException e) {
      throw InputException.at(name, 0, "policy files are not supported by this build of veil-core (Policy.load is missing)");
    }
    try {
      return (Policy) load.invoke(null, file);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      throw InputException.at(name, 0, "invalid policy: " + firstLine(why));
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("Policy.load is not accessible", e);
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
