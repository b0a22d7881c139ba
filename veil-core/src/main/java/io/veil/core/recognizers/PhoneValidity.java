package io.veil.core.recognizers;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneNumberDesc;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import com.google.i18n.phonenumbers.metadata.source.MetadataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.zip.GZIPInputStream;

/**
 * libphonenumber's {@code isValidNumberForRegion} and {@code isValidNumber}, answered by deterministic
 * automata over the national significant number's digits instead of dozens of regular-expression
 * matches (for a "+1" number that is not a US number, {@code isValidNumber} tries up to 25 NANPA
 * regions with about ten patterns each, more than libphonenumber's pattern cache holds).
 *
 * <p>What is compiled, per region (and per non-geographic calling code): libphonenumber calls a national
 * significant number valid for a region if it matches the region's general description and at least
 * one number-type description (premium rate, toll free, shared cost, VoIP, personal, pager, UAN,
 * voicemail, fixed line, and mobile unless the metadata says mobile and fixed line share one pattern),
 * where a description matches if the number's length is one of its possible lengths (when it lists
 * any) and its national-number pattern matches the whole number. For calling codes shared by several
 * regions, {@code isValidNumber} first picks the region: the first in the library's list whose
 * leading-digits pattern matches a prefix of the number or, for a region without one, for which the
 * number is valid. The tables in {@value #RESOURCE} hold both languages as minimal DFAs, built offline
 * from the bundled metadata by {@code PhoneValidityTablesGenerator} (test sources, dk.brics.automaton).
 *
 * <p>Staying in step with the library: each table carries a SHA-256 fingerprint of the metadata it was
 * built from (every pattern, every possible-length list, the shared-pattern flag, the leading digits).
 * When a table is first needed, the fingerprint is recomputed from the metadata of the libphonenumber on
 * the class path (so only the metadata of regions actually met is loaded); a region whose fingerprint differs (the library was upgraded and the tables were not regenerated), or
 * that has no table, has no automaton: {@link #table(String)} is null and {@link #isValidNumber} asks
 * the library for its calling code. So every answer is the library's own. {@code PhoneValidityTest}
 * fails when tables are stale and checks the automata against the library on random numbers.
 *
 * <p>Thread safety: safe for concurrent use (the fingerprint checks are memoised in concurrent maps; a
 * race at most repeats one). Failure: an unreadable resource leaves every region
 * without an automaton (the library answers; nothing is hidden). Memory: about 0.5 MB of tables.
 */
final class PhoneValidity {
  static final String RESOURCE = "phone-validity.bin.gz";
  static final int MAGIC = 0x56505632; // "VPV2"
  /** Region code libphonenumber uses for non-geographic calling codes (800, 808, 870, ...). */
  static final String NON_GEO = "001";

  /** A compiled region: its validity DFA and, if the region has leading digits, their DFA. */
  record Table(short[] next, long[] accept, short[] leadNext, long[] leadAccept) {
    /**
     * True if the national significant number {@code nsn} (ASCII digits, as libphonenumber's
     * {@code getNationalSignificantNumber} writes it) is valid for this table's region.
     */
    boolean valid(String nsn) {
      int s = 0;
      for (int k = 0, n = nsn.length(); k < n; k++) {
        int d = nsn.charAt(k) - '0';
        if (d < 0 || d > 9) {
          return false;
        }
        s = next[s * 10 + d];
        if (s < 0) {
          return false;
        }
      }
      return accepts(accept, s);
    }

    /** {@link #valid(String)} for the national significant number {@code nsn[from, to)}. */
    boolean valid(char[] nsn, int from, int to) {
      int s = 0;
      for (int k = from; k < to; k++) {
        int d = nsn[k] - '0';
        if (d < 0 || d > 9) {
          return false;
        }
        s = next[s * 10 + d];
        if (s < 0) {
          return false;
        }
      }
      return accepts(accept, s);
    }

    boolean hasLeadingDigits() {
      return leadNext != null;
    }

