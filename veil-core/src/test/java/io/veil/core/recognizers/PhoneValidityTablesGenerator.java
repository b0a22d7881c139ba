package io.veil.core.recognizers;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneNumberDesc;
import dk.brics.automaton.Automaton;
import dk.brics.automaton.RegExp;
import dk.brics.automaton.State;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

/**
 * Builds {@link PhoneValidity}'s tables from the libphonenumber metadata on the class path: per region
 * (and non-geographic calling code), the minimal DFA of general description ∩ (union of the number-type
 * descriptions), each description restricted to its possible lengths, exactly as
 * {@code isValidNumberForRegion} decides, and the DFA of the region's leading-digits pattern. Run after a
 * libphonenumber upgrade (PhoneValidityTest fails until then; the recognizer stays correct meanwhile
 * by asking the library):
 *
 * <pre>
 * mvn -q -pl veil-core test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp veil-core/target/test-classes:veil-core/target/classes:$(cat /tmp/cp.txt) \
 *     io.veil.core.recognizers.PhoneValidityTablesGenerator \
 *     veil-core/src/main/resources/io/veil/core/recognizers/phone-validity.bin.gz
 * </pre>
 */
public final class PhoneValidityTablesGenerator {
  private PhoneValidityTablesGenerator() {}

  /** Characters libphonenumber's national-number patterns use, all of which translate to dk.brics syntax. */
  private static final String SUPPORTED = "0123456789[]()?:|{},-\\d";

  public static void main(String[] args) throws IOException {
    Files.write(Path.of(args[0]), tables(allKeys()));
  }

  /** Every table key: each region of each supported calling code, in the library's order. */
  static List<String> allKeys() {
    PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    List<String> keys = new ArrayList<>();
    for (int cc : new TreeSet<>(util.getSupportedCallingCodes())) {
      for (String region : util.getRegionCodesForCountryCode(cc)) {
        keys.add(PhoneValidity.key(region, cc));
      }
    }
    return keys;
  }

  static byte[] tables(List<String> keys) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes))) {
      out.writeInt(PhoneValidity.MAGIC);
      out.writeInt(keys.size());
      for (String key : keys) {
        PhoneMetadata m = PhoneValidity.metadata(key);
        out.writeUTF(key);
        out.write(PhoneValidity.fingerprint(m));
        writeDfa(out, validity(m));
        if (m.hasLeadingDigits()) {
          writeDfa(out, minimal(pattern(m.getLeadingDigits())));
        } else {
          out.writeInt(0);
        }
      }
    }
    return bytes.toByteArray();
  }

  /** States numbered breadth-first from the initial state (0); accepting bits; transitions per digit (-1: none). */
  private static void writeDfa(DataOutputStream out, Automaton a) throws IOException {
    List<State> states = new ArrayList<>();
    Map<State, Integer> index = new HashMap<>();
    states.add(a.getInitialState());
    index.put(a.getInitialState(), 0);
    for (int k = 0; k < states.size(); k++) {
      for (char c = '0'; c <= '9'; c++) {
        State t = states.get(k).step(c);
        if (t != null && !index.containsKey(t)) {
          index.put(t, states.size());
          states.add(t);
        }
      }
    }
    out.writeInt(states.size());
    long[] accept = new long[(states.size() + 63) / 64];
    for (int k = 0; k < states.size(); k++) {
      if (states.get(k).isAccept()) {
        accept[k >> 6] |= 1L << k;
      }
    }
    for (long w : accept) {
      out.writeLong(w);
    }
    for (State s : states) {
      for (char c = '0'; c <= '9'; c++) {
        State t = s.step(c);
        out.writeShort(t == null ? -1 : index.get(t));
      }
    }
  }

  private static Automaton minimal(Automaton a) {
    a.determinize();
    a.minimize();
    return a;
  }

  /** general ∩ (premium ∪ toll free ∪ ... ∪ fixed line [∪ mobile]), minimal and deterministic. */
  static Automaton validity(PhoneMetadata m) {
    List<PhoneNumberDesc> d = PhoneValidity.descriptions(m);
    Automaton types = Automaton.makeEmpty();
    for (int k = 1; k < d.size(); k++) {
      boolean mobile = k == d.size() - 1;
      if (mobile && m.getSameMobileAndFixedLinePattern()) {
        continue; // libphonenumber does not test mobile then (its pattern is the fixed line's)
      }
      types = types.union(description(d.get(k)));
    }
    return minimal(description(d.get(0)).intersection(types));
  }

  /** A libphonenumber pattern (digits, classes, non-capturing groups, alternation, counts) as an automaton. */
  static Automaton pattern(String p) {
    for (int k = 0; k < p.length(); k++) {
      if (SUPPORTED.indexOf(p.charAt(k)) < 0) {
        throw new IllegalStateException("unsupported pattern syntax at " + k + ": " + p);
      }
    }
    String translated = p.replace("\\d", "[0-9]").replace("(?:", "(");
    if (!translated.matches("[0-9\\[\\]()?|{},-]*")) {
      throw new IllegalStateException("unsupported pattern syntax: " + p);
    }
    return new RegExp(translated, RegExp.NONE).toAutomaton();
  }

  /** The numbers a description matches: its pattern (whole match) at one of its possible lengths. */
  static Automaton description(PhoneNumberDesc d) {
    String p = d.getNationalNumberPattern();
    if (p.isEmpty()) {
      return Automaton.makeEmpty(); // libphonenumber: an empty pattern matches nothing
    }
    Automaton a = pattern(p);
    List<Integer> lengths = d.getPossibleLengthList();
    if (!lengths.isEmpty()) {
      Automaton allowed = Automaton.makeEmpty();
      for (int len : lengths) {
        if (len >= 0) {
          allowed = allowed.union(Automaton.makeCharRange('0', '9').repeat(len, len));
        }
      }
      a = a.intersection(allowed);
    }
    return a;
  }
}
