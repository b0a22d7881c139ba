package io.veil.cli;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/** How an input is read: plain text, one JSON document, or JSON lines. */
enum InputFormat {
  TEXT,
  JSON,
  JSONL;

  /** The format a file name suggests: {@code .json}, {@code .jsonl}/{@code .ndjson}, else text. */
  static InputFormat guess(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
      return JSONL;
    }
    if (name.endsWith(".json")) {
      return JSON;
    }
    return TEXT;
  }

  /** Accepts the names in any case. */
  static final class Converter implements CommandLine.ITypeConverter<InputFormat> {
    @Override
    public InputFormat convert(String value) {
      try {
        return InputFormat.valueOf(value.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("expected text, json or jsonl");
      }
    }
  }

  /** The names shown in help and offered by shell completion. */
  static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return List.of("text", "json", "jsonl").iterator();
    }
  }
}