    /** True if a prefix of {@code nsn} matches the region's leading digits (the pattern's {@code lookingAt}). */
    boolean leadingDigits(String nsn) {
      int s = 0;
      if (accepts(leadAccept, s)) {
        return true;
      }
      for (int k = 0, n = nsn.length(); k < n; k++) {
        int d = nsn.charAt(k) - '0';
        if (d < 0 || d > 9) {
          return false;
        }
        s = leadNext[s * 10 + d];
        if (s < 0) {
          return false;
        }
        if (accepts(leadAccept, s)) {
          return true;
        }
      }
      return false;
    }

    private static boolean accepts(long[] accept, int s) {
      return (accept[s >> 6] & (1L << s)) != 0;
    }
  }

  /** A table as read, before its fingerprint is compared with the metadata in use. */
  private record Stored(byte[] fingerprint, Table table) {}

  private static final Table[] NONE = new Table[0];

  private final PhoneNumberUtil util;
  /** Tables by key: region code, or "001:" + calling code for a non-geographic entity. */
  private final Map<String, Stored> stored;
  /**
   * Tables whose fingerprint was compared with the library's metadata, by key (empty: no current table).
   * Compared on first use, so that only the metadata of regions actually met is loaded (libphonenumber
   * loads a region's metadata lazily too; loading all ~250 at once cost seconds at start-up).
   */
  private final ConcurrentHashMap<String, Optional<Table>> checked = new ConcurrentHashMap<>();
  /** Per calling code (0-999): its regions' tables in the library's order, or {@link #NONE}; null: not yet built. */
  private final AtomicReferenceArray<Table[]> byCallingCode = new AtomicReferenceArray<>(1000);

  private PhoneValidity(PhoneNumberUtil util, Map<String, Stored> stored) {
    this.util = util;
    this.stored = stored;
  }

  /** The table for {@code key} if its fingerprint matches the metadata in use, else null. */
  private Table current(String key) {
    return checked.computeIfAbsent(key, k -> {
      Stored s = stored.get(k);
      if (s == null) {
        return Optional.empty();
      }
      PhoneMetadata metadata = metadata(k);
      return metadata != null && Arrays.equals(s.fingerprint(), fingerprint(metadata))
          ? Optional.of(s.table()) : Optional.empty();
    }).orElse(null);
  }

  /** The tables of the regions of calling code {@code cc}, or {@link #NONE} if any is missing or not current. */
  private Table[] regionsOf(int cc) {
    if (cc < 0 || cc >= byCallingCode.length()) {
      return NONE;
    }
    Table[] t = byCallingCode.get(cc);
    if (t == null) {
      // built at most a few times under a race, always with the same result
      List<String> regions = util.getRegionCodesForCountryCode(cc);
      t = regions.isEmpty() ? NONE : new Table[regions.size()];
      for (int k = 0; k < regions.size(); k++) {
        t[k] = current(key(regions.get(k), cc));
        if (t[k] == null) {
          t = NONE;
          break;
        }
      }
      byCallingCode.set(cc, t);
    }
    return t;
  }

  static String key(String region, int callingCode) {
    return NON_GEO.equals(region) ? NON_GEO + ":" + callingCode : region;
  }

  /** Loads the tables of {@link #RESOURCE}, keeping only those whose fingerprint matches the metadata in use. */
  static PhoneValidity load(PhoneNumberUtil util) {
    try (InputStream raw = PhoneValidity.class.getResourceAsStream(RESOURCE)) {
      return load(util, raw);
    } catch (IOException e) {
      return new PhoneValidity(util, Map.of());
    }
  }

  /** As {@link #load(PhoneNumberUtil)} from {@code raw} (the resource's bytes; null: no tables). */
  static PhoneValidity load(PhoneNumberUtil util, InputStream raw) {
    return new PhoneValidity(util, raw == null ? Map.of() : read(raw));
  }

