package io.veil.core.testing;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The string constants of a compiled class and the methods it calls, read from its constant pool
 * (JVM spec §4.4). Enough to find every regular expression written as a literal in the code.
 */
public record ClassConstants(List<String> strings, Set<String> calledMethods) {

  /** True if the class calls a method that compiles a regular expression with java.util.regex. */
  public boolean usesJdkRegex() {
    for (String m : calledMethods) {
      if (m.startsWith("java/util/regex/") || m.equals("java/lang/String.matches")
          || m.equals("java/lang/String.replaceAll") || m.equals("java/lang/String.replaceFirst")
          || m.equals("java/lang/String.split")) {
        return true;
      }
    }
    return false;
  }

  public static ClassConstants read(Path classFile) throws IOException {
    try (InputStream in = Files.newInputStream(classFile)) {
      return read(in.readAllBytes());
    }
  }

  static ClassConstants read(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    int[] tag = new int[count];
    int[] a = new int[count];
    int[] b = new int[count];
    for (int i = 1; i < count; i++) {
      tag[i] = in.readUnsignedByte();
      switch (tag[i]) {
        case 1 -> utf8[i] = in.readUTF();
        case 3, 4 -> in.readInt();
        case 5, 6 -> {
          in.readLong();
          i++;
        }
        case 7, 8, 16, 19, 20 -> a[i] = in.readUnsignedShort();
        case 9, 10, 11, 12, 17, 18 -> {
          a[i] = in.readUnsignedShort();
          b[i] = in.readUnsignedShort();
        }
        case 15 -> {
          in.readUnsignedByte();
          a[i] = in.readUnsignedShort();
        }
        default -> throw new IOException("unknown constant tag " + tag[i]);
      }
    }
    List<String> strings = new ArrayList<>();
    Set<String> methods = new HashSet<>();
    for (int i = 1; i < count; i++) {
      if (tag[i] == 8) {
        strings.add(utf8[a[i]]);
      } else if (tag[i] == 10 || tag[i] == 11) {
        String owner = utf8[a[a[i]]];
        String name = utf8[a[b[i]]];
        methods.add(owner + "." + name);
      }
    }
    return new ClassConstants(strings, methods);
  }
}
