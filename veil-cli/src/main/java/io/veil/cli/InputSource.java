package io.veil.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One input of a command: a file, or standard input ({@code -} or no file at all).
 *
 * @param name how error messages and reports name it: the path as given, or {@code <stdin>}
 * @param path the file, or null for standard input
 */
record InputSource(String name, Path path) {
  static final String STDIN = "<stdin>";

  /** The inputs named on the command line; standard input if there are none. */
  static List<InputSource> of(List<Path> files) {
    List<InputSource> out = new ArrayList<>();
    if (files == null || files.isEmpty()) {
      out.add(new InputSource(STDIN, null));
      return out;
    }
    for (Path p : files) {
      out.add(p.toString().equals("-") ? new InputSource(STDIN, null) : new InputSource(p.toString(), p));
    }
    return out;
  }

  boolean isStdin() {
    return path == null;
  }

  /**
   * Checks that the file exists, is a regular file and can be read, before anything is written.
   *
   * @throws InputException if not
   */
  void check() {
    if (path == null) {
      return;
    }
    if (!Files.exists(path)) {
      throw InputException.at(name, 0, "no such file");
    }
    if (Files.isDirectory(path)) {
      throw InputException.at(name, 0, "is a directory, not a file");
    }
    if (!Files.isReadable(path)) {
      throw InputException.at(name, 0, "cannot read the file (permission denied)");
    }
  }

  /** Size in bytes, or -1 when unknown (standard input). */
  long size() {
    if (path == null) {
      return -1;
    }
    try {
      return Files.size(path);
    } catch (IOException e) {
      return -1;
    }
  }

  /** Opens the input; {@code stdin} is what standard input is. */
  InputStream open(InputStream stdin) {
    if (path == null) {
      return stdin;
    }
    try {
      return Files.newInputStream(path);
    } catch (NoSuchFileException e) {
      throw InputException.at(name, 0, "no such file");
    } catch (AccessDeniedException e) {
      throw InputException.at(name, 0, "cannot read the file (permission denied)");
    } catch (IOException e) {
      throw InputException.at(name, 0, "cannot read the file (" + e.getClass().getSimpleName() + ")");
    }
  }
}
