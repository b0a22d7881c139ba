package io.veil.cli;

import java.util.Locale;
import picocli.CommandLine;

/** Parses sizes such as {@code 65536}, {@code 64k}, {@code 64m}, {@code 1g} (binary multiples). */
final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    long mult = 1;
    if (v.endsWith("k") || v.endsWith("m") || v.endsWith("g")) {
      mult = switch (v.charAt(v.length() - 1)) {
        case 'k' -> 1024L;
        case 'm' -> 1024L * 1024;
        default -> 1024L * 1024 * 1024;
      };
      v = v.substring(0, v.length() - 1);
    }
    try {
      long n = Long.parseLong(v);
      if (n < 1) {
        throw new CommandLine.TypeConversionException("a size must be positive");
      }
      return Math.multiplyExact(n, mult);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a size such as 65536, 64k or 64m");
    }
  }
}