  private static Map<String, Stored> read(InputStream raw) {
    Map<String, Stored> tables = new HashMap<>();
    try {
      // inflated at once and read with bulk copies (DataInputStream's byte-at-a-time reads cost ~1 s at start-up)
      ByteBuffer data = ByteBuffer.wrap(new GZIPInputStream(raw).readAllBytes()); // big-endian, as written
      if (data.getInt() != MAGIC) {
        return Map.of();
      }
      int count = data.getInt();
      for (int r = 0; r < count; r++) {
        byte[] key = new byte[data.getShort() & 0xFFFF]; // DataOutput.writeUTF of an ASCII key
        data.get(key);
        byte[] fingerprint = new byte[32];
        data.get(fingerprint);
        int states = data.getInt();
        long[] accept = new long[(states + 63) / 64];
        short[] next = readDfa(data, states, accept);
        int leadStates = data.getInt();
        long[] leadAccept = leadStates == 0 ? null : new long[(leadStates + 63) / 64];
        short[] leadNext = leadStates == 0 ? null : readDfa(data, leadStates, leadAccept);
        tables.put(new String(key, StandardCharsets.US_ASCII),
            new Stored(fingerprint, new Table(next, accept, leadNext, leadAccept)));
      }
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    return tables;
  }

  /** Reads accepting states into {@code accept} and returns the transitions. */
  private static short[] readDfa(ByteBuffer data, int states, long[] accept) throws IOException {
    if (states <= 0 || states > Short.MAX_VALUE) {
      throw new IOException("malformed table");
    }
    for (int k = 0; k < accept.length; k++) {
      accept[k] = data.getLong();
    }
    short[] next = new short[states * 10];
    data.asShortBuffer().get(next);
    data.position(data.position() + 2 * next.length);
    for (short t : next) {
      if (t < -1 || t >= states) {
        throw new IOException("malformed table");
      }
    }
    return next;
  }

  /** The table for {@code region} (a region code), or null if libphonenumber must answer for it. */
  Table table(String region) {
    return NON_GEO.equals(region) ? null : current(region);
  }

  /** Exactly {@code PhoneNumberUtil.isValidNumber(number)}. */
  boolean isValidNumber(PhoneNumber number) {
    Table[] regions = regionsOf(number.getCountryCode());
    if (regions.length == 0) {
      return util.isValidNumber(number); // unknown calling code, or a region without a current table
    }
    String nsn = nationalSignificantNumber(number);
    if (regions.length == 1) {
      return regions[0].valid(nsn);
    }
    // getRegionCodeForNumberFromRegionList, then isValidNumberForRegion for the region it picks
    for (Table t : regions) {
      if (t.hasLeadingDigits()) {
        if (t.leadingDigits(nsn)) {
          return t.valid(nsn);
        }
      } else if (t.valid(nsn)) {
        return true;
      }
    }
    return false;
  }

  /** As libphonenumber's {@code getNationalSignificantNumber}: Italian leading zeros, then the number. */
  static String nationalSignificantNumber(PhoneNumber number) {
    String digits = Long.toString(number.getNationalNumber());
    if (number.isItalianLeadingZero() && number.getNumberOfLeadingZeros() > 0) {
      return "0".repeat(number.getNumberOfLeadingZeros()) + digits;
    }
    return digits;
  }

  /** Metadata for a table key (region code, or "001:" + calling code). */
  static PhoneMetadata metadata(String key) {
    MetadataSource source = DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();
    if (key.startsWith(NON_GEO + ":")) {
      return source.getMetadataForNonGeographicalRegion(Integer.parseInt(key.substring(NON_GEO.length() + 1)));
    }
    return source.getMetadataForRegion(key);
  }

  /** The descriptions validity reads, in libphonenumber's order; the general description first. */
  static List<PhoneNumberDesc> descriptions(PhoneMetadata m) {
    return List.of(m.getGeneralDesc(), m.getPremiumRate(), m.getTollFree(), m.getSharedCost(), m.getVoip(),
        m.getPersonalNumber(), m.getPager(), m.getUan(), m.getVoicemail(), m.getFixedLine(), m.getMobile());
  }

  /**
   * SHA-256 over everything the tables depend on: each description's pattern and lengths, the
   * shared-pattern flag and the leading digits.
   */
  static byte[] fingerprint(PhoneMetadata m) {
    StringBuilder sb = new StringBuilder(4096);
    for (PhoneNumberDesc d : descriptions(m)) {
      sb.append(d.getNationalNumberPattern()).append('\u0000');
      for (int len : d.getPossibleLengthList()) {
        sb.append(len).append(',');
      }
      sb.append('\u0001');
    }
    sb.append(m.getSameMobileAndFixedLinePattern()).append('\u0002');
    sb.append(m.hasLeadingDigits()).append(':').append(m.getLeadingDigits());
    try {
      return MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
